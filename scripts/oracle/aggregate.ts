/**
 * Audited totals: valid records grouped per party and reporting period, summed exactly in g CO2e, each with its
 * evidence hash and its short on-chain metadata.
 */
import { createHash } from "node:crypto";
import { periodMidpoint } from "../lib/units";
import { compareUtf8, evidenceHash, partyCommitment } from "./evidence-hash";
import type { ValidRecord } from "./records";

export type PeriodKind = "month" | "year" | "range";

export interface AuditedTotal {
  /** keccak256(abi.encode(salt, partyId)); the only form of the party that goes on chain. */
  commitment: string;
  /** The party id, kept off chain (write-back needs it). */
  partyId: string;
  fromDate: number;
  thruDate: number;
  grams: bigint;
  evidenceHash: string;
  /** Compact JSON: `{"n":<records>,"d":<records without document>,"f":"<digest of the factor sources>"}`. */
  metadata: string;
  /** The records' uuids, sorted by UTF-8 bytes. */
  uuids: string[];
}

/** The midpoint of a record's period, as the ledger computes it for year attribution. */
export const midpoint = (r: { fromDate: number; thruDate: number }): number => periodMidpoint(r.fromDate, r.thruDate);

/** The reporting period [first second, last second] (UTC) of `kind` that contains `t`. */
export function reportingPeriod(t: number, kind: "month" | "year"): { fromDate: number; thruDate: number } {
  const d = new Date(t * 1000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const from = kind === "month" ? Date.UTC(y, m, 1) : Date.UTC(y, 0, 1);
  const next = kind === "month" ? Date.UTC(y, m + 1, 1) : Date.UTC(y + 1, 0, 1);
  return { fromDate: from / 1000, thruDate: next / 1000 - 1 };
}

/**
 * The digest of a total's factor sources: the first 8 hex digits of SHA-256 of the distinct sources, sorted by
 * UTF-8 bytes and joined by a newline. Bounded whatever the sources (the chaincode stores a ~170-character JSON
 * request per record); the sources themselves stay off chain, with the records, where the digest can be recomputed.
 */
export function factorSourcesDigest(sources: readonly string[]): string {
  const distinct = [...new Set(sources)].sort(compareUtf8);
  return createHash("sha256").update(distinct.join("\n"), "utf8").digest("hex").slice(0, 8);
}

/**
 * The token's metadata: `{"n":<records>,"d":<records without document>,"f":"<factorSourcesDigest>"}`, at most 31
 * bytes (one storage slot for a short string) while n and d are below 100.
 */
export function metadataOf(records: readonly ValidRecord[]): string {
  return JSON.stringify({ n: records.length, d: records.filter((r) => !r.hasDocument).length, f: factorSourcesDigest(records.map((r) => r.factorSource)) });
}

/**
 * Groups records into totals. A record belongs to the reporting period containing its midpoint; for `range`,
 * all of a party's records form one total whose period spans their earliest start to latest end.
 * Totals come out sorted by (fromDate, commitment) so every run sends them in the same order.
 */
export function aggregate(records: readonly ValidRecord[], kind: PeriodKind, salt: string): AuditedTotal[] {
  const groups = new Map<string, { partyId: string; fromDate: number; thruDate: number; records: ValidRecord[] }>();
  for (const r of records) {
    const period = kind === "range" ? { fromDate: 0, thruDate: 0 } : reportingPeriod(midpoint(r), kind);
    const key = `${period.fromDate}\u0000${r.partyId}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { partyId: r.partyId, ...period, records: [r] });
    else g.records.push(r);
  }
  const totals: AuditedTotal[] = [];
  for (const g of groups.values()) {
    if (kind === "range") {
      g.fromDate = Math.min(...g.records.map((r) => r.fromDate));
      g.thruDate = Math.max(...g.records.map((r) => r.thruDate));
    }
    const commitment = partyCommitment(salt, g.partyId);
    totals.push({
      commitment,
      partyId: g.partyId,
      fromDate: g.fromDate,
      thruDate: g.thruDate,
      grams: g.records.reduce((sum, r) => sum + r.grams, 0n),
      evidenceHash: evidenceHash(commitment, g.fromDate, g.thruDate, g.records),
      metadata: metadataOf(g.records),
      uuids: g.records.map((r) => r.uuid).sort(compareUtf8),
    });
  }
  return totals.sort((a, b) => a.fromDate - b.fromDate || (a.commitment < b.commitment ? -1 : a.commitment > b.commitment ? 1 : 0));
}
