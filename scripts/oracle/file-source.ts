/**
 * Reads an export of utility emissions records. JSON: a dump of the chaincode's query (`[{ "Key", "Record" }]`),
 * a bare list of records (what the reference REST API's `getAllEmissionsDataByDateRange` answers: the records
 * without `class` and `key`), or `{ "records": [...] }`. CSV: a header row naming the record's fields. Values stay
 * raw (`unknown`); validation happens in records.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type { Parsed } from "../lib/units";
import { unwrapRecord } from "./select";

export interface SourceRecords {
  records: unknown[];
  /** How to name the i-th record in a quarantine entry. */
  where: (index: number) => string;
}

/** Parses the text of a JSON export: an array of records or of `{ Key, Record }`, or `{ "records": [...] }`. */
export function parseJsonExport(text: string, name: string): Parsed<SourceRecords> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${name}: malformed JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const records =
    Array.isArray(data) ? data
    : typeof data === "object" && data !== null && Array.isArray((data as { records?: unknown }).records) ? (data as { records: unknown[] }).records
    : undefined;
  if (records === undefined) return { ok: false, error: `${name}: expected a JSON array of records` };
  return { ok: true, value: { records: records.map(unwrapRecord), where: (i) => `record ${i}` } };
}

/** Parses a CSV export; each row becomes an object keyed by the header; a row of the wrong width stays a string. */
export function parseCsvExport(text: string, name: string): Parsed<SourceRecords> {
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, trim: true }) as string[][];
  } catch (e) {
    return { ok: false, error: `${name}: malformed CSV (${e instanceof Error ? e.message : String(e)})` };
  }
  const header = rows[0];
  if (header === undefined || !header.includes("uuid")) return { ok: false, error: `${name}: expected a CSV header row naming the fields (uuid, partyId, ...)` };
  const records: unknown[] = rows.slice(1).map((row) => {
    if (row.length !== header.length) return `CSV row with ${row.length} columns, header has ${header.length}: ${row.join(",")}`;
    const r: Record<string, string> = {};
    header.forEach((h, i) => {
      if ((row[i] ?? "") !== "") r[h] = row[i] as string;
    });
    return r;
  });
  return { ok: true, value: { records, where: (i) => `row ${i + 2}` } };
}

/** Reads `file` by its extension (.json or .csv). */
export function readExportFile(file: string): Parsed<SourceRecords> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    return { ok: false, error: `--file ${file}: cannot read (${e instanceof Error ? e.message : String(e)})` };
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv") return parseCsvExport(text, file);
  if (ext === ".json") return parseJsonExport(text, file);
  return { ok: false, error: `--file ${file}: use a .json or .csv export` };
}

/** The CSV header of an export, in the order the generator writes it: the chaincode's fields (no unit field). */
export const CSV_FIELDS = [
  "uuid", "utilityId", "partyId", "fromDate", "thruDate", "emissionsAmount",
  "renewableEnergyUseAmount", "nonrenewableEnergyUseAmount", "energyUseUom", "factorSource", "url", "md5", "tokenId",
] as const;
