/**
 * A seeded generator of realistic utility emissions records (monthly bills of several meters per party, US
 * utilities with EPA eGRID subregion factors, EU utilities with EEA country factors). Used for the committed
 * sample export, the tests and the benchmark. Deterministic: the same seed gives the same records.
 */
import crypto from "node:crypto";
import { dataSlice, getAddress, keccak256, toUtf8Bytes } from "ethers";
import { partyCommitment } from "./evidence-hash";

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
 * Grid intensities in g CO2e per kWh, illustrative (the generator's own figures). The committed sample
 * (generate-sample.ts) replaces a record's emissions by the audit's recomputation from the shipped factor table
 * (data/emission-factors) wherever the table has a factor for the utility's region and year. US utilities are
 * named by their EIA-861 utility number (PECO Energy Co 14940, PA; Pacific Gas & Electric Co. 14328, CA; Oncor
 * Electric Delivery Company LLC 44372, TX), which the audit maps to the state.
 */
export const UTILITIES = [
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

export type SampleRecord = Record<string, string | number>;

const pad = (n: number) => String(n).padStart(2, "0");
const day = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${"89ab"[Math.floor(rand() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** g -> "kg" with three decimals, or "t" with six: exact either way. */
export function amount(grams: bigint, inTonnes: boolean): { emissionsAmount: string; emissionsUom: string } {
  const unit = inTonnes ? 1_000_000n : 1_000n;
  const frac = (grams % unit).toString().padStart(inTonnes ? 6 : 3, "0");
  return { emissionsAmount: `${grams / unit}.${frac}`, emissionsUom: inTonnes ? "t" : "kg" };
}

/**
 * `parties.length * months * metersPerParty` records. Each bill runs about a month starting 0-10 days after the
 * month's first day, so its midpoint falls in that month.
 */
export function generateRecords(opts: {
  seed: number;
  parties: SampleParty[];
  startYear: number;
  startMonth: number;
  months: number;
  metersPerParty: number;
  /** Write amounts as JSON numbers (as the chaincode does) rather than strings. */
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
        const totalKwh = 2_000 + Math.floor(rand() * 180_000);
        const renewable = Math.floor(totalKwh * rand() * 0.4);
        const nonrenewable = totalKwh - renewable;
        const grams = BigInt(nonrenewable) * BigInt(u.gPerKwh);
        const id = uuid(rand);
        const a = amount(grams, rand() < 0.25);
        out.push({
          uuid: id,
          utilityId: u.utilityId,
          partyId: party.partyId,
          fromDate: day(start),
          thruDate: day(thru),
          emissionsAmount: opts.numbers && a.emissionsUom === "kg" ? Number(a.emissionsAmount) : a.emissionsAmount,
          emissionsUom: a.emissionsUom,
          renewableEnergyUseAmount: opts.numbers ? renewable : String(renewable),
          nonrenewableEnergyUseAmount: opts.numbers ? nonrenewable : String(nonrenewable),
          energyUseUom: "kWh",
          factorSource: u.factorSource,
          url: `https://bills.${u.utilityId.toLowerCase()}.example/${id}.pdf`,
          md5: crypto.createHash("md5").update(`bill ${id} ${totalKwh}`).digest("hex"),
        });
      }
    }
  }
  return out;
}

/** A deterministic, keyless address for a party (tokens of audited emissions never move, so no key is needed). */
export function sampleAddress(partyId: string): string {
  return getAddress(dataSlice(keccak256(toUtf8Bytes(`sample address ${partyId}`)), 12));
}

/** The parties file for `parties` under `salt`: { "<commitment>": "<address>" }. */
export function partiesFile(parties: readonly SampleParty[], salt: string): Record<string, string> {
  return Object.fromEntries(parties.map((p) => [partyCommitment(salt, p.partyId), sampleAddress(p.partyId)]));
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
  const cell = (v: string | number | undefined) => {
    const s = v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [fields.join(","), ...records.map((r) => fields.map((f) => cell(r[f])).join(","))].join("\n") + "\n";
}
