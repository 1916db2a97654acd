/**
 * Deployment parameters per network: `deploy/ignition/parameters/<network>.json`, Hardhat Ignition's own parameter
 * format (one section per module: Ledger, Dao, Handover; integers beyond JavaScript's safe range as strings with the
 * bigint suffix `n`). Validated here before anything is sent (unknown in, typed out, every problem named); the
 * format is documented in deploy/README.md.
 */
import fs from "node:fs";
import path from "node:path";
import { formatUnits, getAddress, isAddress } from "ethers";
import { ROOT } from "../scripts/lib/paths";
import type { Parsed } from "../scripts/lib/units";

export const PARAMETERS_DIR = path.join(ROOT, "deploy", "ignition", "parameters");

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
    /** Initial holders; amounts in base units (18 decimals). */
    holders: { account: string; amount: bigint }[];
  };
  timelock: { minDelay: number };
  governor: {
    votingDelay: number;
    votingPeriod: number;
    /** Votes needed to propose, in base units (18 decimals). */
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
    const text = typeof v === "bigint" ? `${v}n` : v;
    if (typeof text !== "string" || !/^\d+n$/.test(text)) {
      problems.push(`${where}: expected base units (18 decimals) with the suffix n, e.g. "1000000000000000000000n" for 1000 tokens`);
      return 0n;
    }
    return BigInt(text.slice(0, -1));
  };

  const l = section("Ledger");
  const d = section("Dao");
  const h = section("Handover");
  const holderList = d["holders"];
  const amountList = d["amounts"];
  const holders: { account: string; amount: bigint }[] = [];
  if (!Array.isArray(holderList) || holderList.length === 0) problems.push("Dao.holders: expected a non-empty list of addresses");
  else if (!Array.isArray(amountList) || amountList.length !== holderList.length) {
    problems.push(`Dao.amounts: expected a list of ${holderList.length} amount(s), one per holder`);
  } else {
    holderList.forEach((a: unknown, i) => {
      holders.push({ account: address(a, `Dao.holders[${i}]`), amount: tokens(amountList[i], `Dao.amounts[${i}]`) });
    });
  }
  const votingPeriod = int(d, "Dao", "votingPeriod", 1, 2 ** 32 - 1);
  const params: SuiteParameters = {
    ledger: {
      adminTransferDelay: int(l, "Ledger", "adminTransferDelay", 0, 2 ** 48 - 1),
      limitedMode: bool(l, "Ledger", "limitedMode"),
      attestationThreshold: int(l, "Ledger", "attestationThreshold", 1, 255),
      guardian: address(l["guardian"], "Ledger.guardian"),
      registrars: addresses(l, "Ledger", "registrars"),
      auditors: addresses(l, "Ledger", "auditors"),
      recIssuers: addresses(l, "Ledger", "recIssuers"),
      offsetIssuers: addresses(l, "Ledger", "offsetIssuers"),
    },
    votingToken: {
      name: str(d, "Dao", "tokenName"),
      symbol: str(d, "Dao", "tokenSymbol"),
      transferable: bool(d, "Dao", "transferable"),
      holders,
    },
    timelock: { minDelay: int(h, "Handover", "timelockDelay", 0, 2 ** 32 - 1) },
    governor: {
      votingDelay: int(d, "Dao", "votingDelay", 0, 2 ** 48 - 1),
      votingPeriod,
      proposalThreshold: tokens(d["proposalThreshold"], "Dao.proposalThreshold"),
      quorumPercent: int(d, "Dao", "quorumPercent", 1, 100),
      lateQuorumExtension: int(d, "Dao", "lateQuorumExtension", 0, votingPeriod),
      quadratic: bool(d, "Dao", "quadratic"),
    },
  };
  if (problems.length > 0) return { ok: false, error: `${source}: ${problems.join("; ")}` };
  return { ok: true, value: params };
}

/** Ignition's reading of a parameters file: strings like "123n" are bigints (as `npx hardhat ignition deploy` reads them). */
const bigintReviver = (_key: string, value: unknown): unknown =>
  typeof value === "string" && /^\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value;

/** Reads and validates `deploy/ignition/parameters/<network>.json` (or `file`). */
export function loadParameters(network: string, file?: string): Parsed<SuiteParameters> {
  const p = file ?? path.join(PARAMETERS_DIR, `${network}.json`);
  let text: string;
  try {
    text = fs.readFileSync(p, "utf8");
  } catch {
    return { ok: false, error: `--parameters "${p}": cannot read the file (one per network in deploy/ignition/parameters/)` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text, bigintReviver);
  } catch {
    return { ok: false, error: `--parameters "${p}": not valid JSON` };
  }
  return validateParameters(value, p);
}

/** The modules' parameters (Ignition's DeploymentParameters) of validated parameters. */
export function ignitionParameters(p: SuiteParameters): { Ledger: Record<string, IgnitionValue>; Dao: Record<string, IgnitionValue>; Handover: Record<string, IgnitionValue> } {
  return {
    Ledger: {
      adminTransferDelay: p.ledger.adminTransferDelay, limitedMode: p.ledger.limitedMode, attestationThreshold: p.ledger.attestationThreshold,
      guardian: p.ledger.guardian, registrars: p.ledger.registrars, auditors: p.ledger.auditors, recIssuers: p.ledger.recIssuers,
      offsetIssuers: p.ledger.offsetIssuers,
    },
    Dao: {
      tokenName: p.votingToken.name, tokenSymbol: p.votingToken.symbol, transferable: p.votingToken.transferable,
      holders: p.votingToken.holders.map((h) => h.account), amounts: p.votingToken.holders.map((h) => h.amount),
      votingDelay: p.governor.votingDelay, votingPeriod: p.governor.votingPeriod, proposalThreshold: p.governor.proposalThreshold,
      quorumPercent: p.governor.quorumPercent, lateQuorumExtension: p.governor.lateQuorumExtension, quadratic: p.governor.quadratic,
    },
    Handover: { timelockDelay: p.timelock.minDelay },
  };
}
type IgnitionValue = number | bigint | boolean | string | (string | bigint)[];

/** Whole tokens of a base-unit amount, for messages. */
export const wholeTokens = (amount: bigint): string => formatUnits(amount, 18);

/** The parameters as JSON-safe values, for the deployment record. */
export function parametersForRecord(p: SuiteParameters): Record<string, unknown> {
  return JSON.parse(JSON.stringify(p, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Record<string, unknown>;
}
