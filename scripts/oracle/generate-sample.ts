/**
 * Writes the bundled sample export (data/oracle/sample-emissions.{json,csv}) and its parties file, from a fixed
 * seed: `npx ts-node --transpile-only scripts/oracle/generate-sample.ts`. The output is committed; rerunning
 * gives the same bytes.
 */
import fs from "node:fs";
import path from "node:path";
import { CSV_FIELDS } from "./file-source";
import { DEMO_SALT, SAMPLE_DIR } from "./relay";
import type { SampleParty, SampleRecord } from "./sample";
import { amount, generateRecords, partiesFile, toCsv } from "./sample";
import type { Factors } from "./audit";
import { loadFactors, recompute } from "./audit";
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
 * The record's emissions as the audit recomputes them from the shipped factor table (same module, same formula:
 * whole energy use x the factor of the utility's region and year), rounded half up to a gram and written in the
 * record's own unit and JSON type. A record whose region has no factor keeps the generator's figure.
 */
export function withShippedFactors(record: SampleRecord, factors: Factors): SampleRecord {
  const thru = parseDate(String(record["thruDate"]), "thruDate", true);
  if (!thru.ok) return record;
  const c = recompute({
    utilityId: String(record["utilityId"]),
    thruDate: thru.value,
    renewableWh: BigInt(record["renewableEnergyUseAmount"] as number | string) * 1000n,
    nonrenewableWh: BigInt(record["nonrenewableEnergyUseAmount"] as number | string) * 1000n,
  }, factors);
  if (!c.ok) return record;
  const grams = (2n * c.num + c.den) / (2n * c.den);
  const a = amount(grams, record["emissionsUom"] === "t");
  return { ...record, emissionsAmount: typeof record["emissionsAmount"] === "number" ? Number(a.emissionsAmount) : a.emissionsAmount };
}

export function sampleRecords() {
  const factors = loadFactors();
  const records = generateRecords({ seed: SAMPLE_SEED, parties: SAMPLE_PARTIES, startYear: 2023, startMonth: 1, months: 12, metersPerParty: 4, numbers: true })
    .map((r) => withShippedFactors(r, factors));
  // Two bills were tokenised by an earlier relay: they carry a tokenId and are skipped.
  for (const r of records.slice(0, 2)) r["tokenId"] = "0x0000000000000000000000000000000000000000:0x01";
  return records;
}

if (require.main === module) {
  const records = sampleRecords();
  fs.mkdirSync(SAMPLE_DIR, { recursive: true });
  fs.writeFileSync(path.join(SAMPLE_DIR, "sample-emissions.json"), JSON.stringify(records, null, 1) + "\n");
  fs.writeFileSync(path.join(SAMPLE_DIR, "sample-emissions.csv"), toCsv(records, CSV_FIELDS));
  const parties = { $comment: `party commitment (keccak256(abi.encode(salt, partyId)) with the demo salt) -> address`, parties: partiesFile(SAMPLE_PARTIES, DEMO_SALT) };
  fs.writeFileSync(path.join(SAMPLE_DIR, "parties.json"), JSON.stringify(parties, null, 2) + "\n");
  process.stdout.write(`wrote ${records.length} records and ${SAMPLE_PARTIES.length} parties to ${SAMPLE_DIR}\n`);
}
