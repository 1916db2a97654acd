/**
 * Emissions records of the Fabric utility emissions channel, and their validation. Records enter as `unknown`
 * (JSON from Fabric or a file, or CSV rows) and leave as typed `ValidRecord`s or as quarantine entries whose
 * reasons name the field, the value and what was expected.
 */
import type { Parsed } from "../lib/units";
import { normaliseUnit, parseDate, toBaseUnits, UNITS } from "../lib/units";

/** A record that passed validation. Dates are unix seconds (UTC), inclusive. */
export interface ValidRecord {
  uuid: string;
  utilityId: string;
  partyId: string;
  fromDate: number;
  thruDate: number;
  /** Emissions in g CO2e, exact. */
  grams: bigint;
  renewableWh: bigint;
  nonrenewableWh: bigint;
  factorSource: string;
  /** 0x-prefixed lower-case hex of the document hash (`md5` field). */
  documentHash: string;
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
  /** Records that already carry a `tokenId`: tokenised before, skipped. */
  alreadyTokenised: number;
}

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

/**
 * A JSON number or a decimal string as an exact decimal string. JSON numbers beyond 15 significant digits (or in
 * exponent form) are refused: they may already have lost precision; exporters should send strings then.
 */
function decimal(r: Record<string, unknown>, field: string, problems: string[]): string | undefined {
  const v = r[field];
  if (v === undefined || v === null || v === "") {
    problems.push(`${field}: missing`);
    return undefined;
  }
  let s: string;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) {
      problems.push(`${field} ${show(v)}: expected a finite number`);
      return undefined;
    }
    s = String(v);
    if (/e/i.test(s) || s.replace(/[-.]/g, "").replace(/^0+/, "").length > 15) {
      problems.push(`${field} ${s}: too many digits for a JSON number to be exact; export it as a decimal string`);
      return undefined;
    }
  } else if (typeof v === "string") {
    s = v.trim();
  } else {
    problems.push(`${field} ${show(v)}: expected a number`);
    return undefined;
  }
  if (s.startsWith("-")) {
    problems.push(`${field} ${show(s)}: must not be negative`);
    return undefined;
  }
  if (!/^\d+(\.\d+)?$/.test(s)) {
    problems.push(`${field} "${show(s)}": expected a non-negative decimal number`);
    return undefined;
  }
  return s;
}

function unit(r: Record<string, unknown>, field: string, allowed: string[], problems: string[]): string | undefined {
  const v = r[field];
  if (v === undefined || v === null || v === "") {
    problems.push(`${field}: missing`);
    return undefined;
  }
  if (typeof v !== "string" || !allowed.includes(normaliseUnit(v))) {
    problems.push(`${field} "${show(v)}": unknown unit, use ${allowed.join(", ")}`);
    return undefined;
  }
  return v;
}

/** "YYYY-MM-DD" (thruDate: through the end of that day) or an ISO timestamp in UTC ("...T12:00:00Z"). */
export function parseRecordDate(v: unknown, field: string, endOfDay: boolean): Parsed<number> {
  if (typeof v !== "string" || v.trim() === "") {
    return { ok: false, error: v === undefined || v === null || v === "" ? `${field}: missing` : `${field} ${show(v)}: expected a date string` };
  }
  const t = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const p = parseDate(t, field, endOfDay);
    return p.ok ? p : { ok: false, error: p.error };
  }
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$/.exec(t);
  if (m === null) return { ok: false, error: `${field} "${show(t)}": expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)` };
  const day = parseDate(m[1] as string, field);
  const [h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (!day.ok) return day;
  if (h > 23 || mi > 59 || s > 59) return { ok: false, error: `${field} "${t}": not a time of day` };
  return { ok: true, value: day.value + h * 3600 + mi * 60 + s };
}

/** The document hash: 32 hex digits (MD5) or 64 (SHA-256), with or without 0x. */
function documentHash(r: Record<string, unknown>, problems: string[]): string {
  const v = r["md5"];
  if (v === undefined || v === null || v === "") {
    problems.push("md5: missing (the document hash)");
    return "";
  }
  if (typeof v !== "string" || !/^(0x)?([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/.test(v.trim())) {
    problems.push(`md5 "${show(v)}": expected the document hash as 32 (MD5) or 64 (SHA-256) hex digits`);
    return "";
  }
  return `0x${v.trim().replace(/^0x/, "").toLowerCase()}`;
}

/** Whether the record carries a token id already (tokenised before). */
export function tokenIdOf(raw: unknown): string | undefined {
  if (!isRecord(raw)) return undefined;
  const t = raw["tokenId"];
  return typeof t === "string" && t.trim() !== "" ? t.trim() : undefined;
}

/** Validates one record on its own; every problem is reported, not just the first ("; " between them). */
export function validateRecord(raw: unknown): Parsed<ValidRecord> {
  const v = checkRecord(raw);
  return v.ok ? v : { ok: false, error: v.problems.join("; ") };
}

/** validateRecord with the problems kept apart (a problem may itself contain "; "). */
function checkRecord(raw: unknown): { ok: true; value: ValidRecord } | { ok: false; problems: string[] } {
  if (!isRecord(raw)) return { ok: false, problems: [`record: expected a JSON object, got ${show(raw)}`] };
  const problems: string[] = [];
  const uuid = text(raw, "uuid", 128, problems);
  const utilityId = text(raw, "utilityId", 128, problems);
  const partyId = text(raw, "partyId", 256, problems);
  const factorSource = text(raw, "factorSource", 32, problems);
  if (factorSource !== "" && !/^[A-Za-z0-9 ._:/()-]+$/.test(factorSource)) {
    problems.push(`factorSource "${show(factorSource)}": use letters, digits, space and . _ : / ( ) -`);
  }
  const from = parseRecordDate(raw["fromDate"], "fromDate", false);
  const thru = parseRecordDate(raw["thruDate"], "thruDate", true);
  if (!from.ok) problems.push(from.error);
  if (!thru.ok) problems.push(thru.error);
  if (from.ok && thru.ok && from.value > thru.value) {
    problems.push(`fromDate ${show(raw["fromDate"])} is after thruDate ${show(raw["thruDate"])}`);
  }

  let grams = 0n;
  const amount = decimal(raw, "emissionsAmount", problems);
  const emissionsUom = unit(raw, "emissionsUom", EMISSIONS_UNITS, problems);
  if (amount !== undefined && emissionsUom !== undefined) {
    const g = toBaseUnits(amount, emissionsUom, "mass", "emissionsAmount");
    if (g.ok) grams = g.value;
    else problems.push(g.error);
  }

  const energy: bigint[] = [0n, 0n];
  const energyUom = unit(raw, "energyUseUom", ENERGY_UNITS, problems);
  ["renewableEnergyUseAmount", "nonrenewableEnergyUseAmount"].forEach((field, i) => {
    const d = decimal(raw, field, problems);
    if (d === undefined || energyUom === undefined) return;
    const wh = toBaseUnits(d, energyUom, "energy", field);
    if (wh.ok) energy[i] = wh.value;
    else problems.push(wh.error);
  });
  const document = documentHash(raw, problems);
  if (raw["url"] !== undefined && raw["url"] !== null && typeof raw["url"] !== "string") {
    problems.push(`url ${show(raw["url"])}: expected a string`);
  }

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
      renewableWh: energy[0] as bigint,
      nonrenewableWh: energy[1] as bigint,
      factorSource,
      documentHash: document,
    },
  };
}

/**
 * Validates an export: each record on its own, then across records (duplicate uuids are all quarantined, since
 * which copy is right cannot be told and the choice must not depend on order). Records with a `tokenId` are
 * counted and skipped.
 */
export function validateRecords(raws: readonly unknown[], where: (index: number) => string = (i) => `record ${i}`): Validated {
  const quarantined: Quarantined[] = [];
  const candidates: { index: number; record: ValidRecord; raw: unknown }[] = [];
  let alreadyTokenised = 0;
  raws.forEach((raw, index) => {
    if (tokenIdOf(raw) !== undefined) {
      alreadyTokenised++;
      return;
    }
    const v = checkRecord(raw);
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
  return { valid, quarantined, alreadyTokenised };
}
