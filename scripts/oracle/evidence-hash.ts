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
 *
 * Speed: the encoding is written out here for this one fixed layout instead of going through ethers' AbiCoder,
 * which took ~4 ms per total on the 2-core bench machine (2/3 of aggregating 1,000 totals: 6.8 s -> see
 * scripts/bench/oracle.ts); keccak256 is given bytes, not hex. test/oracle/aggregate.test.ts checks the result
 * against AbiCoder.
 */
import { getBytes, keccak256, toUtf8Bytes } from "ethers";

export const EVIDENCE_VERSION = keccak256(toUtf8Bytes("net-emissions-oracle/evidence/v1"));

const WORD = 32;
const padded = (n: number) => Math.ceil(n / WORD) * WORD;

/** A 32-byte big-endian word holding a non-negative integer below 2^53. */
function uintWord(out: Buffer, at: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a uint: ${value}`);
  out.writeUIntBE(Math.floor(value / 2 ** 32), at + 24, 4);
  out.writeUInt32BE(value % 2 ** 32, at + 28);
}

/** Exactly 32 bytes of a 0x-hex bytes32. */
function bytes32(hex: string): Uint8Array {
  const b = getBytes(hex);
  if (b.length !== WORD) throw new RangeError(`not a bytes32: ${hex}`);
  return b;
}

/** abi.encode(string a, string b). */
function encodeTwoStrings(a: string, b: string): Buffer {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  const out = Buffer.alloc(2 * WORD + WORD + padded(x.length) + WORD + padded(y.length));
  uintWord(out, 0, 2 * WORD);
  uintWord(out, WORD, 3 * WORD + padded(x.length));
  uintWord(out, 2 * WORD, x.length);
  x.copy(out, 3 * WORD);
  uintWord(out, 3 * WORD + padded(x.length), y.length);
  y.copy(out, 4 * WORD + padded(x.length));
  return out;
}

/** abi.encode(bytes32, bytes32, uint40, uint40, (bytes32, bytes)[]) with the records already sorted. */
function encodeEvidence(commitment: string, fromDate: number, thruDate: number, records: readonly { uuidHash: Uint8Array; document: Uint8Array }[]): Buffer {
  for (const d of [fromDate, thruDate]) if (!Number.isInteger(d) || d < 0 || d >= 2 ** 40) throw new RangeError(`not a uint40: ${d}`);
  const sizes = records.map((r) => 3 * WORD + padded(r.document.length));
  const head = 5 * WORD;
  const out = Buffer.alloc(head + WORD + records.length * WORD + sizes.reduce((s, n) => s + n, 0));
  out.set(getBytes(EVIDENCE_VERSION), 0);
  out.set(bytes32(commitment), WORD);
  uintWord(out, 2 * WORD, fromDate);
  uintWord(out, 3 * WORD, thruDate);
  uintWord(out, 4 * WORD, head);
  uintWord(out, head, records.length);
  const base = head + WORD; // offsets of the elements count from here
  let offset = records.length * WORD;
  records.forEach((r, i) => {
    uintWord(out, base + i * WORD, offset);
    const at = base + offset;
    out.set(r.uuidHash, at);
    uintWord(out, at + WORD, 2 * WORD);
    uintWord(out, at + 2 * WORD, r.document.length);
    out.set(r.document, at + 3 * WORD);
    offset += sizes[i] as number;
  });
  return out;
}

/** What the evidence hash covers of one record. */
export interface EvidenceRecord {
  uuid: string;
  /** 0x-prefixed hex of the document hash bytes. */
  documentHash: string;
}

/** keccak256(abi.encode(string salt, string partyId)): the party as it may appear on chain. */
export function partyCommitment(salt: string, partyId: string): string {
  return keccak256(encodeTwoStrings(salt, partyId));
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
  const encoded = encodeEvidence(commitment, fromDate, thruDate, sorted.map((r) => ({ uuidHash: getBytes(keccak256(toUtf8Bytes(r.uuid))), document: getBytes(r.documentHash) })));
  return keccak256(encoded);
}
