/**
 * Ledger library for the command line, the demo and the tests: typed contract and values in, plain data out.
 * Reads are O(1) calls or log queries from the deployment block; nothing here prints or exits.
 */
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import type { CarbonLedger } from "../../../typechain-types";
import { attributedYear, formatAmount, formatDate } from "../../lib/units";
import type { Quantity } from "../../lib/units";
import { ROLES, TOKEN_TYPE_NAMES, idHex } from "./args";
import type { RoleName } from "./args";
import { inWindows } from "./logs";

/** The quantity a token type is measured in. */
export const quantityOf = (tokenType: number): Quantity => (tokenType === 1 ? "energy" : "mass");

/** A token as the commands show it. Amounts in base units (Wh or g CO2e). */
export interface TokenView {
  id: string;
  tokenType: number;
  typeName: string;
  unit: string;
  issuer: string;
  issuee: string;
  fromDate: string;
  thruDate: string;
  createdAt: string;
  /** The calendar year (UTC) the token's period is attributed to (its vintage). */
  year: number;
  /** The evidence hash it was issued for (from its Issued log; "" when the log is out of reach). */
  evidenceHash: string;
  metadata: string;
  issued: bigint;
  available: bigint;
  retired: bigint;
  revoked: bigint;
}

/** The evidence hash of `id`, from its Issued log since `fromBlock` (the log carries it; the record does not). */
export async function evidenceHashOf(ledger: CarbonLedger, id: bigint, fromBlock: number): Promise<string | undefined> {
  const events = await inWindows(ledger, fromBlock, (f, t) => ledger.queryFilter(ledger.filters.Issued(id), f, t));
  return events[0]?.args.evidenceHash;
}

/** The record and totals of `id`; undefined when no such token was issued. */
export async function readToken(ledger: CarbonLedger, id: bigint, fromBlock = 0): Promise<TokenView | undefined> {
  if (!(await ledger.exists(id))) return undefined;
  const [record, issued, available, retired, revoked, evidenceHash] = await Promise.all([
    ledger.recordOf(id), ledger.issuedOf(id), ledger.availableOf(id), ledger.retiredOf(id), ledger.revokedOf(id),
    evidenceHashOf(ledger, id, fromBlock),
  ]);
  const tokenType = Number(record.tokenType);
  return {
    id: idHex(id),
    tokenType,
    typeName: TOKEN_TYPE_NAMES[tokenType] ?? `type ${tokenType}`,
    unit: tokenType === 1 ? "Wh" : "g CO2e",
    issuer: record.issuer,
    issuee: record.issuee,
    fromDate: formatDate(record.fromDate),
    thruDate: formatDate(record.thruDate),
    createdAt: new Date(Number(record.createdAt) * 1000).toISOString(),
    year: Number(record.year),
    evidenceHash: evidenceHash ?? "",
    metadata: record.metadata,
    issued, available, retired, revoked,
  };
}

/** An amount of a token type in human units: "12.5 t CO2e", "4.2 MWh". */
export const humanAmount = (tokenType: number, amount: bigint): string => formatAmount(amount, quantityOf(tokenType));

/** Every id `account` ever received (issuance or transfer), from the logs since `fromBlock`. */
export async function idsReceivedBy(ledger: CarbonLedger, account: string, fromBlock: number): Promise<bigint[]> {
  const [singles, batches] = await Promise.all([
    inWindows(ledger, fromBlock, (f, t) => ledger.queryFilter(ledger.filters.TransferSingle(undefined, undefined, account), f, t)),
    inWindows(ledger, fromBlock, (f, t) => ledger.queryFilter(ledger.filters.TransferBatch(undefined, undefined, account), f, t)),
  ]);
  const ids = new Set<bigint>();
  for (const e of singles) ids.add(e.args.id);
  for (const e of batches) for (const id of e.args.ids) ids.add(id);
  return [...ids];
}

/** One line of a balance listing. */
export interface Holding {
  id: string;
  tokenType: number;
  typeName: string;
  balance: bigint;
  retiredByHolder: bigint;
  fromDate: string;
  thruDate: string;
}

/** Current balances of `account` (non-zero ones, and ids it retired from), by type then id. */
export async function balancesOf(ledger: CarbonLedger, account: string, fromBlock: number): Promise<Holding[]> {
  const ids = await idsReceivedBy(ledger, account, fromBlock);
  if (ids.length === 0) return [];
  const balances = await ledger.balanceOfBatch(ids.map(() => account), ids);
  const holdings: Holding[] = [];
  for (const [i, id] of ids.entries()) {
    const [record, retiredByHolder] = await Promise.all([ledger.recordOf(id), ledger.retiredBy(account, id)]);
    const balance = balances[i] ?? 0n;
    if (balance === 0n && retiredByHolder === 0n) continue;
    const tokenType = Number(record.tokenType);
    holdings.push({
      id: idHex(id), tokenType, typeName: TOKEN_TYPE_NAMES[tokenType] ?? String(tokenType), balance, retiredByHolder,
      fromDate: formatDate(record.fromDate), thruDate: formatDate(record.thruDate),
    });
  }
  return holdings.sort((a, b) => a.tokenType - b.tokenType || (a.id < b.id ? -1 : 1));
}

/** The commitment to a beneficiary's name stored on chain: keccak256(utf8(name) ++ salt) (scripts/lib/commitment). */
export { nameCommitment } from "../../lib/commitment";

/** A retirement receipt, from the Retired log. */
export interface RetirementReceipt {
  holder: string;
  id: string;
  tokenType: number;
  beneficiary: string;
  operator: string;
  amount: bigint;
  beneficiaryNameCommitment: string;
  fromDate: string;
  thruDate: string;
  /** The calendar year (UTC) the retirement counts towards: the year of its period's midpoint. */
  year: number;
  reason: string;
  /** How much of this receipt a DAO void reversed (RetirementVoided), 0 when none. */
  voided: bigint;
  /** "retired", "partly voided" or "voided". */
  status: "retired" | "partly voided" | "voided";
  transaction: string;
  block: number;
}

/** A voided retirement, from the RetirementVoided log. */
export interface RetirementVoid {
  holder: string;
  id: string;
  beneficiary: string;
  year: number;
  amount: bigint;
  proposalId: bigint;
  reason: string;
  transaction: string;
  block: number;
}

/** Retirement voids matching the filter, oldest first. */
export async function retirementVoids(
  ledger: CarbonLedger,
  filter: { holder?: string; id?: bigint; beneficiary?: string },
  fromBlock: number,
): Promise<RetirementVoid[]> {
  const events = await inWindows(ledger, fromBlock, (f, t) => ledger.queryFilter(ledger.filters.RetirementVoided(filter.holder, filter.id, filter.beneficiary), f, t));
  return events.map((e) => ({
    holder: e.args.holder, id: idHex(e.args.id), beneficiary: e.args.beneficiary, year: Number(e.args.year), amount: e.args.amount,
    proposalId: e.args.proposalId, reason: e.args.reason, transaction: e.transactionHash, block: e.blockNumber,
  }));
}

/**
 * Retirement receipts matching the filter, oldest first. A void reverses retirements of one (holder, id,
 * beneficiary, year), not one receipt: its amount is marked on those receipts oldest first.
 */
export async function retirementReceipts(
  ledger: CarbonLedger,
  filter: { holder?: string; id?: bigint; beneficiary?: string },
  fromBlock: number,
): Promise<RetirementReceipt[]> {
  const events = await inWindows(ledger, fromBlock, (f, t) => ledger.queryFilter(ledger.filters.Retired(filter.holder, filter.id, filter.beneficiary), f, t));
  const types = new Map<bigint, number>();
  const receipts: RetirementReceipt[] = [];
  for (const e of events) {
    const a = e.args;
    if (!types.has(a.id)) types.set(a.id, Number((await ledger.recordOf(a.id)).tokenType));
    receipts.push({
      holder: a.holder, id: idHex(a.id), tokenType: types.get(a.id) ?? 0, beneficiary: a.beneficiary, operator: a.operator,
      amount: a.amount, beneficiaryNameCommitment: a.beneficiaryNameCommitment,
      fromDate: formatDate(a.fromDate), thruDate: formatDate(a.thruDate), year: attributedYear(Number(a.fromDate), Number(a.thruDate)), reason: a.reason,
      voided: 0n, status: "retired", transaction: e.transactionHash, block: e.blockNumber,
    });
  }
  if (receipts.length === 0) return receipts;
  const key = (r: { holder: string; id: string; beneficiary: string; year: number }) => `${r.holder}|${r.id}|${r.beneficiary}|${r.year}`.toLowerCase();
  const voidedLeft = new Map<string, bigint>();
  for (const v of await retirementVoids(ledger, filter, fromBlock)) voidedLeft.set(key(v), (voidedLeft.get(key(v)) ?? 0n) + v.amount);
  for (const r of receipts) {
    const left = voidedLeft.get(key(r)) ?? 0n;
    if (left === 0n) continue;
    r.voided = left < r.amount ? left : r.amount;
    r.status = r.voided === r.amount ? "voided" : "partly voided";
    voidedLeft.set(key(r), left - r.voided);
  }
  return receipts;
}

/** Year totals of an account: emissions and offsets in g CO2e, RECs in Wh. */
export interface Position {
  account: string;
  year: number;
  emissions: bigint;
  offsetsRetired: bigint;
  recsRetired: bigint;
  netPosition: bigint;
}

export async function positionOf(ledger: CarbonLedger, account: string, year: number): Promise<Position> {
  const t = await ledger.yearTotals(account, year);
  return {
    account, year, emissions: t.emissions, offsetsRetired: t.offsetsRetired, recsRetired: t.recsRetired,
    netPosition: t.netPosition,
  };
}

/** The bytes32 value of a role. */
export async function roleId(ledger: CarbonLedger, role: RoleName): Promise<string> {
  const constant = ROLES[role];
  if (constant === "DEFAULT_ADMIN_ROLE") return ledger.DEFAULT_ADMIN_ROLE();
  return ledger.getFunction(constant).staticCall() as Promise<string>;
}

/** Current holders of each role, replayed from RoleGranted/RoleRevoked logs and confirmed with hasRole. */
export async function roleHolders(ledger: CarbonLedger, fromBlock: number): Promise<Record<RoleName, string[]>> {
  const names = Object.keys(ROLES) as RoleName[];
  const ids = await Promise.all(names.map((n) => roleId(ledger, n)));
  const [granted, revoked] = await Promise.all([
    inWindows(ledger, fromBlock, (f, t) => ledger.queryFilter(ledger.filters.RoleGranted(), f, t)),
    inWindows(ledger, fromBlock, (f, t) => ledger.queryFilter(ledger.filters.RoleRevoked(), f, t)),
  ]);
  const candidates = new Map<string, Set<string>>();
  for (const e of [...granted, ...revoked]) {
    const set = candidates.get(e.args.role) ?? new Set<string>();
    set.add(e.args.account);
    candidates.set(e.args.role, set);
  }
  const result = {} as Record<RoleName, string[]>;
  for (const [i, name] of names.entries()) {
    const role = ids[i] as string;
    const holders: string[] = [];
    for (const account of candidates.get(role) ?? []) if (await ledger.hasRole(role, account)) holders.push(account);
    result[name] = holders.sort();
  }
  return result;
}

/** The role an issuer needs for a token type. */
export const issuerRoleOf = (tokenType: number): RoleName =>
  tokenType === 1 ? "rec-issuer" : tokenType === 2 ? "offset-issuer" : "auditor";

/** keccak256 of a document's bytes: the evidence hash of a single document. */
export const documentHash = (bytes: Uint8Array): string => keccak256(bytes);

/** keccak256 of a UTF-8 string. */
export const textHash = (text: string): string => keccak256(toUtf8Bytes(text));

/**
 * The evidence hash of several documents: keccak256(abi.encode(bytes32[] sorted document hashes)). One document's
 * evidence hash is its own hash; with the type and the issuer it gives the token id (tokenIdOf in token-id.ts).
 */
export function documentsEvidenceHash(hashes: string[]): string {
  if (hashes.length === 1) return (hashes[0] as string).toLowerCase();
  const sorted = hashes.map((h) => h.toLowerCase()).sort();
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32[]"], [sorted]));
}
