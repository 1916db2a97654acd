/**
 * Selecting records exactly from the chaincode's date-range query.
 *
 * The chaincode returns the records with `fromDate >= from` and `thruDate <= thru`, comparing the stored TEXT
 * (a CouchDB selector: `$gte`/`$lte` on strings), in one unpaginated response. So:
 *
 * - Whole days in the chaincode's own order: the lower bound is the day itself, `YYYY-MM-DD` (a prefix sorts before
 *   every longer text starting with it: `2023-01-01` <= `2023-01-01T00:00:00Z`); the upper bound is the day followed
 *   by U+FFFF, `YYYY-MM-DD\uffff`, which sorts above every text of that day (`...T23:59:59Z`, `...T23:59:59.999Z`)
 *   both in UTF-16 code-unit order and in CouchDB's ICU collation (where U+FFFF has the highest primary weight).
 * - The record's own rule: a record belongs to the range whose days contain its MIDPOINT
 *   (fromDate + floor((thruDate - fromDate) / 2), the rule the aggregation and the ledger use). Consecutive ranges
 *   therefore split records exactly, a bill across a range bound included.
 * - Chunks: each query covers its core days plus `overlapDays` on both sides, so a record whose midpoint is in the
 *   core and which lasts at most 2 x overlapDays + 1 days is inside the query; locally only records whose midpoint is
 *   in the core are kept, and records are deduplicated by uuid (the chaincode's world-state key), so none is read
 *   twice. A longer record is still selected when its whole span lies inside some query window; the run logs
 *   `long-records` when it saw any, since one straddling a window could be missed (raise --overlap-days).
 * - Paging: a response that exceeds a gRPC message limit (RESOURCE_EXHAUSTED) is retried as two halves of its
 *   core, recursively, down to a single core day.
 */
import type { Parsed } from "../lib/units";
import { formatDate, parseDate, periodMidpoint } from "../lib/units";
import { FABRIC_DEFAULTS } from "./fabric-defaults";
import { parseRecordDate } from "./records";

const DAY = 86_400;

/** Default margin on each side of a chunk: bills up to 185 days are selected whatever the chunking. */
export const DEFAULT_OVERLAP_DAYS: number = FABRIC_DEFAULTS.overlapDays;

/** One query's outcome; `tooLarge` marks RESOURCE_EXHAUSTED (the response exceeded a message size limit). */
export type QueryOutcome = { ok: true; records: unknown[] } | { ok: false; error: string; tooLarge: boolean };

export type RangeQuery = (from: string, thru: string) => Promise<QueryOutcome>;

/** The chaincode's string bounds that select whole days `first`..`last` (day numbers since 1970-01-01). */
export function stringBounds(first: number, last: number): { from: string; thru: string } {
  return { from: formatDate(Math.max(0, first) * DAY), thru: `${formatDate(last * DAY)}\uffff` };
}

/** A query result item: `{ Key, Record }` as the chaincode returns it, or a bare record. */
export function unwrapRecord(d: unknown): unknown {
  return typeof d === "object" && d !== null && !Array.isArray(d) && "Record" in d && typeof (d as { Record: unknown }).Record === "object"
    ? (d as { Record: unknown }).Record
    : d;
}

/** The day number of a record's midpoint and its length in days, or undefined when its dates do not parse. */
function span(record: unknown): { midDay: number; days: number } | undefined {
  if (typeof record !== "object" || record === null) return undefined;
  const r = record as Record<string, unknown>;
  const from = parseRecordDate(r["fromDate"], "fromDate", false);
  const thru = parseRecordDate(r["thruDate"], "thruDate", true);
  if (!from.ok || !thru.ok || from.value > thru.value) return undefined;
  return { midDay: Math.floor(periodMidpoint(from.value, thru.value) / DAY), days: Math.ceil((thru.value - from.value + 1) / DAY) };
}

const identity = (record: unknown): string => {
  const uuid = typeof record === "object" && record !== null ? (record as { uuid?: unknown }).uuid : undefined;
  return typeof uuid === "string" ? `uuid:${uuid}` : `json:${JSON.stringify(record)}`;
};

export interface Selection {
  records: unknown[];
  /** Queries sent, including those answered RESOURCE_EXHAUSTED. */
  queries: number;
  /** Queries answered RESOURCE_EXHAUSTED (each split in two). */
  splits: number;
  /** Records seen that last longer than 2 x overlapDays + 1 days. */
  longRecords: number;
}

/**
 * The records whose midpoint lies in `fromDay`..`thruDay` (YYYY-MM-DD, inclusive, UTC), each once. Records whose
 * dates do not parse are kept (once) so that validation quarantines them naming the field.
 */
export async function selectRecords(query: RangeQuery, fromDay: string, thruDay: string, overlapDays = DEFAULT_OVERLAP_DAYS): Promise<Parsed<Selection>> {
  const a = parseDate(fromDay, "--from");
  const b = parseDate(thruDay, "--thru");
  if (!a.ok) return a;
  if (!b.ok) return b;
  if (a.value > b.value) return { ok: false, error: `--from ${fromDay} is after --thru ${thruDay}` };
  if (!Number.isInteger(overlapDays) || overlapDays < 0) return { ok: false, error: `--overlap-days ${overlapDays}: expected a whole number >= 0` };
  const out: Selection = { records: [], queries: 0, splits: 0, longRecords: 0 };
  const seen = new Set<string>();
  const long = new Set<string>();
  const cores: [number, number][] = [[a.value / DAY, b.value / DAY]];
  while (cores.length > 0) {
    const [first, last] = cores.shift() as [number, number];
    const bounds = stringBounds(first - overlapDays, last + overlapDays);
    out.queries++;
    const r = await query(bounds.from, bounds.thru);
    if (!r.ok) {
      if (!r.tooLarge) return { ok: false, error: r.error };
      if (first === last) {
        return { ok: false, error: `${r.error} (the records of ${formatDate(first * DAY)} with ${overlapDays} overlap days on each side exceed the message limit even alone: lower --overlap-days or raise the receive limit)` };
      }
      out.splits++;
      const mid = Math.floor((first + last) / 2);
      cores.unshift([first, mid], [mid + 1, last]);
      continue;
    }
    for (const item of r.records) {
      const record = unwrapRecord(item);
      const s = span(record);
      if (s !== undefined && (s.midDay < first || s.midDay > last)) continue;
      const id = identity(record);
      if (s !== undefined && s.days > 2 * overlapDays + 1) long.add(id);
      if (seen.has(id)) continue;
      seen.add(id);
      out.records.push(record);
    }
  }
  out.longRecords = long.size;
  return { ok: true, value: out };
}
