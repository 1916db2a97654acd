/**
 * What the oracle shows: a progress bar on a terminal, JSON lines otherwise. Every line passes through a
 * redactor that removes the secrets it was given (keys, salt), as a second line of defence.
 */
import { SingleBar, Presets } from "cli-progress";
import type { Log } from "./chain";

export interface Reporter {
  log: Log;
  progress(done: number, total: number): void;
  /** Prints a line as is (after redaction). */
  print(line: string): void;
  stop(): void;
}

export function redactor(secrets: readonly string[]): (text: string) => string {
  const needles = secrets
    .flatMap((s) => [s, s.replace(/^0x/i, "")])
    .filter((s) => s.length >= 8)
    .sort((a, b) => b.length - a.length);
  return (text) => needles.reduce((t, n) => t.split(n).join("[redacted]"), text);
}

const json = (fields: Record<string, unknown>): string =>
  JSON.stringify(fields, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

/** JSON lines on `write` (stdout by default). */
export function jsonReporter(secrets: readonly string[], write: (line: string) => void = (l) => process.stdout.write(l + "\n")): Reporter {
  const redact = redactor(secrets);
  return {
    log: (event, fields = {}) => write(redact(json({ event, ...fields }))),
    progress: (done, total) => write(redact(json({ event: "progress", done, total }))),
    print: (line) => write(redact(line)),
    stop: () => undefined,
  };
}

/** A progress bar on stderr; only warnings and errors are printed as lines. */
export function ttyReporter(secrets: readonly string[]): Reporter {
  const redact = redactor(secrets);
  let bar: SingleBar | undefined;
  const quiet = new Set(["minted", "already-minted", "progress", "batch", "rpc-retry", "written-back", "recovered", "minted-by-others", "rival-pending"]);
  return {
    log: (event, fields = {}) => {
      if (quiet.has(event)) return;
      const line = redact(`${event}: ${json(fields)}`);
      if (bar !== undefined) process.stderr.write(`\n${line}\n`);
      else process.stderr.write(`${line}\n`);
    },
    progress: (done, total) => {
      if (bar === undefined) {
        bar = new SingleBar({ format: "minting [{bar}] {value}/{total} totals | {eta}s left", stream: process.stderr }, Presets.shades_classic);
        bar.start(total, done);
      } else bar.update(done);
    },
    print: (line) => process.stdout.write(redact(line) + "\n"),
    stop: () => bar?.stop(),
  };
}

/** A reporter that collects lines, for tests and for callers embedding the oracle. */
export function memoryReporter(secrets: readonly string[] = []): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(jsonReporter(secrets, (l) => lines.push(l)), { lines });
}
