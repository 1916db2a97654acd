/**
 * `npm run bench:cli`: the command line's start-up, as medians of N runs (BENCH_RUNS, default 7), against the
 * targets of issue 10:
 *
 * - `npm run -s cli -- --help` and `npm run -s oracle -- --help` within twice the time of `npm run -s env` (npm's own
 *   start-up);
 * - a read command, `holder balances`, against a local node under 1 s (a `hardhat node` this script starts on a free
 *   port, with the suite deployed by `npm run deploy` first, in a temporary deployments folder).
 *
 * It prints PASS or FAIL per target and always exits 0: a benchmark, not a test (timings depend on the machine).
 * The "before" column is the ts-node command line as of commit 2cb60c6 (every command loaded Hardhat's runtime),
 * measured once with this script's method on the same machine; see BEFORE.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startNode } from "../../test/helpers/hardhat-node";

const ROOT = path.join(__dirname, "..", "..");
const RUNS = Math.max(1, Number(process.env["BENCH_RUNS"] ?? 7));

/**
 * Medians (seconds) of the ts-node command line before this change (commit 2cb60c6), 7 runs each, measured with
 * this script on the development machine (2 cores, load average 3.1 from other work at the time). The same run of
 * this script on the compiled command line gave env 0.33 s, --help 0.56 s, holder balances 0.69 s (load 4.3).
 * The oracle's `--help` under ts-node (before commit "npm run oracle runs compiled"): 2.22 s, one run, load ~2.
 */
const BEFORE = { env: 0.33, help: 2.68, oracleHelp: 2.22, balances: 5.88, load: "3.1" } as const;

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Seconds one run of `npm args` takes (stdout and stderr discarded); fails loudly on a non-zero exit. */
function timeOnce(args: string[], env: Record<string, string>): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(npm, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} exited ${r.status}: ${r.stderr.toString().trim().split("\n").slice(-3).join(" | ")}`);
  return seconds;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function measure(label: string, args: string[], env: Record<string, string> = {}): number {
  timeOnce(args, env); // warm-up: file cache, and a build of dist/cli if a source changed
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(timeOnce(args, env));
  const m = median(times);
  console.error(`  ${label}: ${times.map((t) => t.toFixed(2)).join(" ")} -> median ${m.toFixed(2)} s`);
  return m;
}

async function main(): Promise<void> {
  const load = os.loadavg()[0]?.toFixed(1) ?? "?";
  console.error(`measuring (${RUNS} runs each, after one warm-up; load average ${load}, ${os.cpus().length} cores)`);
  const env = measure("npm run -s env", ["run", "-s", "env"]);
  const help = measure("npm run -s cli -- --help", ["run", "-s", "cli", "--", "--help"]);
  const oracleHelp = measure("npm run -s oracle -- --help", ["run", "-s", "oracle", "--", "--help"]);

  const node = await startNode();
  const deployments = fs.mkdtempSync(path.join(os.tmpdir(), "nes-bench-cli-"));
  let balances: number;
  try {
    const chain = { LOCALHOST_RPC_URL: node.url, NES_DEPLOYMENTS_DIR: deployments };
    console.error(`  deploying the suite on ${node.url} (npm run deploy)...`);
    timeOnce(["run", "-s", "deploy", "--", "--network", "localhost"], chain);
    balances = measure("holder balances", ["run", "-s", "cli", "--", "holder", "balances", "--network", "localhost", "--from", "4"], chain);
  } finally {
    await node.stop();
    fs.rmSync(deployments, { recursive: true, force: true });
  }

  const verdict = (ok: boolean): string => (ok ? "PASS" : "FAIL");
  const rows: [string, string, string, string, string][] = [
    ["command", `before (2cb60c6, load ${BEFORE.load})`, `now (load ${load})`, "target", ""],
    ["npm run -s env", `${BEFORE.env.toFixed(2)} s`, `${env.toFixed(2)} s`, "(npm's own start-up)", ""],
    ["npm run -s cli -- --help", `${BEFORE.help.toFixed(2)} s`, `${help.toFixed(2)} s`, `<= 2 x env = ${(2 * env).toFixed(2)} s`, verdict(help <= 2 * env)],
    ["npm run -s oracle -- --help", `${BEFORE.oracleHelp.toFixed(2)} s`, `${oracleHelp.toFixed(2)} s`, `<= 2 x env = ${(2 * env).toFixed(2)} s`, verdict(oracleHelp <= 2 * env)],
    ["holder balances (local node)", `${BEFORE.balances.toFixed(2)} s`, `${balances.toFixed(2)} s`, "< 1.00 s", verdict(balances < 1)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`CLI start-up, medians of ${RUNS} runs`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
