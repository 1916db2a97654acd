/**
 * Emissions records of the Fabric utility emissions channel, and their validation. Records enter as `unknown`
 * (JSON from Fabric or a file, or CSV rows) and leave as typed `ValidRecord`s or as quarantine entries whose
 * reasons name the field, the value and what was expected. The chaincode's records are accepted as it stores
 * them: no unit field (the source's declared unit applies), floating-point amounts (converted by the one rounding
 * rule of exact.ts), long JSON `factorSource` text, `md5`/`url` empty when no bill was uploaded, `tokenId` null.
 */
import type { Parsed } from "../lib/units";
import { normaliseUnit, parseDate, UNITS } from "../lib/units";
import { decimalText, toExactBaseUnits } from "./exact";

/** A record that passed validation. Dates are unix seconds (UTC), inclusive. */
export interface ValidRecord {
  uuid: string;
  utilityId: string;
  /** As the record carries it: on Fabric the SHA-256 hex of the raw party id; after mapping, the raw party id. */
  partyId: string;
  fromDate: number;
  thruDate: number;
  /** Emissions in g CO2e, exact (rounded by the rule of exact.ts). */
  grams: bigint;
  renewableWh: bigint;
  nonrenewableWh: bigint;
  /** Kept whole (the chaincode stores the emissions-calculation request as JSON text here). */
  factorSource: string;
  /** 0x-prefixed lower-case hex of the document hash (`md5` field); "0x" (no bytes) when there is no document. */
  documentHash: string;
  /** False when the record has no document (`md5` empty): valid, and counted. */
  hasDocument: boolean;
  /** The record's `tokenId` when set: to be checked against the ledger (tokenised.ts), never trusted. */
  tokenId?: string;
}

export interface Quarantined {
  /** Where it came from: "record 12" (0-based index in the source) or "row 14" (CSV line). */
  at: string;
  reasons: string[];
  record: unknown;
}

/** The outcome of validating a whole export. */
export interface Validated {
  valid: ValidRecord[];
  quarantined: Quarantined[];
}

/** How a source's records are read. */
export interface RecordOptions {
  /**
   * The unit of `emissionsAmount` when a record has no `emissionsUom` (the chaincode stores none): "t" by default,
   * as the chaincode's calculation service labels utility-bill results `tons` (metric tonnes).
   */
  emissionsUnit: string;
}

export const RECORD_DEFAULTS: RecordOptions = { emissionsUnit: "t" };

/** The longest factorSource kept (the chaincode's JSON requests are about 170 characters). */
export const MAX_FACTOR_SOURCE = 4096;

/** Emissions units a record may use (the issue: kg or t CO2e). */
const EMISSIONS_UNITS = ["kg", "t"];
/** Energy units: the base unit is Wh. */
const ENERGY_UNITS = Object.keys(UNITS.energy);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const show = (v: unknown): string => {
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

function text(r: Record<string, unknown>, field: string, maxLength: number, problems: string[]): string {
  const v = r[field];
  if (v === undefined || v === null || v === "") {
    problems.push(`${field}: missing`);
    return "";
  }
  if (typeof v !== "string") {
    problems.push(`${field} ${show(v)}: expected a string`);
    return "";
  }
  const t = v.trim();
  if (t === "") problems.push(`${field}: empty`);
  else if (t.length > maxLength) problems.push(`${field} "${show(t)}": longer than ${maxLength} characters`);
  return t;
}

/** The power of ten of a unit relative to its base unit (t -> 6, kWh -> 3). */
const exponentOf = (quantity: "mass" | "energy", u: string): number => (UNITS[quantity][normaliseUnit(u)] as bigint).toString().length - 1;

/** An amount (JSON number or decimal string) in `unitText`, to exact base units by the rule of exact.ts. */
function amount(r: Record<string, unknown>, field: string, quantity: "mass" | "energy", unitText: string | undefined, problems: string[]): bigint {
  const v = r[field];
  if (v === undefined || v === null || v === "") {
    problems.push(`${field}: missing`);
    return 0n;
  }
  if (unitText === undefined) {
    const d = decimalText(v, field);
    if (!d.ok) problems.push(d.error);
    return 0n;
  }
  const x = toExactBaseUnits(v, exponentOf(quantity, unitText), field);
  if (!x.ok) {
    problems.push(x.error);
    return 0n;
  }
  return x.value;
}

function unit(r: Record<string, unknown>, field: string, allowed: string[], problems: string[], declared?: string): string | undefined {
  const v = r[field];
  if (v === undefined || v === null || v === "") {
    if (declared !== undefined && allowed.includes(normaliseUnit(declared))) return declared;
    if (declared !== undefined) {
      problems.push(`${field}: absent, and the declared unit "${show(declared)}" is not one of ${allowed.join(", ")}`);
      return undefined;
    }
    problems.push(`${field}: missing`);
    return undefined;
  }
  if (typeof v !== "string" || !allowed.includes(normaliseUnit(v))) {
    problems.push(`${field} "${show(v)}": unknown unit, use ${allowed.join(", ")}`);
    return undefined;
  }
  return v;
}

/** "YYYY-MM-DD" (thruDate: through the end of that day) or an ISO timestamp in UTC ("...T12:00:00Z", the Z optional as the chaincode's REST layer allows). */
export function parseRecordDate(v: unknown, field: string, endOfDay: boolean): Parsed<number> {
  if (typeof v !== "string" || v.trim() === "") {
    return { ok: false, error: v === undefined || v === null || v === "" ? `${field}: missing` : `${field} ${show(v)}: expected a date string` };
  }
  const t = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const p = parseDate(t, field, endOfDay);
    return p.ok ? p : { ok: false, error: p.error };
  }
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?$/.exec(t);
  if (m === null) return { ok: false, error: `${field} "${show(t)}": expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z] (UTC)` };
  const day = parseDate(m[1] as string, field);
  const [h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (!day.ok) return day;
  if (h > 23 || mi > 59 || s > 59) return { ok: false, error: `${field} "${t}": not a time of day` };
  return { ok: true, value: day.value + h * 3600 + mi * 60 + s };
}

/** The document hash: 32 hex digits (MD5) or 64 (SHA-256), with or without 0x; empty or absent: no document. */
function documentHash(r: Record<string, unknown>, problems: string[]): { hash: string; present: boolean } {
  const v = r["md5"];
  if (v === undefined || v === null || v === "") return { hash: "0x", present: false };
  if (typeof v !== "string" || !/^(0x)?([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/.test(v.trim())) {
    problems.push(`md5 "${show(v)}": expected the document hash as 32 (MD5) or 64 (SHA-256) hex digits, or "" for no document`);
    return { hash: "0x", present: false };
  }
  return { hash: `0x${v.trim().replace(/^0x/, "").toLowerCase()}`, present: true };
}

/** The record's token id text, if it carries one (null and "" mean none). */
export function tokenIdOf(raw: unknown): string | undefined {
  if (!isRecord(raw)) return undefined;
  const t = raw["tokenId"];
  return typeof t === "string" && t.trim() !== "" ? t.trim() : undefined;
}

/** Validates one record on its own; every problem is reported, not just the first ("; " between them). */
export function validateRecord(raw: unknown, options: RecordOptions = RECORD_DEFAULTS): Parsed<ValidRecord> {
  const v = checkRecord(raw, options);
  return v.ok ? v : { ok: false, error: v.problems.join("; ") };
}

/** validateRecord with the problems kept apart (a problem may itself contain "; "). */
function checkRecord(raw: unknown, options: RecordOptions): { ok: true; value: ValidRecord } | { ok: false; problems: string[] } {
  if (!isRecord(raw)) return { ok: false, problems: [`record: expected a JSON object, got ${show(raw)}`] };
  const problems: string[] = [];
  const uuid = text(raw, "uuid", 128, problems);
  const utilityId = text(raw, "utilityId", 128, problems);
  const partyId = text(raw, "partyId", 256, problems);
  const factorSource = text(raw, "factorSource", MAX_FACTOR_SOURCE, problems);
  const from = parseRecordDate(raw["fromDate"], "fromDate", false);
  const thru = parseRecordDate(raw["thruDate"], "thruDate", true);
  if (!from.ok) problems.push(from.error);
  if (!thru.ok) problems.push(thru.error);
  if (from.ok && thru.ok && from.value > thru.value) {
    problems.push(`fromDate ${show(raw["fromDate"])} is after thruDate ${show(raw["thruDate"])}`);
  }

  const emissionsUom = unit(raw, "emissionsUom", EMISSIONS_UNITS, problems, options.emissionsUnit);
  const grams = amount(raw, "emissionsAmount", "mass", emissionsUom, problems);
  const energyUom = unit(raw, "energyUseUom", ENERGY_UNITS, problems);
  const renewableWh = amount(raw, "renewableEnergyUseAmount", "energy", energyUom, problems);
  const nonrenewableWh = amount(raw, "nonrenewableEnergyUseAmount", "energy", energyUom, problems);
  const document = documentHash(raw, problems);
  if (raw["url"] !== undefined && raw["url"] !== null && typeof raw["url"] !== "string") {
    problems.push(`url ${show(raw["url"])}: expected a string`);
  }
  const t = raw["tokenId"];
  if (t !== undefined && t !== null && typeof t !== "string") problems.push(`tokenId ${show(t)}: expected null or "<ledger address>:<token id>"`);
  const tokenId = tokenIdOf(raw);

  if (problems.length > 0 || !from.ok || !thru.ok) return { ok: false, problems };
  return {
    ok: true,
    value: {
      uuid,
      utilityId,
      partyId,
      fromDate: from.value,
      thruDate: thru.value,
      grams,
      renewableWh,
      nonrenewableWh,
      factorSource,
      documentHash: document.hash,
      hasDocument: document.present,
      ...(tokenId !== undefined ? { tokenId } : {}),
    },
  };
}

/**
 * Validates an export: each record on its own, then across records (duplicate uuids are all quarantined, since
 * which copy is right cannot be told and the choice must not depend on order). Records carrying a `tokenId` stay
 * in `valid` with it: the relay checks them against the ledger (tokenised.ts) and never aggregates them.
 */
export function validateRecords(raws: readonly unknown[], where: (index: number) => string = (i) => `record ${i}`, options: RecordOptions = RECORD_DEFAULTS): Validated {
  const quarantined: Quarantined[] = [];
  const candidates: { index: number; record: ValidRecord; raw: unknown }[] = [];
  raws.forEach((raw, index) => {
    const v = checkRecord(raw, options);
    if (v.ok) candidates.push({ index, record: v.value, raw });
    else quarantined.push({ at: where(index), reasons: v.problems, record: raw });
  });
  const count = new Map<string, number>();
  for (const c of candidates) count.set(c.record.uuid, (count.get(c.record.uuid) ?? 0) + 1);
  const valid: ValidRecord[] = [];
  for (const c of candidates) {
    const n = count.get(c.record.uuid) ?? 0;
    if (n > 1) quarantined.push({ at: where(c.index), reasons: [`uuid "${show(c.record.uuid)}": duplicate, ${n} records share it`], record: c.raw });
    else valid.push(c.record);
  }
  return { valid, quarantined };
}
