import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { parseCsvExport, parseJsonExport } from "../../scripts/oracle/file-source";
import { validateRecord, validateRecords } from "../../scripts/oracle/records";
import { fabricPartyId, mapParties, parsePartyBook } from "../../scripts/oracle/parties";
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

  describe("a record in the chaincode's shape", function () {
    const chaincode = (over: Record<string, unknown> = {}) => {
      const r: Record<string, unknown> = {
        ...goodRecord({ emissionsAmount: 2.607667092612959e-9, renewableEnergyUseAmount: 4873.259999999999, nonrenewableEnergyUseAmount: "0.0005", fromDate: "2023-12-01T00:00:00Z", thruDate: "2023-12-31T23:59:59Z", md5: "", url: "", tokenId: null, factorSource: JSON.stringify({ uuid: "US-RFCE-PECO", usage: 4873.26, usageUOM: "kWh", thruDate: "2023-12-31T23:59:59Z", emissionsFactorSource: "eGRID2022", more: "x".repeat(120) }) }),
        ...over,
      };
      delete r.emissionsUom;
      return r;
    };
    it("is valid: no unit (the declared one applies), floats, a long JSON factor source, no document", function () {
      const v = validateRecord(chaincode());
      if (!v.ok) throw new Error(v.error);
      expect(v.value.grams).to.equal(0n); // 0.0026 g: valid, counted
      expect(v.value.renewableWh).to.equal(4_873_260n);
      expect(v.value.nonrenewableWh).to.equal(0n); // 0.5 Wh: half to even
      expect(v.value.factorSource.length).to.be.greaterThan(170);
      expect([v.value.documentHash, v.value.hasDocument]).to.deep.equal(["0x", false]);
      expect(v.value.thruDate).to.equal(Date.UTC(2023, 11, 31, 23, 59, 59) / 1000);
    });
    it("takes the declared unit, t by default, kg when declared", function () {
      const t = validateRecord(chaincode({ emissionsAmount: 24.76236 }));
      const kg = validateRecord(chaincode({ emissionsAmount: 24.76236 }), { emissionsUnit: "kg" });
      expect([t.ok && t.value.grams, kg.ok && kg.value.grams]).to.deep.equal([24_762_360n, 24_762n]);
    });
    it("rounds half to even in grams: 0.5 g -> 0, 1.5 g -> 2, 2.5 g -> 2, 2.5000001 g -> 3", function () {
      const g = (x: unknown) => {
        const v = validateRecord(chaincode({ emissionsAmount: x }));
        return v.ok ? v.value.grams : v.error;
      };
      expect([g(0.0000005), g(0.0000015), g(0.0000025), g("0.0000025000001"), g(4873.259999999999), g("1e-12"), g("12e3")]).to.deep.equal([0n, 2n, 2n, 3n, 4_873_260_000n, 0n, 12_000_000_000n]);
    });
    it("accepts dates without the Z, as the REST layer allows", function () {
      const v = validateRecord(chaincode({ thruDate: "2023-12-31T23:59:59" }));
      expect(v.ok && v.value.thruDate).to.equal(Date.UTC(2023, 11, 31, 23, 59, 59) / 1000);
    });
    it("refuses a negative amount naming the field, and a declared unit that is not a mass", function () {
      expect(reasonsOf(chaincode({ renewableEnergyUseAmount: -0.1 }))).to.contain("renewableEnergyUseAmount -0.1: must not be negative");
      const v = validateRecord(chaincode(), { emissionsUnit: "kWh" });
      expect(!v.ok && v.error).to.contain('emissionsUom: absent, and the declared unit "kWh" is not one of kg, t');
    });
  });

  describe("quarantine reasons name the field", function () {
    for (const field of ["uuid", "utilityId", "partyId", "fromDate", "thruDate", "emissionsAmount", "energyUseUom", "factorSource", "renewableEnergyUseAmount", "nonrenewableEnergyUseAmount"]) {
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
    it("a NaN or infinite amount", function () {
      expect(reasonsOf(goodRecord({ emissionsAmount: Number.NaN }))).to.contain("emissionsAmount NaN: expected a finite number");
      expect(reasonsOf(goodRecord({ nonrenewableEnergyUseAmount: Number.POSITIVE_INFINITY }))).to.contain("nonrenewableEnergyUseAmount Infinity: expected a finite number");
    });
    it("an amount too large to be a bill", function () {
      expect(reasonsOf(goodRecord({ emissionsAmount: 1.7976931348623157e308 }))).to.contain("emissionsAmount 1.7976931348623157e+308: too large");
    });
    it("a tokenId that is not text", function () {
      expect(reasonsOf(goodRecord({ tokenId: 1 }))).to.contain("tokenId 1: expected null");
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
    it("a factor source that is not text", function () {
      expect(reasonsOf(goodRecord({ factorSource: 7 }))).to.contain("factorSource 7: expected a string");
    });
    it("something that is not an object", function () {
      expect(reasonsOf(42)).to.contain("record: expected a JSON object");
    });
    it("lists every problem of a record, not only the first", function () {
      const reasons = reasonsOf(goodRecord({ uuid: "", emissionsUom: "lbs", md5: "1" })).split("; ");
      expect(reasons[0]).to.match(/^uuid/);
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
    it("keeps a record's tokenId for the ledger to check, never trusting it", function () {
      const v = validateRecords([goodRecord({ tokenId: "0xabc:0x01" }), goodRecord({ uuid: "b", tokenId: null })]);
      expect(v.valid.map((r) => r.tokenId)).to.deep.equal(["0xabc:0x01", undefined]);
    });
    it("keeps the valid records going when some are quarantined", function () {
      const v = validateRecords([goodRecord({ uuid: "a", emissionsAmount: "x" }), goodRecord({ uuid: "b" })]);
      expect(v.valid.map((r) => r.uuid)).to.deep.equal(["b"]);
      expect(v.quarantined[0]?.at).to.equal("record 0");
    });
    it("resolves Fabric's SHA-256 party ids to the raw ids of the mapping, and quarantines the rest naming partyId", function () {
      const v = validateRecords([
        goodRecord({ uuid: "a", partyId: fabricPartyId("acme-manufacturing") }),
        goodRecord({ uuid: "b", partyId: fabricPartyId("unknown-party") }),
        goodRecord({ uuid: "c", partyId: "acme-manufacturing" }),
      ]);
      const book = parsePartyBook({ parties: { "acme-manufacturing": "0x0000000000000000000000000000000000000001" } }, "parties.json");
      if (!book.ok) throw new Error(book.error);
      const { mapped, quarantined } = mapParties(v.valid, book.value, "parties.json");
      expect(mapped.map((r) => [r.uuid, r.partyId])).to.deep.equal([["a", "acme-manufacturing"], ["c", "acme-manufacturing"]]);
      expect(quarantined[0]?.reasons[0]).to.match(/^partyId [0-9a-f]{16}…: no raw party id in parties.json hashes to it/);
    });
    it("hashes party ids as the chaincode does (SHA-256 hex of the UTF-8 text)", function () {
      expect(fabricPartyId("acme-manufacturing")).to.equal("82fa430828cd692d1bd0747668234010f05defd2b77b40a199d3ff615a841710");
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
