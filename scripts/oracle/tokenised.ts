/**
 * A record's `tokenId` is checked, not trusted. It must read `<ledger address>:<token id>` naming THIS ledger, and
 * the ledger must say that the record's key (fabricRecordKey(uuid)) is spent, within the party's scope, by exactly
 * that token (`recordTokens(3, partyAddress, keys)`). A record that checks out is already tokenised (not minted
 * again); any other tokenId — another contract, a malformed text, a token that does not exist or does not cover
 * the record — is a conflict for the operator, never a silent skip. Such records are not minted either: which
 * side is right (Fabric's mark or the chain) is for a person to decide.
 */
import { getAddress, isAddress } from "ethers";
import { fabricRecordKey, TOKEN_TYPE } from "../ledger/token-id";
import type { Conflict } from "./chain";

/** The one ledger view this check needs. */
export interface RecordTokensReader {
  recordTokens(tokenType: number, scope: string, records: string[]): Promise<bigint[]>;
}

export interface MarkedRecord {
  uuid: string;
  /** The raw party id (after mapping). */
  partyId: string;
  tokenId?: string;
}

export interface TokenIdCheck {
  alreadyTokenised: number;
  conflicts: Conflict[];
}

/** Record keys per recordTokens call: keeps one eth_call's calldata and gas well inside node limits. */
const KEYS_PER_CALL = 500;

/** `<0x address>:<id as 0x-hex or decimal>` -> its parts, or undefined when it is not of that form. */
export function parseTokenId(text: string): { ledger: string; id: bigint } | undefined {
  const m = /^(0x[0-9a-fA-F]{40}):(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.exec(text.trim());
  if (m === null || !isAddress(m[1] as string)) return undefined;
  const id = BigInt(m[2] as string);
  return id < 2n ** 256n ? { ledger: getAddress(m[1] as string), id } : undefined;
}

/**
 * Checks every record's tokenId against `ledgerAddress`. `addressOf` gives the party's address (the scope of its
 * emissions tokens); `retry` wraps each RPC call.
 */
export async function checkTokenIds(
  ledger: RecordTokensReader,
  ledgerAddress: string,
  records: readonly MarkedRecord[],
  addressOf: (rawPartyId: string) => string,
  retry: <T>(what: string, fn: () => Promise<T>) => Promise<T> = (_w, fn) => fn(),
): Promise<TokenIdCheck> {
  const conflicts: Conflict[] = [];
  const conflict = (r: MarkedRecord, id: string, difference: string) =>
    conflicts.push({ evidenceHash: fabricRecordKey(r.uuid), id, differences: [`record ${r.uuid}: tokenId "${r.tokenId ?? ""}" ${difference}`] });
  const byScope = new Map<string, { record: MarkedRecord; id: bigint }[]>();
  for (const r of records) {
    if (r.tokenId === undefined) continue;
    const parsed = parseTokenId(r.tokenId);
    if (parsed === undefined) {
      conflict(r, "", "is not <ledger address>:<token id>");
      continue;
    }
    if (parsed.ledger !== getAddress(ledgerAddress)) {
      conflict(r, parsed.id.toString(), `names contract ${parsed.ledger}, not this ledger ${getAddress(ledgerAddress)}`);
      continue;
    }
    const scope = getAddress(addressOf(r.partyId));
    const list = byScope.get(scope) ?? [];
    list.push({ record: r, id: parsed.id });
    byScope.set(scope, list);
  }
  let alreadyTokenised = 0;
  for (const [scope, list] of byScope) {
    for (let i = 0; i < list.length; i += KEYS_PER_CALL) {
      const chunk = list.slice(i, i + KEYS_PER_CALL);
      const ids = await retry("recordTokens", () => ledger.recordTokens(TOKEN_TYPE.Emissions, scope, chunk.map((c) => fabricRecordKey(c.record.uuid))));
      chunk.forEach((c, j) => {
        const onChain = ids[j] ?? 0n;
        if (onChain === c.id) alreadyTokenised++;
        else if (onChain === 0n) conflict(c.record, c.id.toString(), `is not backed: no emissions token of ${scope} on this ledger covers the record`);
        else conflict(c.record, c.id.toString(), `is not backed: the record is covered by token 0x${onChain.toString(16)} of ${scope}, not by this one`);
      });
    }
  }
  return { alreadyTokenised, conflicts };
}
