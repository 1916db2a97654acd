import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { parseCsvExport, parseJsonExport } from "../../scripts/oracle/file-source";
import { validateRecord, validateRecords } from "../../scripts/oracle/records";
import { mapParties } from "../../scripts/oracle/relay";
import { partyCommitment } from "../../scripts/oracle/evidence-hash";
import { goodRecord } from "./helpers/records";

const reasonsOf = (raw: unknown): string => {
  const v = validateRecord(raw);
  expect(v.ok, "the record should be quarantined").to.equal(false);
  return v.ok ? "" : v.error;
};

describe("oracle records", function () {
  describe("a valid record", function () {
    it("converts kg with decimals exactly to grams", function () {
      const v = validateRecord(goodRecord());
      expect(v.ok).to.equal(true);
      if (v.ok) expect(v.value.grams).to.equal(1_234_567n);
    });
    it("converts t with six decimals exactly to grams", function () {
      const v = validateRecord(goodRecord({ emissionsAmount: "12.345678", emissionsUom: "t" }));
      expect(v.ok && v.value.grams).to.equal(12_345_678n);
    });
    it("reads thruDate through the end of its day and fromDate from its start (UTC)", function () {
      const v = validateRecord(goodRecord());
      expect(v.ok && v.value.fromDate).to.equal(Date.UTC(2023, 2, 3) / 1000);
      expect(v.ok && v.value.thruDate).to.equal(Date.UTC(2023, 2, 31, 23, 59, 59) / 1000);
    });
    it("accepts ISO timestamps in UTC", function () {
      const v = validateRecord(goodRecord({ fromDate: "2023-03-03T06:00:00Z", thruDate: "2023-03-31T18:30:00.000Z" }));
      expect(v.ok && v.value.thruDate).to.equal(Date.UTC(2023, 2, 31, 18, 30) / 1000);
    });
    it("normalises the document hash to 0x-prefixed lower-case hex", function () {
      const v = validateRecord(goodRecord({ md5: "B5E704962439E46F2360012E30733C8F" }));
      expect(v.ok && v.value.documentHash).to.equal("0xb5e704962439e46f2360012e30733c8f");
    });
  });

  describe("quarantine reasons name the field", function () {
    for (const field of ["uuid", "utilityId", "partyId", "fromDate", "thruDate", "emissionsAmount", "emissionsUom", "energyUseUom", "factorSource", "md5", "renewableEnergyUseAmount", "nonrenewableEnergyUseAmount"]) {
      it(`a missing ${field}`, function () {
        const r = goodRecord();
        delete r[field];
        expect(reasonsOf(r)).to.match(new RegExp(`^${field}: missing|; ${field}: missing`));
      });
    }
    it("a negative amount", function () {
      expect(reasonsOf(goodRecord({ emissionsAmount: -5 }))).to.contain("emissionsAmount -5: must not be negative");
    });
    it("a non-numeric amount", function () {
      expect(reasonsOf(goodRecord({ emissionsAmount: "12,5" }))).to.contain('emissionsAmount "12,5": expected a non-negative decimal number');
      expect(reasonsOf(goodRecord({ emissionsAmount: true }))).to.contain("emissionsAmount true: expected a number");
    });
    it("an amount finer than 1 g", function () {
      expect(reasonsOf(goodRecord({ emissionsAmount: "1.0001", emissionsUom: "kg" }))).to.contain("finer than 1 g");
    });
    it("a JSON number too long to be exact", function () {
      expect(reasonsOf(goodRecord({ emissionsAmount: 1234567890.1234567 }))).to.contain("emissionsAmount 1234567890.1234567: too many digits");
    });
    it("an unknown emissions unit", function () {
      expect(reasonsOf(goodRecord({ emissionsUom: "lbs" }))).to.contain('emissionsUom "lbs": unknown unit, use kg, t');
    });
    it("an unknown energy unit", function () {
      expect(reasonsOf(goodRecord({ energyUseUom: "therm" }))).to.contain('energyUseUom "therm": unknown unit');
    });
    it("a negative energy use", function () {
      expect(reasonsOf(goodRecord({ renewableEnergyUseAmount: "-1" }))).to.contain("renewableEnergyUseAmount -1: must not be negative");
    });
    it("fromDate after thruDate", function () {
      expect(reasonsOf(goodRecord({ fromDate: "2023-04-01", thruDate: "2023-03-31" }))).to.contain("fromDate 2023-04-01 is after thruDate 2023-03-31");
    });
    it("a date that is not a calendar date", function () {
      expect(reasonsOf(goodRecord({ thruDate: "2023-02-30" }))).to.contain('thruDate "2023-02-30": not a calendar date');
    });
    it("a malformed document hash", function () {
      expect(reasonsOf(goodRecord({ md5: "xyz" }))).to.contain('md5 "xyz": expected the document hash');
    });
    it("a factor source with characters that do not belong in metadata", function () {
      expect(reasonsOf(goodRecord({ factorSource: 'eGRID"2022' }))).to.contain("factorSource");
    });
    it("something that is not an object", function () {
      expect(reasonsOf(42)).to.contain("record: expected a JSON object");
    });
    it("lists every problem of a record, not only the first", function () {
      const reasons = reasonsOf(goodRecord({ uuid: "", emissionsUom: "lbs", md5: "1" })).split("; ");
      expect(reasons).to.have.length(3);
    });
  });

  describe("an export", function () {
    it("quarantines every copy of a duplicate uuid, naming uuid", function () {
      const v = validateRecords([goodRecord(), goodRecord({ md5: "c".repeat(32) }), goodRecord({ uuid: "other" })]);
      expect(v.valid.map((r) => r.uuid)).to.deep.equal(["other"]);
      expect(v.quarantined).to.have.length(2);
      expect(v.quarantined[0]?.reasons[0]).to.match(/^uuid "5f0c2a44-.*": duplicate, 2 records share it$/);
    });
    it("skips records that already carry a tokenId", function () {
      const v = validateRecords([goodRecord({ tokenId: "0xabc:0x01" }), goodRecord({ uuid: "b" })]);
      expect(v.alreadyTokenised).to.equal(1);
      expect(v.valid).to.have.length(1);
    });
    it("keeps the valid records going when some are quarantined", function () {
      const v = validateRecords([goodRecord({ uuid: "a", emissionsAmount: "x" }), goodRecord({ uuid: "b" })]);
      expect(v.valid.map((r) => r.uuid)).to.deep.equal(["b"]);
      expect(v.quarantined[0]?.at).to.equal("record 0");
    });
    it("quarantines records of a party with no address, naming partyId", function () {
      const v = validateRecords([goodRecord({ uuid: "a" }), goodRecord({ uuid: "b", partyId: "unknown-party" })]);
      const parties = new Map([[partyCommitment("salt", "acme-manufacturing").toLowerCase(), "0x0000000000000000000000000000000000000001"]]);
      const { mapped, quarantined } = mapParties(v.valid, "salt", parties, "parties.json");
      expect(mapped.map((r) => r.uuid)).to.deep.equal(["a"]);
      expect(quarantined[0]?.reasons[0]).to.match(/^partyId: no Ethereum address for party commitment 0x[0-9a-f]{64} in parties.json$/);
    });
  });

  describe("file formats", function () {
    it("reports malformed JSON naming the file", function () {
      const p = parseJsonExport("[{", "export.json");
      expect(p.ok).to.equal(false);
      expect(!p.ok && p.error).to.match(/^export.json: malformed JSON/);
    });
    it("reports JSON that is not an array of records", function () {
      const p = parseJsonExport('{"a":1}', "export.json");
      expect(!p.ok && p.error).to.equal("export.json: expected a JSON array of records");
    });
    it("reads CSV rows keyed by the header, and flags a row of the wrong width", function () {
      const p = parseCsvExport("uuid,partyId\na,acme\nb\n", "export.csv");
      expect(p.ok).to.equal(true);
      if (!p.ok) return;
      expect(p.value.records[0]).to.deep.equal({ uuid: "a", partyId: "acme" });
      expect(p.value.where(1)).to.equal("row 3");
      expect(reasonsOf(p.value.records[1])).to.contain("record: expected a JSON object, got CSV row with 1 columns");
    });
    it("gives the same valid records from the JSON and the CSV sample", function () {
      const dir = path.join(__dirname, "..", "..", "data", "oracle");
      const j = parseJsonExport(fs.readFileSync(path.join(dir, "sample-emissions.json"), "utf8"), "json");
      const c = parseCsvExport(fs.readFileSync(path.join(dir, "sample-emissions.csv"), "utf8"), "csv");
      if (!j.ok || !c.ok) throw new Error("sample unreadable");
      const vj = validateRecords(j.value.records);
      const vc = validateRecords(c.value.records);
      expect(vj.quarantined).to.deep.equal([]);
      expect(vc.valid).to.deep.equal(vj.valid);
      expect(vj.valid.length).to.be.greaterThan(200);
    });
  });
});
