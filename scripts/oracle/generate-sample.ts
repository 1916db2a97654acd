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
import type { SampleParty } from "./sample";
import { asQueryDump, generateRecords, partiesFile, toCsv } from "./sample";

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

/** The sample's records as the chaincode stores them (no record carries a token id). */
export function sampleRecords() {
  return generateRecords({ seed: SAMPLE_SEED, parties: SAMPLE_PARTIES, startYear: 2023, startMonth: 1, months: 12, metersPerParty: 4, numbers: true });
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
