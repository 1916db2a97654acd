/**
 * What the chain already holds for an issuance one means to make. Used wherever the suite meets an evidence hash
 * that may be spent (the oracle's plan, the command line's issue and attest, the DAO's issue builder):
 *
 * - `new`: the token does not exist and none of the records backs a token yet;
 * - `minted`: the token exists with the identical record (type, issuee, amount, period, every record bound to
 *   it): already done, skip it;
 * - `conflict`: anything else (same evidence with other figures, or a record already counted in another token):
 *   report it loudly, never record it as minted.
 */
import type { IssueRequest } from "./attestation";
import { scopeOf, tokenIdOf } from "./token-id";

/** The few ledger reads this needs (a TypeChain CarbonLedger or ICarbonLedger satisfies it). */
export interface LedgerReads {
  exists(id: bigint): Promise<boolean>;
  issuedOf(id: bigint): Promise<bigint>;
  recordOf(id: bigint): Promise<{ fromDate: bigint; thruDate: bigint; tokenType: bigint; issuee: string }>;
  recordTokens(tokenType: number, scope: string, records: string[]): Promise<bigint[]>;
}

export type Existing =
  | { status: "new"; id: bigint }
  | { status: "minted"; id: bigint }
  | { status: "conflict"; id: bigint; differences: string[] };

const hex = (id: bigint) => "0x" + id.toString(16).padStart(64, "0");

/** Compares the chain with `request` as `issuer` would issue it (for emissions the issuer does not matter). */
export async function existingIssuance(
  ledger: LedgerReads,
  request: IssueRequest,
  issuer: string,
  blockTag?: number,
): Promise<Existing> {
  const scope = scopeOf(request.tokenType, issuer, request.issuee);
  const id = tokenIdOf(request.tokenType, scope, request.evidenceHash);
  const overrides = blockTag === undefined ? [] : [{ blockTag }];
  const read = ledger as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const call = <T>(name: string, ...args: unknown[]) => read[name]!(...args, ...overrides) as Promise<T>;
  const [exists, backing] = await Promise.all([
    call<boolean>("exists", id),
    request.records.length === 0
      ? Promise.resolve([] as bigint[])
      : call<bigint[]>("recordTokens", request.tokenType, scope, request.records),
  ]);
  const differences: string[] = [];
  backing.forEach((backedBy, i) => {
    if (backedBy !== 0n && backedBy !== id) {
      differences.push(`record ${request.records[i]} already counted in token ${hex(backedBy)}`);
    }
  });
  if (!exists) {
    return differences.length === 0 ? { status: "new", id } : { status: "conflict", id, differences };
  }
  const [record, issued] = await Promise.all([call<Awaited<ReturnType<LedgerReads["recordOf"]>>>("recordOf", id), call<bigint>("issuedOf", id)]);
  if (issued !== request.amount) differences.push(`amount on chain ${issued}, meant ${request.amount}`);
  if (Number(record.fromDate) !== request.fromDate || Number(record.thruDate) !== request.thruDate) {
    differences.push(`period on chain ${record.fromDate}..${record.thruDate}, meant ${request.fromDate}..${request.thruDate}`);
  }
  if (record.issuee.toLowerCase() !== request.issuee.toLowerCase()) {
    differences.push(`issuee on chain ${record.issuee}, meant ${request.issuee}`);
  }
  backing.forEach((backedBy, i) => {
    if (backedBy === 0n) differences.push(`record ${request.records[i]} is not bound to token ${hex(id)}`);
  });
  return differences.length === 0 ? { status: "minted", id } : { status: "conflict", id, differences };
}
