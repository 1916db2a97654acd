/**
 * A seeded generator of realistic utility emissions records in the shape the chaincode stores them (monthly bills
 * of several meters per party, US utilities with EPA eGRID state factors, EU utilities with EEA country
 * factors): MD5 uuids, SHA-256 party ids, `YYYY-MM-DDTHH:MM:SSZ` dates, floating-point amounts in metric tonnes and
 * kWh as the calculation service returns them, no unit field, the calculation request as JSON `factorSource` (or
 * an older text source), no document on some bills, `tokenId` null. Used for the committed sample export, the tests
 * and the benchmark. Deterministic: the same seed gives the same records.
 */
import crypto from "node:crypto";
import { dataSlice, getAddress, keccak256, toUtf8Bytes } from "ethers";
import { fabricPartyId } from "./parties";

/** A small, fast, seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Grid intensities in g CO2e per kWh the generator starts from: rounded figures for illustration (eGRID 2022,
 * EEA 2023). The committed sample replaces every record's emissions by the audit's recomputation from the shipped
 * factor table (generate-sample.ts withShippedFactors: the utility's eGRID2022 state rate, the EEA country figure),
 * so the sample agrees with the audit; generated test and benchmark records keep these figures.
 */
export const UTILITIES = [
  // US utilities named by their EIA-861 utility number, which the audit maps to a state.
  { utilityId: "US-EIA-14940-PECO", factorSource: "eGRID2022", gPerKwh: 290 },
  { utilityId: "US-EIA-14328-PGE", factorSource: "eGRID2022", gPerKwh: 207 },
  { utilityId: "US-EIA-44372-ONCOR", factorSource: "eGRID2022", gPerKwh: 372 },
  { utilityId: "DE-EON", factorSource: "EEA2023", gPerKwh: 381 },
  { utilityId: "FR-EDF", factorSource: "EEA2023", gPerKwh: 56 },
  { utilityId: "PL-PGE", factorSource: "EEA2023", gPerKwh: 662 },
] as const;

export interface SampleParty {
  partyId: string;
  /** Index into UTILITIES of the party's utilities. */
  utilities: number[];
}

export type SampleRecord = Record<string, string | number | null>;

/** The chaincode's record class. */
export const EMISSIONS_RECORD_CLASS = "org.hyperledger.blockchain-carbon-accounting.emissionsrecord";

const pad = (n: number) => String(n).padStart(2, "0");
const day = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

const md5 = (text: string) => crypto.createHash("md5").update(text).digest("hex");

/**
 * `parties.length * months * metersPerParty` records. Each bill runs about a month starting 0-10 days after the
 * month's first day, so its midpoint falls in that month. One bill in seven has no document (md5 and url ""); one
 * in five carries an older text factor source instead of the JSON request.
 */
export function generateRecords(opts: {
  seed: number;
  parties: SampleParty[];
  startYear: number;
  startMonth: number;
  months: number;
  metersPerParty: number;
  /** Write amounts as JSON numbers (as the chaincode does) rather than their decimal strings. */
  numbers: boolean;
}): SampleRecord[] {
  const rand = prng(opts.seed);
  const out: SampleRecord[] = [];
  for (let m = 0; m < opts.months; m++) {
    for (const party of opts.parties) {
      for (let meter = 0; meter < opts.metersPerParty; meter++) {
        const u = UTILITIES[party.utilities[meter % party.utilities.length] as number] as (typeof UTILITIES)[number];
        const start = Date.UTC(opts.startYear, opts.startMonth - 1 + m, 1 + Math.floor(rand() * 10));
        const length = 27 + Math.floor(rand() * 4);
        const thru = start + (length - 1) * 86_400_000;
        const totalKwh = 2_000 + rand() * 180_000;
        // Floating point as the calculation service computes it (e.g. 4873.259999999999).
        const renewable = totalKwh * rand() * 0.4;
        const nonrenewable = totalKwh - renewable;
        const tonnes = (nonrenewable * u.gPerKwh) / 1_000_000;
        const fromDate = `${day(start)}T00:00:00Z`;
        const thruDate = `${day(thru)}T23:59:59Z`;
        const factorSource = rand() < 0.2
          ? `${u.factorSource} ${u.utilityId}`
          : JSON.stringify({ uuid: u.utilityId, usage: Math.round(totalKwh), usageUOM: "kWh", thruDate, emissionsFactorSource: u.factorSource, method: "location-based" });
        const stored = fabricPartyId(party.partyId);
        const id = md5(`${factorSource}${party.partyId}${meter}${fromDate}`);
        const documented = rand() >= 1 / 7;
        const num = (x: number) => (opts.numbers ? x : String(x));
        out.push({
          class: EMISSIONS_RECORD_CLASS,
          key: [u.utilityId, stored, fromDate, thruDate].map((k) => JSON.stringify(k)).join(":"),
          uuid: id,
          utilityId: u.utilityId,
          partyId: stored,
          fromDate,
          thruDate,
          emissionsAmount: num(tonnes),
          renewableEnergyUseAmount: num(renewable),
          nonrenewableEnergyUseAmount: num(nonrenewable),
          energyUseUom: "kWh",
          factorSource,
          url: documented ? `https://bills.${u.utilityId.toLowerCase()}.example/${id}.pdf` : "",
          md5: documented ? md5(`bill ${id} ${totalKwh}`) : "",
          tokenId: null,
        });
      }
    }
  }
  return out;
}

/** The chaincode's query answer for `records`: `[{ Key: uuid, Record }]`. */
export function asQueryDump(records: readonly SampleRecord[]): { Key: string; Record: SampleRecord }[] {
  return records.map((r) => ({ Key: String(r.uuid), Record: r }));
}

/** The reference REST API's answer for `records`: the records without `class` and `key`. */
export function asRestExport(records: readonly SampleRecord[]): SampleRecord[] {
  return records.map(({ class: _c, key: _k, ...rest }) => rest);
}

/** A deterministic, keyless address for a party (tokens of audited emissions never move, so no key is needed). */
export function sampleAddress(partyId: string): string {
  return getAddress(dataSlice(keccak256(toUtf8Bytes(`sample address ${partyId}`)), 12));
}

/** The parties file for `parties`: { "<raw party id>": "<address>" } (parties.ts). */
export function partiesFile(parties: readonly SampleParty[]): Record<string, string> {
  return Object.fromEntries(parties.map((p) => [p.partyId, sampleAddress(p.partyId)]));
}

/**
 * `n` parties, two utilities each: most in one region (two US eGRID subregions, or two EU countries), every
 * fifth one in both (a US and an EU site), as a realistic mix.
 */
export function makeParties(n: number, prefix = "org"): SampleParty[] {
  return Array.from({ length: n }, (_, i) => {
    const us = i % 2 === 0;
    const a = (us ? 0 : 3) + (i % 3);
    const b = i % 5 === 4 ? (a + 3) % UTILITIES.length : (us ? 0 : 3) + ((i + 1) % 3);
    return { partyId: `${prefix}-${String(i + 1).padStart(4, "0")}`, utilities: [a, b] };
  });
}

/** Records as CSV with the given header. */
export function toCsv(records: readonly SampleRecord[], fields: readonly string[]): string {
  const cell = (v: string | number | null | undefined) => {
    const s = v === undefined || v === null ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [fields.join(","), ...records.map((r) => fields.map((f) => cell(r[f])).join(","))].join("\n") + "\n";
}
