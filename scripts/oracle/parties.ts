/**
 * The operator's party mapping: raw party id -> Ethereum address.
 *
 * The chaincode never stores a raw party id: it stores SHA-256(utf8(rawPartyId)) as lower-case hex in `partyId`
 * and hashes the party id it is given again in `getAllEmissionsData`, `getAllEmissionsDataByDateRangeAndParty` and
 * `updateEmissionsMintedToken`. So the mapping is keyed by RAW party ids (the ids the utilities' customers were
 * registered with); the oracle finds a record's party by SHA-256 of each raw id, commits to the raw id on chain
 * (keccak256(abi.encode(salt, rawPartyId))) and sends the raw id back to Fabric on write-back.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { getAddress, isAddress } from "ethers";
import { partyCommitment } from "./evidence-hash";
import type { Quarantined, ValidRecord } from "./records";

/** Raw party id -> address, and the chaincode's stored form of each raw id -> raw id. */
export interface PartyBook {
  addresses: Map<string, string>;
  byStoredId: Map<string, string>;
}

/** What the chaincode stores as `partyId` for `rawPartyId`: SHA-256 hex of its UTF-8 bytes. */
export function fabricPartyId(rawPartyId: string): string {
  return crypto.createHash("sha256").update(rawPartyId, "utf8").digest("hex");
}

/**
 * Parses the mapping `{ "<raw party id>": "<address>" }`, optionally under `"parties"` (keys starting with `$`
 * are comments). Errors name the file and the entry; thrown by the caller's edge.
 */
export function parsePartyBook(data: unknown, file: string): { ok: true; value: PartyBook } | { ok: false; error: string } {
  const obj = typeof data === "object" && data !== null && "parties" in data ? (data as { parties: unknown }).parties : data;
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return { ok: false, error: `--parties ${file}: expected { "<raw party id>": "<address>" }` };
  const addresses = new Map<string, string>();
  const byStoredId = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    if (k.startsWith("$")) continue;
    if (k.trim() === "" || k !== k.trim()) return { ok: false, error: `--parties ${file}: party id "${k.slice(0, 20)}" is empty or has surrounding spaces` };
    if (typeof v !== "string" || !isAddress(v)) return { ok: false, error: `--parties ${file}: the address of party "${k.slice(0, 40)}" is not an Ethereum address` };
    addresses.set(k, getAddress(v));
    byStoredId.set(fabricPartyId(k), k);
  }
  return { ok: true, value: { addresses, byStoredId } };
}

/** Reads and parses the mapping file. */
export function readPartyBook(file: string): { ok: true; value: PartyBook } | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return { ok: false, error: `--parties ${file}: cannot read a JSON object (${e instanceof Error ? e.message : String(e)})` };
  }
  return parsePartyBook(data, file);
}

/** The raw party id of a record's `partyId`: by its SHA-256 (as Fabric stores it), or the raw id itself (an off-chain export). */
export function rawPartyIdOf(book: PartyBook, partyId: string): string | undefined {
  return book.byStoredId.get(partyId.toLowerCase()) ?? (book.addresses.has(partyId) ? partyId : undefined);
}

/**
 * Resolves each record's party: mapped records come out with `partyId` set to the RAW party id; the others are
 * quarantined naming partyId.
 */
export function mapParties(valid: readonly ValidRecord[], book: PartyBook, partiesFile: string): { mapped: ValidRecord[]; quarantined: Quarantined[] } {
  const mapped: ValidRecord[] = [];
  const quarantined: Quarantined[] = [];
  for (const r of valid) {
    const raw = rawPartyIdOf(book, r.partyId);
    if (raw !== undefined) mapped.push({ ...r, partyId: raw });
    else {
      quarantined.push({
        at: `uuid ${r.uuid}`,
        reasons: [`partyId ${r.partyId.slice(0, 16)}…: no raw party id in ${partiesFile} hashes to it (the mapping is keyed by raw party ids; Fabric stores their SHA-256)`],
        record: r.uuid,
      });
    }
  }
  return { mapped, quarantined };
}

/** The on-chain form of the mapping under `salt`: party commitment -> address (what the minting side looks up). */
export function commitmentsOf(book: PartyBook, salt: string): Map<string, string> {
  return new Map([...book.addresses].map(([raw, address]) => [partyCommitment(salt, raw).toLowerCase(), address]));
}
