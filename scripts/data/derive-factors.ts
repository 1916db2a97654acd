/**
 * Derives the project's compact emission-factor tables from the published files:
 *
 *   data/emission-factors/factors.csv          one factor per (region kind, region, year), g CO2e per kWh, exact decimal
 *   data/emission-factors/eia861-utilities.csv US utility number -> state (EIA-861 Utility_Data)
 *
 * `npm run factors:derive [-- <source dir> ...] [--out <dir>] [--check]`; the sources default to
 * ../shared/data/emission-factors (the published files the reference suite ships) and data/emission-factors/published
 * (the published eGRID sheets the project ships, with their provenance). Deterministic: the same inputs give the same
 * bytes. `--check` compares with the committed tables instead of writing them (exit 1 on a difference).
 *
 * Inputs read (every one optional; a kind with no input yields no rows):
 * - EEA "CO2 emission intensity of electricity generation" CSVs (g CO2/kWh by country and year):
 *   `co2-emission-intensity-from-electricity-generation-5.csv`, then `co2-emission-intensity-6.csv`; for a country
 *   and year in both, edition 6 wins (the reference suite loads them in that order, the later overwriting).
 * - EPA eGRID data: the workbook `egrid<YYYY>_data*.xlsx`, or one sheet of it as CSV `egrid<YYYY>_<sheet>.csv`; the
 *   state sheet `ST<yy>` (STC2ERTA, "State annual CO2 equivalent total output emission rate (lb/MWh)") and the
 *   subregion sheet `SRL<yy>` (SRC2ERTA), converted lb/MWh -> g/kWh by x 453.59237 / 1000 (exact), each rate checked
 *   against its row's CO2e tons and net generation.
 * - EIA-861 `Utility_Data_<YYYY>.xlsx` (sheets States and Territories): Utility Number, Utility Name, State.
 */
import fs from "node:fs";
import path from "node:path";
import type { Sheet } from "./xlsx";
import { readXlsx } from "./xlsx";
import { parse } from "csv-parse/sync";

export const DEFAULT_SOURCE_DIR = path.join(__dirname, "..", "..", "..", "shared", "data", "emission-factors");
export const FACTORS_DIR = path.join(__dirname, "..", "..", "data", "emission-factors");
export const FACTORS_FILE = "factors.csv";
export const UTILITIES_FILE = "eia861-utilities.csv";

export const FACTOR_COLUMNS = ["region_kind", "region", "year", "g_co2e_per_kwh", "source", "edition", "table", "original_value", "original_unit"] as const;
export type FactorRow = Record<(typeof FACTOR_COLUMNS)[number], string>;
export const UTILITY_COLUMNS = ["utility_number", "state", "utility_name", "data_years"] as const;
export type UtilityRow = Record<(typeof UTILITY_COLUMNS)[number], string>;

/** EEA country names (as in the EEA files) -> ISO 3166-1 alpha-2. Aggregates (EU-27, EU-28, ...) are left out. */
export const EEA_COUNTRIES: Record<string, string> = {
  Austria: "AT", Belgium: "BE", Bulgaria: "BG", Croatia: "HR", Cyprus: "CY", Czechia: "CZ", "Czech Republic": "CZ",
  Denmark: "DK", Estonia: "EE", Finland: "FI", France: "FR", Germany: "DE", Greece: "GR", Hungary: "HU", Iceland: "IS",
  Ireland: "IE", Italy: "IT", Latvia: "LV", Lithuania: "LT", Luxembourg: "LU", Malta: "MT", Netherlands: "NL",
  Norway: "NO", Poland: "PL", Portugal: "PT", Romania: "RO", Slovakia: "SK", Slovenia: "SI", Spain: "ES",
  Sweden: "SE", Turkey: "TR", "United Kingdom": "GB",
};

/** The EEA files, in the order the reference suite loads them (a later one overrides an earlier one). */
export const EEA_FILES = ["co2-emission-intensity-from-electricity-generation-5.csv", "co2-emission-intensity-6.csv"];

/** "188.0" -> "188", "75.490" -> "75.49": a canonical non-negative decimal; undefined if not one. */
export function canonicalDecimal(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return undefined;
  const [int, frac = ""] = t.split(".") as [string, string?];
  const i = int.replace(/^0+(?=\d)/, "");
  const f = frac.replace(/0+$/, "");
  return f === "" ? i : `${i}.${f}`;
}

/** Exact product of two non-negative decimals, canonical. */
export function multiplyDecimals(a: string, b: string): string {
  const [ai, af = ""] = a.split(".") as [string, string?];
  const [bi, bf = ""] = b.split(".") as [string, string?];
  const scale = af.length + bf.length;
  const digits = (BigInt(ai + af) * BigInt(bi + bf)).toString().padStart(scale + 1, "0");
  return canonicalDecimal(scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`) as string;
}

/** The rows of a CSV text (RFC 4180 quoting, a leading BOM and empty lines ignored), as cells. */
export function csvRows(csv: string): string[][] {
  return parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
}

/**
 * Country rows from one EEA intensity CSV. The two published layouts: `date:number,ugeo:text,index:number` and
 * `Date:year,Member State:text,index:number,...`. Rows without a value ("", "None") and aggregates are skipped.
 */
export function eeaRows(csv: string, file: string): FactorRow[] {
  const [header = [], ...lines] = csvRows(csv);
  const yearCol = header.findIndex((h) => /^date:/i.test(h) || /^year$/i.test(h));
  const countryCol = header.findIndex((h) => /^(ugeo|member state):text$/i.test(h));
  const valueCol = header.findIndex((h) => /^index:number$/i.test(h));
  if (yearCol < 0 || countryCol < 0 || valueCol < 0) throw new Error(`${file}: not an EEA CO2 intensity CSV (header ${header.join(",")})`);
  const edition = file.replace(/\.csv$/i, "");
  const rows: FactorRow[] = [];
  for (const cells of lines) {
    const country = (cells[countryCol] ?? "").trim();
    const code = EEA_COUNTRIES[country];
    const value = canonicalDecimal(cells[valueCol] ?? "");
    const year = (cells[yearCol] ?? "").trim();
    if (code === undefined || value === undefined || !/^\d{4}$/.test(year)) continue;
    rows.push({
      region_kind: "country", region: code, year, g_co2e_per_kwh: value, source: "EEA", edition,
      table: header[valueCol] as string, original_value: value, original_unit: "g CO2/kWh",
    });
  }
  return rows;
}

/** lb/MWh -> g/kWh: 453.59237 g per avoirdupois pound (exact, by definition) / 1000 kWh per MWh. */
export const G_PER_KWH_PER_LB_PER_MWH = "0.45359237";

/** The eGRID aggregation levels the audit uses: sheet, region kind, the region's field and the fields' prefix. */
const EGRID_LEVELS = [
  { sheet: /^ST\d{2}$/i, kind: "us_state", regionField: "PSTATABB", prefix: "ST", region: /^[A-Z]{2}$/ },
  { sheet: /^SRL\d{2}$/i, kind: "egrid_subregion", regionField: "SUBRGN", prefix: "SR", region: /^[A-Z]{4}$/ },
] as const;

/** "917.453" -> [917453n, 3]: a non-negative decimal as digits and scale. */
function scaled(decimal: string): [bigint, number] {
  const [i, f = ""] = decimal.split(".") as [string, string?];
  return [BigInt(i + f), f.length];
}

/**
 * Whether a published rate agrees with the annual figures it is computed from: rate (lb/MWh) = CO2e (short tons)
 * x 2000 / net generation (MWh), to within 0.001 lb/MWh (eGRID publishes rates to 3 decimals). A figure changed in
 * transcription fails this; checked exactly, in integers.
 */
export function rateAgrees(rate: string, co2eTons: string, generationMwh: string): boolean {
  const [r, rs] = scaled(rate);
  const [e, es] = scaled(co2eTons);
  const [g, gs] = scaled(generationMwh);
  // |r/10^rs x g/10^gs - 2000 e/10^es| <= 1/1000 x g/10^gs, all over the common denominator 10^(rs+gs+es+3)
  const lhs = r * g * 10n ** BigInt(es + 3) - 2000n * e * 10n ** BigInt(rs + gs + 3);
  const bound = g * 10n ** BigInt(rs + es);
  return (lhs < 0n ? -lhs : lhs) <= bound;
}

/**
 * Factor rows from eGRID data: the state sheet `ST<yy>` (field STC2ERTA, "state annual CO2 equivalent total output
 * emission rate", lb/MWh) becomes `us_state` rows, the subregion sheet `SRL<yy>` (SRC2ERTA) `egrid_subregion` rows;
 * lb/MWh -> g/kWh by x 0.45359237 (exact). The header is the row of eGRID field codes (row 2 of the EPA workbook, row
 * 1 of a CSV export of one sheet). Every rate is checked against the same row's CO2e tons and net generation
 * (`rateAgrees`); a row that disagrees stops the derivation, naming it.
 */
export function egridRows(sheets: readonly Sheet[], file: string): FactorRow[] {
  const edition = /egrid(\d{4})/i.exec(path.basename(file))?.[1];
  const rows: FactorRow[] = [];
  for (const sheet of sheets) {
    const level = EGRID_LEVELS.find((l) => l.sheet.test(sheet.name));
    if (level === undefined) continue;
    const [rateField, co2eField, generationField] = ["C2ERTA", "CO2EQA", "NGENAN"].map((f) => level.prefix + f) as [string, string, string];
    const needed = [level.regionField, rateField, co2eField, generationField];
    const codeRow = sheet.rows.findIndex((r) => needed.every((c) => r.includes(c)));
    if (codeRow < 0) throw new Error(`${file} ${sheet.name}: no row of field codes with ${needed.join(", ")}`);
    const codes = sheet.rows[codeRow] as string[];
    const [iYear, iRegion, iRate, iCo2e, iGeneration] = ["YEAR", ...needed].map((c) => codes.indexOf(c)) as [number, number, number, number, number];
    for (const r of sheet.rows.slice(codeRow + 1)) {
      const region = (r[iRegion] ?? "").trim();
      const year = (r[iYear] ?? "").trim() || (edition ?? "");
      const rate = canonicalDecimal(r[iRate] ?? "");
      if (!level.region.test(region) || rate === undefined || !/^\d{4}$/.test(year)) continue;
      const co2e = canonicalDecimal(r[iCo2e] ?? "");
      const generation = canonicalDecimal(r[iGeneration] ?? "");
      if (co2e === undefined || generation === undefined || !rateAgrees(rate, co2e, generation)) {
        throw new Error(`${file} ${sheet.name} ${region}: ${rateField} ${rate} lb/MWh does not agree with ${co2eField} ${r[iCo2e] ?? ""} t x 2000 / ${generationField} ${r[iGeneration] ?? ""} MWh (within 0.001)`);
      }
      rows.push({
        region_kind: level.kind, region, year, g_co2e_per_kwh: multiplyDecimals(rate, G_PER_KWH_PER_LB_PER_MWH), source: "EPA eGRID",
        edition: `eGRID${edition ?? year}`, table: `${sheet.name}:${rateField}`,
        original_value: rate, original_unit: "lb/MWh",
      });
    }
  }
  return rows;
}

/** One sheet exported as CSV (`egrid2022_ST22.csv` is sheet ST22): its rows of cells. */
export function csvSheet(csv: string, name: string): Sheet {
  return { name, rows: csvRows(csv) };
}

/** Utility number -> state rows from EIA-861 Utility_Data sheets (header row with "Utility Number" and "State"). */
export function eiaRows(sheets: readonly Sheet[], file: string): { number: string; state: string; name: string; year: string }[] {
  const out: { number: string; state: string; name: string; year: string }[] = [];
  for (const sheet of sheets) {
    const headerRow = sheet.rows.findIndex((r) => r.includes("Utility Number") && r.includes("State"));
    if (headerRow < 0) continue;
    const h = sheet.rows[headerRow] as string[];
    const [iYear, iNumber, iName, iState] = ["Data Year", "Utility Number", "Utility Name", "State"].map((c) => h.indexOf(c)) as [number, number, number, number];
    for (const r of sheet.rows.slice(headerRow + 1)) {
      const number = (r[iNumber] ?? "").trim();
      const state = (r[iState] ?? "").trim();
      if (!/^\d+$/.test(number) || !/^[A-Z]{2}$/.test(state)) continue;
      out.push({ number, state, name: (r[iName] ?? "").trim(), year: (r[iYear] ?? "").trim() || (/(\d{4})/.exec(file)?.[1] ?? "") });
    }
  }
  if (out.length === 0) throw new Error(`${file}: no EIA-861 utility rows (a header with "Utility Number" and "State")`);
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function toCsv<K extends string>(columns: readonly K[], rows: readonly Record<K, string>[]): string {
  const cell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

/** The published files shipped in the repository (eGRID sheets as CSV; see published/README.md). */
export const PUBLISHED_DIR = path.join(FACTORS_DIR, "published");
/** Where `npm run factors:derive` reads by default: the shared published files, then the repository's own. */
export const DEFAULT_SOURCE_DIRS = [DEFAULT_SOURCE_DIR, PUBLISHED_DIR];

/** Derives both tables from the files in the folders `dirs` (see the module comment); a file name counts once. */
export function deriveFactors(dirs: string | readonly string[]): { factors: string; utilities: string; counts: Record<string, number> } {
  const located = new Map<string, string>();
  for (const dir of typeof dirs === "string" ? [dirs] : dirs) {
    for (const f of fs.readdirSync(dir)) if (!located.has(f)) located.set(f, path.join(dir, f));
  }
  const files = [...located.keys()].sort();
  const at = (f: string) => located.get(f) as string;
  const byKey = new Map<string, FactorRow>();
  for (const f of EEA_FILES.filter((f) => files.includes(f))) {
    for (const row of eeaRows(fs.readFileSync(at(f), "utf8"), f)) byKey.set(`${row.region_kind}|${row.region}|${row.year}`, row);
  }
  for (const f of files) {
    // The EPA workbook, or one of its sheets exported as CSV and named after the sheet
    const sheetCsv = /^egrid\d{4}_((?:ST|SRL)\d{2})\.csv$/i.exec(f)?.[1];
    const sheets = sheetCsv !== undefined ? [csvSheet(fs.readFileSync(at(f), "utf8"), sheetCsv)] : /^egrid\d{4}_data.*\.xlsx$/i.test(f) ? readXlsx(at(f)) : [];
    for (const row of egridRows(sheets, f)) {
      // The same eGRID figure from two files (the EPA workbook and a CSV export of its sheet) must agree.
      const key = `${row.region_kind}|${row.region}|${row.year}`;
      const earlier = byKey.get(key);
      if (earlier !== undefined && earlier.original_value !== row.original_value) {
        throw new Error(`${f} ${row.table} ${row.region} ${row.year}: ${row.original_value} lb/MWh, but another file gives ${earlier.original_value}`);
      }
      byKey.set(key, row);
    }
  }
  const factors = [...byKey.values()].sort((a, b) => cmp(a.region_kind, b.region_kind) || cmp(a.region, b.region) || cmp(a.year, b.year));

  // One row per (utility, state), listing the EIA-861 data years it appears in; the name of the latest year.
  const utilities = new Map<string, { number: string; state: string; name: string; years: string[] }>();
  for (const f of files.filter((f) => /^Utility_Data_\d{4}\.xlsx$/i.test(f))) {
    for (const u of eiaRows(readXlsx(at(f)), f)) {
      const key = `${u.number}|${u.state}`;
      const e = utilities.get(key);
      if (e === undefined) utilities.set(key, { number: u.number, state: u.state, name: u.name, years: [u.year] });
      else if (!e.years.includes(u.year)) {
        // Files are read in name (= year) order: the latest year's name wins.
        e.years.push(u.year);
        e.name = u.name;
      }
    }
  }
  const utilityRows: UtilityRow[] = [...utilities.values()]
    .sort((a, b) => Number(a.number) - Number(b.number) || cmp(a.state, b.state))
    .map((u) => ({ utility_number: u.number, state: u.state, utility_name: u.name, data_years: u.years.sort().join(";") }));
  const counts: Record<string, number> = { utilities: utilityRows.length };
  for (const r of factors) counts[r.region_kind] = (counts[r.region_kind] ?? 0) + 1;
  return { factors: toCsv(FACTOR_COLUMNS, factors), utilities: toCsv(UTILITY_COLUMNS, utilityRows), counts };
}

export function main(argv: string[]): number {
  const args = argv.slice(2);
  const check = args.includes("--check");
  const outAt = args.indexOf("--out");
  const out = outAt >= 0 ? (args[outAt + 1] as string) : FACTORS_DIR;
  const positional = args.filter((a, i) => !a.startsWith("--") && (outAt < 0 || i !== outAt + 1));
  // Every folder must be there: deriving without the shared one would silently drop the EEA and EIA rows.
  const sources = positional.length > 0 ? positional : DEFAULT_SOURCE_DIRS;
  const missing = sources.filter((d) => !fs.existsSync(d));
  if (missing.length > 0) {
    process.stderr.write(`factors:derive: source folder ${missing.join(", ")} not found (pass the folders of the published files)\n`);
    return 2;
  }
  const derived = deriveFactors(sources);
  const targets: [string, string][] = [[FACTORS_FILE, derived.factors], [UTILITIES_FILE, derived.utilities]];
  let differs = false;
  for (const [name, text] of targets) {
    const file = path.join(out, name);
    if (check) {
      const same = fs.existsSync(file) && fs.readFileSync(file, "utf8") === text;
      if (!same) differs = true;
      process.stdout.write(`${same ? "same" : "DIFFERS"}: ${file}\n`);
    } else {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(file, text);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
  process.stdout.write(`${Object.entries(derived.counts).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
  return differs ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv);
