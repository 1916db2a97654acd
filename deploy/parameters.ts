/**
 * Deployment parameters per network: `deploy/parameters/<network>.json`, validated here (unknown in, typed out,
 * every problem named). The file format is documented in deploy/README.md.
 */
import fs from "node:fs";
import path from "node:path";
import { getAddress, isAddress, parseUnits } from "ethers";
import type { Parsed } from "../scripts/lib/units";

export const PARAMETERS_DIR = path.join(__dirname, "parameters");

export interface SuiteParameters {
  ledger: {
    /** Seconds a started admin transfer waits before the new admin may accept it. */
    adminTransferDelay: number;
    limitedMode: boolean;
    attestationThreshold: number;
    /** The guardian (a multisig on live networks): holds the pauser role. */
    guardian: string;
    registrars: string[];
    auditors: string[];
    recIssuers: string[];
    offsetIssuers: string[];
  };
  votingToken: {
    name: string;
    symbol: string;
    transferable: boolean;
    /** Initial holders; amounts in whole tokens (18 decimals on chain). */
    holders: { account: string; amount: bigint }[];
  };
  timelock: { minDelay: number };
  governor: {
    votingDelay: number;
    votingPeriod: number;
    /** Votes needed to propose, in whole tokens. */
    proposalThreshold: bigint;
    /** Quorum as a percentage of the supply at the snapshot. */
    quorumPercent: number;
    lateQuorumExtension: number;
    quadratic: boolean;
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Validates a parameters document; collects every problem, each naming the field. */
export function validateParameters(value: unknown, source = "parameters"): Parsed<SuiteParameters> {
  const problems: string[] = [];
  const section = (name: string): Record<string, unknown> => {
    const s = isRecord(value) ? value[name] : undefined;
    if (!isRecord(s)) {
      problems.push(`${name}: expected an object`);
      return {};
    }
    return s;
  };
  const int = (s: Record<string, unknown>, sec: string, key: string, min: number, max: number): number => {
    const v = s[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      problems.push(`${sec}.${key}: expected a whole number from ${min} to ${max}`);
      return min;
    }
    return v;
  };
  const bool = (s: Record<string, unknown>, sec: string, key: string): boolean => {
    const v = s[key];
    if (typeof v !== "boolean") problems.push(`${sec}.${key}: expected true or false`);
    return v === true;
  };
  const str = (s: Record<string, unknown>, sec: string, key: string): string => {
    const v = s[key];
    if (typeof v !== "string" || v.trim() === "") {
      problems.push(`${sec}.${key}: expected a non-empty string`);
      return "";
    }
    return v;
  };
  const address = (v: unknown, where: string): string => {
    if (typeof v !== "string" || !isAddress(v) || BigInt(v) === 0n) {
      problems.push(`${where}: expected a non-zero 0x address`);
      return "0x0000000000000000000000000000000000000000";
    }
    return getAddress(v);
  };
  const addresses = (s: Record<string, unknown>, sec: string, key: string): string[] => {
    const v = s[key] ?? [];
    if (!Array.isArray(v)) {
      problems.push(`${sec}.${key}: expected a list of addresses`);
      return [];
    }
    return v.map((a, i) => address(a, `${sec}.${key}[${i}]`));
  };
  const tokens = (v: unknown, where: string): bigint => {
    if (typeof v !== "string" || !/^\d+(\.\d{1,18})?$/.test(v)) {
      problems.push(`${where}: expected a decimal string of whole tokens, e.g. "1000"`);
      return 0n;
    }
    return parseUnits(v, 18);
  };

  const l = section("ledger");
  const t = section("votingToken");
  const tl = section("timelock");
  const g = section("governor");
  const holdersValue = t["holders"];
  const holders: { account: string; amount: bigint }[] = [];
  if (!Array.isArray(holdersValue) || holdersValue.length === 0) {
    problems.push("votingToken.holders: expected a non-empty list of { account, amount }");
  } else {
    holdersValue.forEach((h: unknown, i) => {
      const where = `votingToken.holders[${i}]`;
      if (!isRecord(h)) problems.push(`${where}: expected { account, amount }`);
      else holders.push({ account: address(h["account"], `${where}.account`), amount: tokens(h["amount"], `${where}.amount`) });
    });
  }
  const votingPeriod = int(g, "governor", "votingPeriod", 1, 2 ** 32 - 1);
  const params: SuiteParameters = {
    ledger: {
      adminTransferDelay: int(l, "ledger", "adminTransferDelay", 0, 2 ** 48 - 1),
      limitedMode: bool(l, "ledger", "limitedMode"),
      attestationThreshold: int(l, "ledger", "attestationThreshold", 1, 255),
      guardian: address(l["guardian"], "ledger.guardian"),
      registrars: addresses(l, "ledger", "registrars"),
      auditors: addresses(l, "ledger", "auditors"),
      recIssuers: addresses(l, "ledger", "recIssuers"),
      offsetIssuers: addresses(l, "ledger", "offsetIssuers"),
    },
    votingToken: {
      name: str(t, "votingToken", "name"),
      symbol: str(t, "votingToken", "symbol"),
      transferable: bool(t, "votingToken", "transferable"),
      holders,
    },
    timelock: { minDelay: int(tl, "timelock", "minDelay", 0, 2 ** 32 - 1) },
    governor: {
      votingDelay: int(g, "governor", "votingDelay", 0, 2 ** 48 - 1),
      votingPeriod,
      proposalThreshold: tokens(g["proposalThreshold"], "governor.proposalThreshold"),
      quorumPercent: int(g, "governor", "quorumPercent", 1, 100),
      lateQuorumExtension: int(g, "governor", "lateQuorumExtension", 0, votingPeriod),
      quadratic: bool(g, "governor", "quadratic"),
    },
  };
  if (problems.length > 0) return { ok: false, error: `${source}: ${problems.join("; ")}` };
  return { ok: true, value: params };
}

/** Reads and validates `deploy/parameters/<network>.json` (or `file`). */
export function loadParameters(network: string, file?: string): Parsed<SuiteParameters> {
  const p = file ?? path.join(PARAMETERS_DIR, `${network}.json`);
  let text: string;
  try {
    text = fs.readFileSync(p, "utf8");
  } catch {
    return { ok: false, error: `--parameters "${p}": cannot read the file (one per network in deploy/parameters/)` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `--parameters "${p}": not valid JSON` };
  }
  return validateParameters(value, p);
}

/** The parameters as JSON-safe values, for the deployment record. */
export function parametersForRecord(p: SuiteParameters): Record<string, unknown> {
  return JSON.parse(JSON.stringify(p, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Record<string, unknown>;
}
