/**
 * The evidence hash of an audited total, written once here (docs/oracle.md states the same encoding).
 *
 *   partyCommitment = keccak256(abi.encode(string salt, string partyId))
 *   evidenceHash    = keccak256(abi.encode(
 *       bytes32 EVIDENCE_VERSION,            // keccak256("net-emissions-oracle/evidence/v1")
 *       bytes32 partyCommitment,
 *       uint40  fromDate, uint40 thruDate,   // the token's period, unix seconds UTC, inclusive
 *       (bytes32 uuidHash, bytes documentHash)[] records  // sorted by uuid (UTF-8 bytes, ascending)
 *   ))
 *
 * with uuidHash = keccak256(utf8(uuid)) and documentHash the raw bytes of the record's document hash (`md5`
 * field: 16 bytes for MD5, 32 for SHA-256). The same records always give the same hash, in any order.
 */
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

export const EVIDENCE_VERSION = keccak256(toUtf8Bytes("net-emissions-oracle/evidence/v1"));

const coder = AbiCoder.defaultAbiCoder();

/** What the evidence hash covers of one record. */
export interface EvidenceRecord {
  uuid: string;
  /** 0x-prefixed hex of the document hash bytes. */
  documentHash: string;
}

/** keccak256(abi.encode(string salt, string partyId)): the party as it may appear on chain. */
export function partyCommitment(salt: string, partyId: string): string {
  return keccak256(coder.encode(["string", "string"], [salt, partyId]));
}

/** Byte-wise comparison of the UTF-8 encodings (not JavaScript's UTF-16 order). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export function evidenceHash(
  commitment: string,
  fromDate: number,
  thruDate: number,
  records: readonly EvidenceRecord[],
): string {
  const sorted = [...records].sort((a, b) => compareUtf8(a.uuid, b.uuid));
  const encoded = coder.encode(
    ["bytes32", "bytes32", "uint40", "uint40", "tuple(bytes32,bytes)[]"],
    [
      EVIDENCE_VERSION,
      commitment,
      fromDate,
      thruDate,
      sorted.map((r) => [keccak256(toUtf8Bytes(r.uuid)), r.documentHash]),
    ],
  );
  return keccak256(encoded);
}
