/**
 * 97 representative records in the shape the chaincode stores them, for the tests of reading, selecting and
 * writing back: float amounts without a unit field (2.607667092612959e-9 t, 4873.259999999999 kWh, half-gram
 * ties), long JSON factor sources, bills without a document, bills starting on 2023-01-01T00:00:00Z and ending on
 * 2023-12-31T23:59:59Z, December bills running into 2024 (their midpoint is in 2023), hashed party ids, tokenId
 * null. Four parties: 25, 24, 24 and 24 bills.
 */
import { generateRecords } from "../../../scripts/oracle/sample";
import type { SampleParty, SampleRecord } from "../../../scripts/oracle/sample";
import { SAMPLE_PARTIES } from "../../../scripts/oracle/generate-sample";
import { fabricPartyId } from "../../../scripts/oracle/parties";

export const PARTIES: SampleParty[] = SAMPLE_PARTIES.slice(0, 4);

export function chaincodeRecords(): SampleRecord[] {
  const records = generateRecords({ seed: 97, parties: PARTIES, startYear: 2023, startMonth: 1, months: 12, metersPerParty: 2, numbers: true });
  const set = (i: number, over: Partial<SampleRecord>) => Object.assign(records[i] as SampleRecord, over);
  set(0, { fromDate: "2023-01-01T00:00:00Z" });
  set(1, { emissionsAmount: 2.607667092612959e-9 });
  set(2, { renewableEnergyUseAmount: 4873.259999999999 });
  set(3, { emissionsAmount: 0.0000025 }); // 2.5 g: a tie, to 2 g
  set(4, { emissionsAmount: 0.0000035 }); // 3.5 g: a tie, to 4 g
  set(5, { emissionsAmount: "24.76236", md5: "", url: "" });
  set(6, { emissionsAmount: 0.0123, factorSource: "eGrid 2019 NERC_REGION WECC" });
  set(90, { thruDate: "2023-12-31T23:59:59Z" });
  const acme = PARTIES[0]?.partyId as string;
  const stored = fabricPartyId(acme);
  const fromDate = "2023-12-01T00:00:00Z";
  const thruDate = "2023-12-31T23:59:59Z";
  records.push({
    class: "org.hyperledger.blockchain-carbon-accounting.emissionsrecord",
    key: ["US-RFCE-PECO", stored, fromDate, thruDate].map((k) => JSON.stringify(k)).join(":"),
    uuid: "b0d7c0ffee0000000000000000000097",
    utilityId: "US-RFCE-PECO",
    partyId: stored,
    fromDate,
    thruDate,
    emissionsAmount: 1.4132279999999998,
    renewableEnergyUseAmount: 0,
    nonrenewableEnergyUseAmount: 4873.259999999999,
    energyUseUom: "kWh",
    factorSource: JSON.stringify({ uuid: "US-RFCE-PECO", usage: 4873.259999999999, usageUOM: "kWh", thruDate, emissionsFactorSource: "eGRID2022 RFCE", note: "bill ending on the bound" }),
    url: "",
    md5: "",
    tokenId: null,
  });
  return records;
}
