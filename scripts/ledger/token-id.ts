/**
 * How the ledger derives token ids and record keys: one implementation for the oracle, the command line, the
 * DAO's proposal builders, the tests and the app. Must match CarbonLedger's `_tokenIdOf` and `_scopedRecord`.
 *
 * - The scope of audited emissions is their emitter (issuee); the scope of a REC or an offset is its issuer.
 * - id = keccak256(abi.encode(uint8 tokenType, address scope, bytes32 evidenceHash)).
 * - A Fabric record's key is keccak256 of the text `fabric:<uuid>`; on chain it is spent within its scope.
 */
import { AbiCoder, getAddress, keccak256, toUtf8Bytes } from "ethers";

export const TOKEN_TYPE = { REC: 1, Offset: 2, Emissions: 3 } as const;

const coder = AbiCoder.defaultAbiCoder();

/** The account an issuance's evidence and records are spent under. */
export function scopeOf(tokenType: number, issuer: string, issuee: string): string {
  return getAddress(tokenType === TOKEN_TYPE.Emissions ? issuee : issuer);
}

/** The token id of `evidenceHash` for `tokenType` within `scope`, as a bigint. */
export function tokenIdOf(tokenType: number, scope: string, evidenceHash: string): bigint {
  return BigInt(keccak256(coder.encode(["uint8", "address", "bytes32"], [tokenType, scope, evidenceHash])));
}

/** The record key of a Fabric utility-emissions record (its uuid is unique under its party). */
export function fabricRecordKey(uuid: string): string {
  return keccak256(toUtf8Bytes(`fabric:${uuid}`));
}
