/**
 * Writes the bundled sample export (data/oracle/sample-emissions.json: a dump of the chaincode's query,
 * sample-emissions.csv: the same records) and its parties file, from a fixed
 * seed: `npx ts-node --transpile-only scripts/oracle/generate-sample.ts`. The output is committed; rerunning
 * gives the same bytes.
 */
import fs from "node:fs";
import path from "node:path";
import { CSV_FIELDS } from "./file-source";
import { SAMPLE_DIR } from "./relay";
import type { SampleParty, SampleRecord } from "./sample";
import { asQueryDump, generateRecords, partiesFile, toCsv } from "./sample";
import type { Factors } from "./audit";
import { loadFactors, recompute } from "./audit";
import { divideHalfEven, toExactBaseUnits } from "./exact";
import { parseDate } from "../lib/units";

export const SAMPLE_SEED = 20_240_101;

/** Six parties, each billed by one US and one EU utility (indices into UTILITIES). */
export const SAMPLE_PARTIES: SampleParty[] = [
  { partyId: "acme-manufacturing", utilities: [0, 3] },
  { partyId: "bluewater-logistics", utilities: [1, 4] },
  { partyId: "cedar-data-centers", utilities: [2, 5] },
  { partyId: "delta-foods", utilities: [0, 4] },
  { partyId: "evergreen-retail", utilities: [1, 5] },
  { partyId: "fjord-chemicals", utilities: [2, 3] },
];

/**
 * The record's emissions as the audit recomputes them from the shipped factor table (the same module and formula:
 * whole energy use x the factor of the utility's region and year), in metric tonnes as the chaincode stores them,
 * exact to the gram (energy read by the oracle's own rounding rule). A record whose region has no factor keeps the
 * generator's figure.
 */
export function withShippedFactors(record: SampleRecord, factors: Factors): SampleRecord {
  const thru = parseDate(String(record["thruDate"]).slice(0, 10), "thruDate", true);
  const renewableWh = toExactBaseUnits(record["renewableEnergyUseAmount"], 3, "renewableEnergyUseAmount");
  const nonrenewableWh = toExactBaseUnits(record["nonrenewableEnergyUseAmount"], 3, "nonrenewableEnergyUseAmount");
  if (!thru.ok || !renewableWh.ok || !nonrenewableWh.ok) return record;
  const c = recompute({ utilityId: String(record["utilityId"]), thruDate: thru.value, renewableWh: renewableWh.value, nonrenewableWh: nonrenewableWh.value }, factors);
  if (!c.ok) return record;
  const grams = divideHalfEven(c.num, c.den);
  const tonnes = `${grams / 1_000_000n}.${(grams % 1_000_000n).toString().padStart(6, "0")}`;
  return { ...record, emissionsAmount: typeof record["emissionsAmount"] === "number" ? Number(tonnes) : tonnes };
}

/** The sample's records as the chaincode stores them (no record carries a token id), figures from the factors. */
export function sampleRecords() {
  const factors = loadFactors();
  return generateRecords({ seed: SAMPLE_SEED, parties: SAMPLE_PARTIES, startYear: 2023, startMonth: 1, months: 12, metersPerParty: 4, numbers: true })
    .map((r) => withShippedFactors(r, factors));
}

if (require.main === module) {
  const records = sampleRecords();
  fs.mkdirSync(SAMPLE_DIR, { recursive: true });
  // The JSON sample is a dump of the chaincode's query answer, [{ Key, Record }].
  fs.writeFileSync(path.join(SAMPLE_DIR, "sample-emissions.json"), JSON.stringify(asQueryDump(records), null, 1) + "\n");
  fs.writeFileSync(path.join(SAMPLE_DIR, "sample-emissions.csv"), toCsv(records, CSV_FIELDS));
  const parties = { $comment: "raw party id -> address; Fabric stores SHA-256(raw party id) as partyId", parties: partiesFile(SAMPLE_PARTIES) };
  fs.writeFileSync(path.join(SAMPLE_DIR, "parties.json"), JSON.stringify(parties, null, 2) + "\n");
  process.stdout.write(`wrote ${records.length} records and ${SAMPLE_PARTIES.length} parties to ${SAMPLE_DIR}\n`);
}
