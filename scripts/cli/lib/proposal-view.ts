/**
 * Proposals as voters read them: ids shortened to their unique prefix (as git shortens hashes) and resolved from
 * one, actions decoded against the suite's ABIs with amounts in human units, votes with voter, weight and reason.
 */
import { Interface } from "ethers";
import type { InterfaceAbi, Result } from "ethers";
import type { ClimateGovernor } from "../../../typechain-types";
import type { Parsed, Quantity } from "../../lib/units";
import { formatAmount } from "../../lib/units";
import { inWindows } from "./logs";

/** The shortest prefix (at least `min` digits) of each decimal id that no other id shares. */
export function uniquePrefixes(ids: readonly string[], min = 8): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of ids) {
    let n = Math.min(min, id.length);
    while (n < id.length && ids.some((other) => other !== id && other.startsWith(id.slice(0, n)))) n++;
    out.set(id, id.slice(0, n));
  }
  return out;
}

/** The one id among `ids` that `text` is a prefix of (decimal digits); ambiguous or unknown prefixes are errors. */
export function resolvePrefix(text: string, ids: readonly string[], what = "--proposal"): Parsed<string> {
  const t = text.trim().replace(/…$/, "");
  if (!/^[0-9]{1,78}$/.test(t)) return { ok: false, error: `${what} "${text}": expected a proposal id or a prefix of one (digits, as \`dao proposals\` lists it)` };
  const matches = ids.filter((id) => id.startsWith(t));
  if (matches.length === 1) return { ok: true, value: matches[0] as string };
  if (matches.length === 0) return { ok: false, error: `${what} "${text}": no proposal on this governor has an id starting so (see dao proposals)` };
  const shown = uniquePrefixes(ids);
  return { ok: false, error: `${what} "${text}": ambiguous, ${matches.length} proposals start so: ${matches.map((m) => shown.get(m) ?? m).join(", ")}` };
}

/** A contract the suite knows: its name (from the deployment record) and ABI. */
export interface KnownContract { name: string; abi: InterfaceAbi }

/** Argument names that carry an amount of a token, in its base unit. */
const AMOUNT_ARGS = new Set(["amount", "value"]);

const formatArg = (value: unknown, quantity: Quantity | undefined, name: string, label: (a: string) => string): string => {
  if (typeof value === "bigint") {
    if (quantity !== undefined && AMOUNT_ARGS.has(name)) return formatAmount(value, quantity);
    if (name === "id") return `0x${value.toString(16).padStart(64, "0")}`;
    return value.toString();
  }
  if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return label(value);
  return String(value);
};

/** Formats decoded arguments; a struct with tokenType and amount gives its amount in the type's units. */
function formatArgs(result: Result, names: readonly string[], quantityOfId: (id: bigint) => Quantity | undefined, label: (a: string) => string): string {
  const ids = names.map((n, i) => (n === "id" ? result[i] : undefined)).filter((v): v is bigint => typeof v === "bigint");
  const topQuantity = ids.length === 1 ? quantityOfId(ids[0] as bigint) : undefined;
  return names.map((name, i) => {
    const value: unknown = result[i];
    if (value !== null && typeof value === "object" && "toObject" in (value as object)) {
      const obj = (value as Result).toObject() as Record<string, unknown>;
      const tokenType = typeof obj["tokenType"] === "bigint" ? Number(obj["tokenType"]) : undefined;
      const quantity: Quantity | undefined = tokenType === undefined ? undefined : tokenType === 1 ? "energy" : "mass";
      const fields = Object.entries(obj).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.length}]` : formatArg(v, quantity, k, label)}`);
      return `${name}={${fields.join(", ")}}`;
    }
    return `${name}=${formatArg(value, topQuantity, name, label)}`;
  }).join(", ");
}

/** One action as `Contract.function(arg=value, ...)`, or the raw call when the target or selector is unknown. */
export function decodeAction(
  target: string, calldata: string, known: ReadonlyMap<string, KnownContract>,
  quantityOfId: (id: bigint) => Quantity | undefined = () => undefined, label: (a: string) => string = (a) => a,
): string {
  const contract = known.get(target.toLowerCase());
  if (contract === undefined) return `${label(target)}: call ${calldata.slice(0, 10)} (${(calldata.length - 10) / 2} bytes of arguments)`;
  try {
    const tx = new Interface(contract.abi).parseTransaction({ data: calldata });
    if (tx === null) throw new Error("unknown selector");
    return `${contract.name}.${tx.name}(${formatArgs(tx.args, tx.fragment.inputs.map((p) => p.name), quantityOfId, label)})`;
  } catch {
    return `${contract.name}: call ${calldata.slice(0, 10)}`;
  }
}

/** Token ids that actions name as an `id` argument (to look up what they measure). */
export function idsInActions(targets: readonly string[], calldatas: readonly string[], known: ReadonlyMap<string, KnownContract>): bigint[] {
  const ids: bigint[] = [];
  targets.forEach((target, i) => {
    const contract = known.get(target.toLowerCase());
    if (contract === undefined) return;
    try {
      const tx = new Interface(contract.abi).parseTransaction({ data: calldatas[i] as string });
      tx?.fragment.inputs.forEach((p, j) => {
        if (p.name === "id" && typeof tx.args[j] === "bigint") ids.push(tx.args[j] as bigint);
      });
    } catch {
      // not decodable
    }
  });
  return ids;
}

/** A vote as cast: voter, support (or one per criterion), weight, reason. */
export interface VoteView { voter: string; support: string; weight: bigint; reason: string; block: number }

const SUPPORT_NAMES = ["against", "for", "abstain"];

/** The votes cast on proposal `id` (VoteCast and VoteCastWithParams events), in order. */
export async function votesOf(governor: ClimateGovernor, fromBlock: number, id: bigint, criteria: readonly string[]): Promise<VoteView[]> {
  const [plain, withParams] = await Promise.all([
    inWindows(governor, fromBlock, (f, t) => governor.queryFilter(governor.filters.VoteCast(), f, t)),
    inWindows(governor, fromBlock, (f, t) => governor.queryFilter(governor.filters.VoteCastWithParams(), f, t)),
  ]);
  const votes: VoteView[] = [];
  for (const e of plain) {
    if (e.args.proposalId !== id) continue;
    votes.push({ voter: e.args.voter, support: SUPPORT_NAMES[Number(e.args.support)] ?? String(e.args.support), weight: e.args.weight, reason: e.args.reason, block: e.blockNumber });
  }
  for (const e of withParams) {
    if (e.args.proposalId !== id) continue;
    const params = e.args.params.replace(/^0x/, "");
    const perCriterion = criteria.length > 0 && params.length === criteria.length * 2
      ? criteria.map((c, i) => `${c} ${SUPPORT_NAMES[parseInt(params.slice(i * 2, i * 2 + 2), 16)] ?? "?"}`).join(", ")
      : SUPPORT_NAMES[Number(e.args.support)] ?? String(e.args.support);
    votes.push({ voter: e.args.voter, support: perCriterion, weight: e.args.weight, reason: e.args.reason, block: e.blockNumber });
  }
  return votes.sort((a, b) => a.block - b.block);
}

/** "2 h 5 min", "45 s": a duration for people. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) parts.push(`${d} d`);
  if (h > 0) parts.push(`${h} h`);
  if (m > 0 && d === 0) parts.push(`${m} min`);
  if (parts.length === 0 || (d === 0 && h === 0 && m < 5 && s % 60 !== 0)) parts.push(`${s % 60} s`);
  return parts.join(" ");
}
