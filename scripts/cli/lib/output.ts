/**
 * Output: with --json, exactly one JSON document on stdout and nothing else (bigints as decimal strings);
 * otherwise human-readable lines and tables. Progress and warnings always go to stderr.
 */

/** JSON.stringify with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** Prints a result: the JSON document, or the human lines. */
export function emit(json: boolean, value: unknown, human: () => string[]): void {
  if (json) process.stdout.write(`${toJson(value)}\n`);
  else process.stdout.write(`${human().join("\n")}\n`);
}

/** A plain text table with a header row, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}
