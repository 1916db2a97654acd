/**
 * Test helpers: the oracle command as a child process, and an independent computation of the totals an export
 * must produce (naive grouping and arithmetic, the evidence hash re-encoded from its documented layout).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import { ROOT } from "./node";
import { sampleAddress } from "../../../scripts/oracle/sample";
import { tokenIdOf } from "../../../scripts/ledger/token-id";
import { SAMPLE_PARTIES as SAMPLE_PARTY_LIST } from "../../../scripts/oracle/generate-sample";

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

/**
 * Decimal text (plain or exponent form) times 10^`digits`, rounded half to even, by string manipulation (an
 * implementation independent of scripts/oracle/exact.ts).
 */
export function halfEven(text: string, digits: number): bigint {
  const m = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text.trim());
  if (m === null) throw new Error(`not a decimal: ${text}`);
  let intPart = m[1] ?? "";
  let frac = m[2] ?? "";
  let shift = Number(m[3] ?? "0") + digits;
  // Move the decimal point `shift` places to the right, one digit at a time.
  while (shift > 0) {
    intPart += frac.charAt(0) || "0";
    frac = frac.slice(1);
    shift--;
  }
  while (shift < 0) {
    frac = (intPart.slice(-1) || "0") + frac;
    intPart = intPart.slice(0, -1);
    shift++;
  }
  const q = BigInt(intPart === "" ? "0" : intPart);
  const rest = frac.replace(/0+$/, "");
  if (rest === "") return q;
  const half = rest.charAt(0) > "5" || (rest.charAt(0) === "5" && rest.length > 1);
  const tie = rest === "5";
  return half || (tie && q % 2n === 1n) ? q + 1n : q;
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** Seconds of a record date: YYYY-MM-DD (from: start, thru: end of the day) or YYYY-MM-DDTHH:MM:SS[Z]. */
function seconds(text: string, end: boolean): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T${end ? "23:59:59" : "00:00:00"}Z`) / 1000;
  return Math.floor(Date.parse(text.endsWith("Z") ? text : `${text}Z`) / 1000);
}

/**
 * Monthly totals of an export (records bare or as { Key, Record }), computed without the oracle's code. Parties
 * are resolved from `rawPartyIds` by SHA-256 (or a raw id as is); records with a tokenId are left out.
 */
export function expectedMonthlyTotals(input: readonly unknown[], salt: string, rawPartyIds: readonly string[] = SAMPLE_PARTY_LIST.map((p) => p.partyId)): ExpectedTotal[] {
  const coder = AbiCoder.defaultAbiCoder();
  const rawOf = new Map(rawPartyIds.flatMap((raw) => [[sha256(raw), raw], [raw, raw]] as [string, string][]));
  const records = input.map((d) => ((d as { Record?: unknown }).Record ?? d) as Rec);
  const groups = new Map<string, { partyId: string; from: number; thru: number; recs: Rec[] }>();
  for (const r of records) {
    if (typeof r.tokenId === "string" && r.tokenId !== "") continue;
    const party = rawOf.get(String(r.partyId));
    if (party === undefined) throw new Error(`no raw party id for ${String(r.partyId)}`);
    const a = seconds(String(r.fromDate), false);
    const b = seconds(String(r.thruDate), true);
    const mid = new Date((a + Math.floor((b - a) / 2)) * 1000);
    const from = Date.UTC(mid.getUTCFullYear(), mid.getUTCMonth(), 1) / 1000;
    const thru = Date.UTC(mid.getUTCFullYear(), mid.getUTCMonth() + 1, 1) / 1000 - 1;
    const key = `${party}|${from}`;
    const g = groups.get(key) ?? { partyId: party, from, thru, recs: [] };
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
        sorted.map((r) => [keccak256(toUtf8Bytes(String(r.uuid))), `0x${String(r.md5 ?? "")}`]),
      ],
    );
    return {
      partyId: g.partyId,
      fromDate: g.from,
      thruDate: g.thru,
      grams: g.recs.reduce((s, r) => s + halfEven(String(r.emissionsAmount), r.emissionsUom === "kg" ? 3 : 6), 0n),
      evidenceHash: keccak256(encoded),
      records: g.recs.length,
    };
  });
}

/** The token id of an expected total: its evidence within its emitter's scope (parties mapped by sampleAddress). */
export const idOfTotal = (t: Pick<ExpectedTotal, "partyId" | "evidenceHash">): bigint =>
  tokenIdOf(3, sampleAddress(t.partyId), t.evidenceHash);
