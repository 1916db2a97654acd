/**
 * The audit stage ("virtual auditor"): recompute each valid record's emissions from its energy use and the
 * published factor of its utility's region and year, and compare with what the record declares. Pure functions
 * over the factor tables of data/emission-factors (loadFactors reads them); used by relay() and by
 * `auditor verify --records`, one implementation.
 *
 *   recomputed g CO2e = (renewableWh + nonrenewableWh) / 1000 x factor (g CO2e/kWh)
 *
 * The whole energy use times the location-based grid average, as the reference calculation does
 * (blockchain-carbon-accounting, data/src/repositories/emissionsFactor.repo.ts getCO2EmissionFactor: the factor is
 * per kWh of total generation and the usage is the bill's total; the renewable/non-renewable split is derived from
 * the grid's renewable share and does not reduce emissions).
 * Year: the UTC year Y of the record's thruDate; the factor of the latest year in [Y-5, Y] (the reference's
 * getEmissionsFactorsByDivision looks back up to 5 years).
 * Deviation: (declared - recomputed) / recomputed, exact; shown in ppm (rounded half away from zero).
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type { ValidRecord } from "./records";
import { ROOT } from "../lib/paths";

export type RegionKind = "country" | "us_state" | "egrid_subregion";
export interface Factor {
  kind: RegionKind;
  region: string;
  year: number;
  /** g CO2e per kWh as an exact decimal string. */
  gPerKwh: string;
  source: string;
  edition: string;
}
export interface Factors {
  /** "<kind>|<region>" -> factors sorted by year. */
  byRegion: Map<string, Factor[]>;
  /** EIA utility number -> [{ state, years }]. */
  utilities: Map<string, { state: string; name: string; years: number[] }[]>;
  /** Operator mapping utility id -> region (utility-regions.csv), checked first. */
  overrides: Map<string, { kind: RegionKind; region: string }>;
  dir: string;
}

export type AuditMode = "flag" | "enforce";
export interface AuditPolicy {
  mode: AuditMode;
  /** Allowed |deviation|, percent, a decimal string ("1", "0.5"). */
  tolerancePercent: string;
}
export const AUDIT_DEFAULTS: AuditPolicy = { mode: "flag", tolerancePercent: "1" };
// From the repository root, so the compiled command line (dist/cli/scripts/oracle) finds the tables too.
export const DEFAULT_FACTORS_DIR = path.join(ROOT, "data", "emission-factors");
/** How far back the factor of an earlier year may stand in for the record's year (the reference's rule). */
export const YEARS_BACK = 5;

export type AuditStatus = "within" | "deviating" | "unaudited";
export interface AuditEntry {
  uuid: string;
  utilityId: string;
  status: AuditStatus;
  /** minted (within or unaudited), minted-with-note (deviating under flag), quarantined (deviating under enforce). */
  action: "minted" | "minted-with-note" | "quarantined";
  region?: { kind: RegionKind; region: string; via: string };
  factor?: { gPerKwh: string; year: number; source: string; edition: string };
  energyWh: string;
  declaredGrams: string;
  /** Recomputed g CO2e rounded half up to a gram (the exact value is energyWh x gPerKwh / 1000). */
  recomputedGrams?: string;
  /** Signed deviation in ppm of the recomputed value; null when the recomputed value is 0 and the declared is not. */
  deviationPpm?: string | null;
  /** Why unaudited, or the recomputation of a deviating record. */
  note?: string;
}
export interface AuditSummary {
  audited: number;
  withinTolerance: number;
  deviating: number;
  unaudited: number;
  quarantined: number;
  mode: AuditMode;
  tolerancePercent: string;
}

// ---- decimals as exact rationals ----
/** "12.345" -> [12345n, 1000n]. */
export function rational(decimal: string): [bigint, bigint] {
  const [i, f = ""] = decimal.trim().split(".") as [string, string?];
  return [BigInt(i + f), 10n ** BigInt(f.length)];
}
const abs = (x: bigint) => (x < 0n ? -x : x);
/** n/d rounded half away from zero. */
const roundDiv = (n: bigint, d: bigint) => (n >= 0n ? (2n * n + d) / (2n * d) : -((2n * -n + d) / (2n * d)));

export function parsePolicy(mode: string | undefined, tolerance: string | undefined): { ok: true; value: AuditPolicy } | { ok: false; error: string } {
  const m = (mode ?? AUDIT_DEFAULTS.mode).trim().toLowerCase();
  if (m !== "flag" && m !== "enforce") return { ok: false, error: `--audit "${mode}": expected flag or enforce` };
  const t = (tolerance ?? AUDIT_DEFAULTS.tolerancePercent).trim().replace(/%$/, "");
  if (!/^\d+(\.\d+)?$/.test(t)) return { ok: false, error: `--audit-tolerance "${tolerance}": expected a non-negative percentage, e.g. 1 or 0.5` };
  return { ok: true, value: { mode: m, tolerancePercent: t } };
}

// ---- the tables ----
function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file, "utf8"), { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

const KINDS: RegionKind[] = ["country", "us_state", "egrid_subregion"];

/** Reads factors.csv, eia861-utilities.csv and the optional utility-regions.csv of `dir`. */
export function loadFactors(dir: string = DEFAULT_FACTORS_DIR): Factors {
  const file = path.join(dir, "factors.csv");
  if (!fs.existsSync(file)) throw new Error(`factors: ${file} not found (npm run factors:derive writes it)`);
  const byRegion = new Map<string, Factor[]>();
  for (const r of readCsv(file)) {
    const kind = r["region_kind"] as RegionKind;
    const g = r["g_co2e_per_kwh"] ?? "";
    if (!KINDS.includes(kind) || !/^\d+(\.\d+)?$/.test(g) || !/^\d{4}$/.test(r["year"] ?? "")) throw new Error(`${file}: malformed row ${JSON.stringify(r)}`);
    const key = `${kind}|${r["region"]}`;
    const list = byRegion.get(key) ?? [];
    list.push({ kind, region: r["region"] as string, year: Number(r["year"]), gPerKwh: g, source: r["source"] ?? "", edition: r["edition"] ?? "" });
    byRegion.set(key, list);
  }
  for (const list of byRegion.values()) list.sort((a, b) => a.year - b.year);
  const utilities: Factors["utilities"] = new Map();
  const ufile = path.join(dir, "eia861-utilities.csv");
  if (fs.existsSync(ufile)) {
    for (const r of readCsv(ufile)) {
      const list = utilities.get(r["utility_number"] as string) ?? [];
      list.push({ state: r["state"] as string, name: r["utility_name"] ?? "", years: (r["data_years"] ?? "").split(";").filter((y) => y !== "").map(Number) });
      utilities.set(r["utility_number"] as string, list);
    }
  }
  const overrides: Factors["overrides"] = new Map();
  const ofile = path.join(dir, "utility-regions.csv");
  if (fs.existsSync(ofile)) {
    for (const r of readCsv(ofile)) {
      const kind = r["region_kind"] as RegionKind;
      if (!KINDS.includes(kind) || !r["utility_id"] || !r["region"]) throw new Error(`${ofile}: malformed row ${JSON.stringify(r)}`);
      overrides.set(r["utility_id"].trim(), { kind, region: r["region"].trim().toUpperCase() });
    }
  }
  return { byRegion, utilities, overrides, dir };
}

/** Country-code aliases used in utility ids: UK -> GB, EL (the EU's code for Greece) -> GR. */
const COUNTRY_ALIASES: Record<string, string> = { UK: "GB", EL: "GR" };

/**
 * The region of a record's utility, in this order:
 * 1. the operator's mapping utility-regions.csv (for ids that name no region, e.g. the reference suite's uuids);
 * 2. an EIA utility number: `US-EIA-<n>`, `USA_EIA_<n>`, `EIA-<n>`, `EIA:<n>` (optionally followed by `-<name>`)
 *    -> its state in EIA-861 (the data year closest to and not after the record's year, else the earliest);
 * 3. an ISO 3166 country prefix with a factor in the table: `DE-EON`, `FR_EDF`, `PL:PGE` (also UK, EL).
 */
export function regionOf(utilityId: string, year: number, f: Factors): { ok: true; kind: RegionKind; region: string; via: string } | { ok: false; why: string } {
  const o = f.overrides.get(utilityId.trim());
  if (o !== undefined) return { ok: true, ...o, via: "utility-regions.csv" };
  const eia = /^(?:USA?[-_:])?EIA[-_:]?(\d{1,7})(?:[-_:].*)?$/i.exec(utilityId.trim());
  if (eia !== null) {
    const n = String(Number(eia[1]));
    const rows = f.utilities.get(n);
    if (rows === undefined) return { ok: false, why: `EIA utility ${n} is not in eia861-utilities.csv` };
    const dated = rows.flatMap((r) => r.years.map((y) => ({ y, r })));
    const pick = dated.filter((d) => d.y <= year).sort((a, b) => b.y - a.y)[0] ?? dated.sort((a, b) => a.y - b.y)[0];
    const row = pick?.r ?? (rows[0] as (typeof rows)[number]);
    return { ok: true, kind: "us_state", region: row.state, via: `EIA-861 ${pick?.y ?? ""} utility ${n} (${row.name})` };
  }
  const cc = /^([A-Za-z]{2})(?:[-_:]|$)/.exec(utilityId.trim());
  if (cc !== null) {
    const code = COUNTRY_ALIASES[(cc[1] as string).toUpperCase()] ?? (cc[1] as string).toUpperCase();
    if (f.byRegion.has(`country|${code}`)) return { ok: true, kind: "country", region: code, via: `country prefix ${code}` };
    if (code === "US") return { ok: false, why: "a US utility without an EIA utility number (use US-EIA-<number>, or map it in utility-regions.csv)" };
  }
  return { ok: false, why: "the utility id names no region (no EIA number, no known country prefix, not in utility-regions.csv)" };
}

/** The factor for a region and record year: the latest year in [year - YEARS_BACK, year]. */
export function factorFor(f: Factors, kind: RegionKind, region: string, year: number): Factor | undefined {
  const list = f.byRegion.get(`${kind}|${region}`) ?? [];
  return [...list].reverse().find((x) => x.year <= year && x.year >= year - YEARS_BACK);
}

/** The record's audit year: the UTC year of its thruDate (the reference's rule). */
export const auditYear = (r: Pick<ValidRecord, "thruDate">) => new Date(r.thruDate * 1000).getUTCFullYear();

/** Exact recomputation: [numerator, denominator] of g CO2e, and the factor used; or why there is none. */
export function recompute(r: Pick<ValidRecord, "utilityId" | "thruDate" | "renewableWh" | "nonrenewableWh">, f: Factors):
  | { ok: true; num: bigint; den: bigint; factor: Factor; region: { kind: RegionKind; region: string; via: string } }
  | { ok: false; why: string; region?: { kind: RegionKind; region: string; via: string } } {
  const year = auditYear(r);
  const reg = regionOf(r.utilityId, year, f);
  if (!reg.ok) return { ok: false, why: reg.why };
  const region = { kind: reg.kind, region: reg.region, via: reg.via };
  const factor = factorFor(f, reg.kind, reg.region, year);
  if (factor === undefined) return { ok: false, why: `no factor for ${reg.kind} ${reg.region} in ${year - YEARS_BACK}-${year} in factors.csv`, region };
  const [fn, fd] = rational(factor.gPerKwh);
  return { ok: true, num: (r.renewableWh + r.nonrenewableWh) * fn, den: fd * 1000n, factor, region };
}

/** Audits one record under `policy`. */
export function auditRecord(r: ValidRecord, f: Factors, policy: AuditPolicy): AuditEntry {
  const energy = r.renewableWh + r.nonrenewableWh;
  const base = { uuid: r.uuid, utilityId: r.utilityId, energyWh: energy.toString(), declaredGrams: r.grams.toString() };
  const c = recompute(r, f);
  if (!c.ok) return { ...base, status: "unaudited", action: "minted", ...(c.region ? { region: c.region } : {}), note: `unaudited: ${c.why}` };
  const { num, den } = c;
  const diff = r.grams * den - num; // (declared - recomputed) * den
  const [tn, td] = rational(policy.tolerancePercent);
  // |declared - recomputed| / recomputed <= tolerance / 100  <=>  |diff| * 100 * td <= tn * num
  const within = num === 0n ? r.grams === 0n : abs(diff) * 100n * td <= tn * num;
  const recomputedGrams = roundDiv(num, den);
  const deviationPpm = num === 0n ? (r.grams === 0n ? "0" : null) : roundDiv(diff * 1_000_000n, num).toString();
  const factor = { gPerKwh: c.factor.gPerKwh, year: c.factor.year, source: c.factor.source, edition: c.factor.edition };
  const entry: AuditEntry = { ...base, status: within ? "within" : "deviating", action: within ? "minted" : policy.mode === "enforce" ? "quarantined" : "minted-with-note", region: c.region, factor, recomputedGrams: recomputedGrams.toString(), deviationPpm };
  if (!within) entry.note = describeDeviation(entry, policy);
  return entry;
}

/** "declared 15288510 g, recomputed 15003006 g = 52719 kWh x 290 g/kWh (EEA co2-emission-intensity-6, DE 2019): +19030 ppm, tolerance 1%". */
export function describeDeviation(e: AuditEntry, policy: AuditPolicy): string {
  const kwh = Number(BigInt(e.energyWh)) / 1000;
  const ppm = e.deviationPpm === null || e.deviationPpm === undefined ? "declared non-zero for zero recomputed" : `${BigInt(e.deviationPpm) > 0n ? "+" : ""}${e.deviationPpm} ppm`;
  return `emissionsAmount: declared ${e.declaredGrams} g, recomputed ${e.recomputedGrams} g = ${kwh} kWh x ${e.factor?.gPerKwh} g/kWh ` +
    `(${e.factor?.source} ${e.factor?.edition}, ${e.region?.kind} ${e.region?.region} ${e.factor?.year}; via ${e.region?.via}): ${ppm}, beyond the tolerance of ${policy.tolerancePercent}%`;
}

/** Audits records: per-record entries and the summary counts. */
export function auditRecords(records: readonly ValidRecord[], factors: Factors, policy: AuditPolicy): { entries: AuditEntry[]; summary: AuditSummary } {
  const entries = records.map((r) => auditRecord(r, factors, policy));
  const count = (s: AuditStatus) => entries.filter((e) => e.status === s).length;
  return {
    entries,
    summary: {
      audited: entries.length - count("unaudited"),
      withinTolerance: count("within"),
      deviating: count("deviating"),
      unaudited: count("unaudited"),
      quarantined: entries.filter((e) => e.action === "quarantined").length,
      mode: policy.mode,
      tolerancePercent: policy.tolerancePercent,
    },
  };
}

/** Writes the audit entries as JSON lines (rewritten on every run, like the quarantine file). */
export function writeAuditFile(file: string, entries: readonly AuditEntry[]): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, entries.map((e) => JSON.stringify(e)).join("\n") + (entries.length > 0 ? "\n" : ""));
  fs.renameSync(tmp, file);
}

// ---- the relay's audit stage (the one call relay() makes) ----
export interface RelayAuditOptions extends AuditPolicy {
  /** Folder of factors.csv and eia861-utilities.csv; default data/emission-factors. */
  factorsDir?: string;
  /** Audit JSON lines; default audit.jsonl next to the quarantine file. */
  file?: string;
}

/**
 * Audits the mapped records, writes the audit file, logs one `audit-deviation` line per deviating record (the
 * note a flagged record is minted with) and returns the records to aggregate and the ones to quarantine.
 */
export function auditStage(
  records: ValidRecord[], o: RelayAuditOptions, quarantineFile: string, log: (event: string, data: Record<string, unknown>) => void,
): { keep: ValidRecord[]; quarantined: { at: string; reasons: string[]; record: unknown }[]; summary: AuditSummary & { file: string } } {
  const factors = loadFactors(o.factorsDir ?? DEFAULT_FACTORS_DIR);
  const { entries, summary } = auditRecords(records, factors, o);
  const file = o.file ?? path.join(path.dirname(quarantineFile), "audit.jsonl");
  writeAuditFile(file, entries);
  const quarantinedUuids = new Set(entries.filter((e) => e.action === "quarantined").map((e) => e.uuid));
  for (const e of entries) if (e.status === "deviating") log("audit-deviation", { uuid: e.uuid, action: e.action, note: e.note });
  log("audited", { ...summary, file });
  return {
    keep: records.filter((r) => !quarantinedUuids.has(r.uuid)),
    quarantined: entries.filter((e) => e.action === "quarantined").map((e) => ({ at: `uuid ${e.uuid}`, reasons: [e.note as string], record: e.uuid })),
    summary: { ...summary, file },
  };
}
