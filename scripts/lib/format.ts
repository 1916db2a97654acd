/**
 * Pure formatting and decoding shared by the command line and the web app (no Node-only imports, no ethers or
 * viem): decoded calls and custom errors as `name(arg=value, ...)` with arguments in human units, token types,
 * durations, certificate serial numbers and the effect of a retirement on a net position.
 *
 * Both sides decode with their own ABI library (ethers in the CLI, viem in the app) and hand the name, the ABI
 * inputs and the values here, so what a user reads is the same in a terminal and in a browser.
 */
import { formatAmount, formatDate } from "./units";
import type { Quantity } from "./units";

/** ICarbonLedger.TokenType codes and what a person calls them. */
export const TOKEN_TYPE_LABELS: Record<number, string> = { 1: "Renewable energy certificate", 2: "Carbon offset", 3: "Audited emissions" };
export const TOKEN_TYPE_SHORT: Record<number, string> = { 1: "REC", 2: "Offset", 3: "Emissions" };

/** The quantity a token type is measured in: RECs in Wh, offsets and emissions in g CO2e. */
export const quantityOfType = (tokenType: number): Quantity => (tokenType === 1 ? "energy" : "mass");

/** Governor.ProposalState names, by code. */
export const PROPOSAL_STATE_NAMES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"] as const;

/** IClaimsRegistry.ClaimKind and Verdict names, by code. */
export const CLAIM_KIND_NAMES = ["None", "Net zero", "Emissions at most", "Reduction"] as const;
export const VERDICT_NAMES = ["Pending", "Approved", "Rejected"] as const;

/** An ABI parameter as both ethers and viem describe it. */
export interface AbiParam {
  name?: string;
  type: string;
  components?: readonly AbiParam[] | null;
}

/** What helps show values in human units. */
export interface HumanContext {
  /** The quantity of amounts (from the token type in question), when known. */
  quantity?: Quantity;
  /** Lower-case address -> contract name (from the deployment record). */
  names?: Record<string, string>;
  /** bytes32 role hash (lower case) -> role name. */
  roles?: Record<string, string>;
}

const AMOUNT_ARGS = new Set(["amount", "available", "needed", "balance", "retired", "issued", "emissions", "offsetsRetired", "recsRetired", "netPosition"]);
const DATE_ARGS = new Set(["fromDate", "thruDate", "timestamp", "deadline", "decidedAt", "createdAt"]);
const DURATION_ARGS = new Set(["newVotingDelay", "newVotingPeriod", "newVoteExtension", "newDelay", "delay", "minDelay"]);

/** 0x + 64 hex digits of a uint256 (token ids are evidence hashes within a scope). */
export const hex32 = (value: bigint): string => `0x${value.toString(16).padStart(64, "0")}`;

/** "1 d 2 h", "5 min 3 s", "42 s": a duration in seconds, the two largest units. */
export function formatDuration(seconds: number | bigint): string {
  let s = Math.max(0, Math.floor(Number(seconds)));
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["min", 60], ["s", 1]] as const) {
    if (s >= size || (unit === "s" && parts.length === 0)) {
      parts.push(`${Math.floor(s / size)} ${unit}`);
      s %= size;
    }
  }
  return parts.slice(0, 2).join(" ");
}

/** Unix seconds -> "YYYY-MM-DD HH:MM UTC". */
export function formatDateTime(seconds: number | bigint): string {
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** One decoded value, readably; with `human`, amounts, dates, durations, contracts and roles by name. */
export function formatValue(value: unknown, param: AbiParam, ctx: HumanContext = {}, human = false): string {
  const name = param.name ?? "";
  if (Array.isArray(value)) {
    const inner: AbiParam = { ...param, type: param.type.replace(/\[\d*\]$/, "") };
    if (param.type.endsWith("]")) return `[${value.map((v) => formatValue(v, inner, ctx, human)).join(", ")}]`;
    // A tuple given as an array (ethers Result): by position.
    return formatTuple(value as unknown[], param, ctx, human);
  }
  if (typeof value === "object" && value !== null && param.components !== undefined && param.components !== null) {
    const record = value as Record<string, unknown>;
    return formatTuple(param.components.map((c) => record[c.name ?? ""]), param, ctx, human);
  }
  if (typeof value === "bigint" || (typeof value === "number" && /^u?int/.test(param.type))) {
    const v = BigInt(value);
    if (param.type === "uint256" && name === "id") return hex32(v);
    if (!human) return v.toString();
    if (param.type === "uint256" && name === "tokenId") return hex32(v);
    if (AMOUNT_ARGS.has(name) && ctx.quantity !== undefined) return formatAmount(v, ctx.quantity);
    if (DATE_ARGS.has(name)) return formatDate(v);
    if (DURATION_ARGS.has(name)) return formatDuration(v);
    return v.toString();
  }
  if (typeof value === "string") {
    if (human && param.type === "address") {
      const contract = ctx.names?.[value.toLowerCase()];
      return contract === undefined ? value : `${contract} (${value})`;
    }
    if (human && param.type === "bytes32") return ctx.roles?.[value.toLowerCase()] ?? value;
    if (human && param.type === "string") return JSON.stringify(value);
    return value;
  }
  return String(value);
}

function formatTuple(values: unknown[], param: AbiParam, ctx: HumanContext, human: boolean): string {
  const components: readonly AbiParam[] = param.components ?? values.map(() => ({ type: "" }));
  const typeIndex = components.findIndex((c) => c.name === "tokenType");
  const inner = typeIndex >= 0 ? { ...ctx, quantity: quantityOfType(Number(values[typeIndex])) } : ctx;
  return `{${components.map((c, i) => `${c.name ?? i}: ${formatValue(values[i], c, inner, human)}`).join(", ")}}`;
}

/** The arguments of a decoded call or error, each named (`arg<i>` when the ABI has no name) and formatted. */
export function formatArgs(
  inputs: readonly AbiParam[], args: readonly unknown[], ctx: HumanContext = {}, human = false,
): { name: string; value: string }[] {
  return inputs.map((input, i) => ({
    name: input.name === undefined || input.name === "" ? `arg${i}` : input.name,
    value: formatValue(args[i], input, ctx, human),
  }));
}

/**
 * `Name(arg=value, ...)`: a decoded custom error or call. The command line prints base units (`human` false, the
 * form its scripts parse); the app shows human units (`human` true with the token's quantity).
 */
export function formatCall(name: string, inputs: readonly AbiParam[], args: readonly unknown[], ctx: HumanContext = {}, human = false): string {
  return `${name}(${formatArgs(inputs, args, ctx, human).map((a) => `${a.name}=${a.value}`).join(", ")})`;
}

/** A retirement's serial number: chain, block, log index and the transaction's first bytes; unique per receipt. */
export function certificateSerial(chainId: number, block: bigint | number, logIndex: number, txHash: string): string {
  return `NES-${chainId}-${String(block).padStart(8, "0")}-${String(logIndex).padStart(3, "0")}-${txHash.slice(2, 10).toUpperCase()}`;
}

/** Year totals as the ledger reports them (g CO2e, Wh). */
export interface YearFigures {
  emissions: bigint;
  offsetsRetired: bigint;
  recsRetired: bigint;
  netPosition: bigint;
}

/**
 * The beneficiary's year totals after retiring `amount` of a token of `tokenType` claimed for that year: an offset
 * lowers the net position by its amount, a REC adds to the retired RECs and leaves the net position as it is.
 */
export function afterRetirement(figures: YearFigures, tokenType: number, amount: bigint): YearFigures {
  if (tokenType === 2) return { ...figures, offsetsRetired: figures.offsetsRetired + amount, netPosition: figures.netPosition - amount };
  if (tokenType === 1) return { ...figures, recsRetired: figures.recsRetired + amount };
  return figures;
}

/** Share of `part` in `whole` as a percentage with one decimal ("0.0" when whole is 0), capped at 100 for bars. */
export function percent(part: bigint, whole: bigint): number {
  if (whole <= 0n) return part > 0n ? 100 : 0;
  return Math.min(100, Number((part * 1000n) / whole) / 10);
}
