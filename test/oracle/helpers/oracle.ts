/**
 * Test helpers: the oracle command as a child process, and an independent computation of the totals an export
 * must produce (naive grouping and arithmetic, the evidence hash re-encoded from its documented layout).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import { ROOT } from "./node";
import { sampleAddress } from "../../../scripts/oracle/sample";
import { tokenIdOf } from "../../../scripts/ledger/token-id";

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment of a child oracle: only what it needs (no inherited secrets), plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TS_NODE_TRANSPILE_ONLY: "1", ...env };
}

export function spawnOracle(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["-r", "ts-node/register", "scripts/oracle/cli.ts", ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs the command to its end (or until `killAfterMs`, then SIGKILL). */
export function runOracle(args: string[], env: Record<string, string>, killAfterMs?: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawnOracle(args, env);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The JSON summary line of a run. */
export function summaryOf(run: Run): Record<string, unknown> {
  const line = run.stdout.split("\n").find((l) => l.startsWith('{"event":"summary"'));
  if (line === undefined) throw new Error(`no summary; exit ${run.code}\n${run.stderr}\n${run.stdout.slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

export interface ExpectedTotal {
  partyId: string;
  fromDate: number;
  thruDate: number;
  grams: bigint;
  evidenceHash: string;
  records: number;
}

type Rec = Record<string, unknown>;

/** Decimal text -> integer base units by moving the decimal point `decimals` places. */
function shift(text: string, decimals: number): bigint {
  const [whole, frac = ""] = text.split(".");
  if (frac.length > decimals) throw new Error(`finer than the base unit: ${text}`);
  return BigInt(`${whole}${frac.padEnd(decimals, "0")}`);
}

/** Monthly totals of an export, computed without the oracle's code. */
export function expectedMonthlyTotals(records: readonly Rec[], salt: string): ExpectedTotal[] {
  const coder = AbiCoder.defaultAbiCoder();
  const groups = new Map<string, { partyId: string; from: number; thru: number; recs: Rec[] }>();
  for (const r of records) {
    if (typeof r.tokenId === "string" && r.tokenId !== "") continue;
    const a = Date.parse(`${String(r.fromDate)}T00:00:00Z`) / 1000;
    const b = Date.parse(`${String(r.thruDate)}T23:59:59Z`) / 1000;
    const mid = new Date((a + Math.floor((b - a) / 2)) * 1000);
    const from = Date.UTC(mid.getUTCFullYear(), mid.getUTCMonth(), 1) / 1000;
    const thru = Date.UTC(mid.getUTCFullYear(), mid.getUTCMonth() + 1, 1) / 1000 - 1;
    const key = `${String(r.partyId)}|${from}`;
    const g = groups.get(key) ?? { partyId: String(r.partyId), from, thru, recs: [] };
    g.recs.push(r);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const commitment = keccak256(coder.encode(["string", "string"], [salt, g.partyId]));
    const sorted = [...g.recs].sort((x, y) => (String(x.uuid) < String(y.uuid) ? -1 : 1));
    const encoded = coder.encode(
      ["bytes32", "bytes32", "uint40", "uint40", "tuple(bytes32,bytes)[]"],
      [
        keccak256(toUtf8Bytes("net-emissions-oracle/evidence/v1")),
        commitment,
        g.from,
        g.thru,
        sorted.map((r) => [keccak256(toUtf8Bytes(String(r.uuid))), `0x${String(r.md5)}`]),
      ],
    );
    return {
      partyId: g.partyId,
      fromDate: g.from,
      thruDate: g.thru,
      grams: g.recs.reduce((s, r) => s + shift(String(r.emissionsAmount), r.emissionsUom === "t" ? 6 : 3), 0n),
      evidenceHash: keccak256(encoded),
      records: g.recs.length,
    };
  });
}

/** The token id of an expected total: its evidence within its emitter's scope (parties mapped by sampleAddress). */
export const idOfTotal = (t: Pick<ExpectedTotal, "partyId" | "evidenceHash">): bigint =>
  tokenIdOf(3, sampleAddress(t.partyId), t.evidenceHash);
