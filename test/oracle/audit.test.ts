import fs from "node:fs";
import { expect } from "chai";
import type { Factors } from "../../scripts/oracle/audit";
import { AUDIT_DEFAULTS, auditRecord, auditRecords, factorFor, loadFactors, parsePolicy, regionOf } from "../../scripts/oracle/audit";
import type { ValidRecord } from "../../scripts/oracle/records";
import { validateRecords } from "../../scripts/oracle/records";
import { SAMPLE_FILES } from "../../scripts/oracle/relay";

const shipped = loadFactors();

/** A copy of the shipped tables plus one made-up US state factor (the shipped table has no eGRID rows yet). */
function withTestState(gPerKwh: string): Factors {
  const byRegion = new Map(shipped.byRegion);
  byRegion.set("us_state|PA", [{ kind: "us_state", region: "PA", year: 2021, gPerKwh, source: "TEST", edition: "test-only" }]);
  return { ...shipped, byRegion };
}

const t = (iso: string) => Date.parse(iso) / 1000;
const record = (over: Partial<ValidRecord> = {}): ValidRecord => ({
  uuid: "u1", utilityId: "DE-EON", partyId: "p", fromDate: t("2023-03-01T00:00:00Z"), thruDate: t("2023-03-31T23:59:59Z"),
  grams: 3_380_000n, renewableWh: 2_000_000n, nonrenewableWh: 8_000_000n, factorSource: "EEA", documentHash: "0x" + "0".repeat(32), hasDocument: true, ...over,
});

describe("audit: factor lookup", function () {
  it("EU: the utility id's country prefix and the latest factor year within 5 years before the thruDate's year", function () {
    expect(regionOf("DE-EON", 2023, shipped)).to.include({ ok: true, kind: "country", region: "DE" });
    expect(regionOf("UK_OCTOPUS", 2019, shipped)).to.include({ ok: true, kind: "country", region: "GB" });
    expect(factorFor(shipped, "country", "DE", 2023)).to.include({ year: 2019, gPerKwh: "338", source: "EEA" });
    expect(factorFor(shipped, "country", "DE", 2018)).to.include({ year: 2018, gPerKwh: "406" });
    expect(factorFor(shipped, "country", "DE", 2025)).to.equal(undefined); // 2019 is more than 5 years back
  });

  it("US: utility -> state through EIA-861, then the state's rate", function () {
    expect(regionOf("US-EIA-14940-PECO", 2023, shipped)).to.include({ ok: true, kind: "us_state", region: "PA" });
    expect(regionOf("USA_EIA_44372", 2023, shipped)).to.include({ ok: true, kind: "us_state", region: "TX" });
    const e = auditRecord(record({ utilityId: "US-EIA-14940", grams: 4_000_000n }), withTestState("400"), AUDIT_DEFAULTS);
    expect(e).to.include({ status: "within", recomputedGrams: "4000000", deviationPpm: "0" });
    expect(e.region).to.include({ kind: "us_state", region: "PA" });
    expect(e.factor).to.include({ year: 2021, gPerKwh: "400" });
  });

  it("a region without a factor, or a utility naming no region, is unaudited (never deviating)", function () {
    const noFactor = auditRecord(record({ utilityId: "US-EIA-14940" }), shipped, { mode: "enforce", tolerancePercent: "0" });
    expect(noFactor).to.include({ status: "unaudited", action: "minted" });
    expect(noFactor.note).to.match(/no factor for us_state PA in 2018-2023/);
    expect(auditRecord(record({ utilityId: "US-EIA-9999999" }), shipped, AUDIT_DEFAULTS).note).to.match(/not in eia861-utilities/);
    expect(auditRecord(record({ utilityId: "US-RFCE-PECO" }), shipped, AUDIT_DEFAULTS).note).to.match(/without an EIA utility number/);
    expect(auditRecord(record({ utilityId: "3f1c-uuid" }), shipped, AUDIT_DEFAULTS).status).to.equal("unaudited");
  });
});

describe("audit: policy", function () {
  // 10,000 kWh (renewable and non-renewable together) x 338 g/kWh (EEA, DE 2019) = 3,380,000 g
  it("recomputes the whole energy use times the factor", function () {
    expect(auditRecord(record(), shipped, AUDIT_DEFAULTS)).to.include({ status: "within", recomputedGrams: "3380000", deviationPpm: "0", action: "minted" });
  });

  it("tolerance edges: exactly at the tolerance is within, one gram beyond deviates", function () {
    const onePct = { mode: "enforce" as const, tolerancePercent: "1" };
    expect(auditRecord(record({ grams: 3_413_800n }), shipped, onePct)).to.include({ status: "within", deviationPpm: "10000" });
    expect(auditRecord(record({ grams: 3_346_200n }), shipped, onePct)).to.include({ status: "within", deviationPpm: "-10000" });
    expect(auditRecord(record({ grams: 3_413_801n }), shipped, onePct)).to.include({ status: "deviating", action: "quarantined" });
    expect(auditRecord(record({ grams: 3_346_199n }), shipped, onePct)).to.include({ status: "deviating" });
    expect(auditRecord(record({ grams: 3_380_001n }), shipped, { mode: "enforce", tolerancePercent: "0" })).to.include({ status: "deviating" });
    expect(auditRecord(record({ grams: 3_380_001n }), shipped, { mode: "enforce", tolerancePercent: "0.0001" })).to.include({ status: "within" });
  });

  it("flag mints a deviating record with a note; enforce quarantines it with the recomputation in the reason", function () {
    const wrong = record({ grams: 4_000_000n });
    const flagged = auditRecord(wrong, shipped, { mode: "flag", tolerancePercent: "1" });
    expect(flagged).to.include({ status: "deviating", action: "minted-with-note", deviationPpm: "183432" });
    const enforced = auditRecord(wrong, shipped, { mode: "enforce", tolerancePercent: "1" });
    expect(enforced.action).to.equal("quarantined");
    expect(enforced.note).to.equal(
      "emissionsAmount: declared 4000000 g, recomputed 3380000 g = 10000 kWh x 338 g/kWh (EEA co2-emission-intensity-6, country DE 2019; via country prefix DE): +183432 ppm, beyond the tolerance of 1%",
    );
  });

  it("zero energy: within only when the declared amount is zero too", function () {
    const z = { renewableWh: 0n, nonrenewableWh: 0n };
    expect(auditRecord(record({ ...z, grams: 0n }), shipped, AUDIT_DEFAULTS)).to.include({ status: "within", deviationPpm: "0" });
    expect(auditRecord(record({ ...z, grams: 1n }), shipped, AUDIT_DEFAULTS)).to.include({ status: "deviating", deviationPpm: null });
  });

  it("parses the settings: default flag at 1 %, a percent sign allowed, anything else refused naming the flag", function () {
    expect(parsePolicy(undefined, undefined)).to.deep.equal({ ok: true, value: { mode: "flag", tolerancePercent: "1" } });
    expect(parsePolicy("ENFORCE", "0.5%")).to.deep.equal({ ok: true, value: { mode: "enforce", tolerancePercent: "0.5" } });
    expect(parsePolicy("strict", undefined)).to.deep.include({ ok: false });
    expect(parsePolicy("flag", "-1")).to.deep.include({ ok: false });
  });

  it("summary counts", function () {
    const rs = [record({ uuid: "a" }), record({ uuid: "b", grams: 1n }), record({ uuid: "c", utilityId: "XX-1" })];
    expect(auditRecords(rs, shipped, { mode: "enforce", tolerancePercent: "1" }).summary).to.deep.equal({
      audited: 2, withinTolerance: 1, deviating: 1, unaudited: 1, quarantined: 1, mode: "enforce", tolerancePercent: "1",
    });
  });
});

describe("audit: the bundled sample agrees with the shipped factors", function () {
  for (const file of SAMPLE_FILES) {
    it(`every sample record with a factor audits within tolerance, exactly to the gram (${file.split("/").pop()})`, async function () {
      const { readExportFile } = await import("../../scripts/oracle/file-source");
      const read = readExportFile(file);
      if (!read.ok) throw new Error(read.error);
      const valid = validateRecords(read.value.records, read.value.where).valid;
      // Energy is floating point as on Fabric, so the recomputation has fractions of a gram; the sample states it
      // rounded to the gram, which is within 1 ppm for these bills.
      const { entries, summary } = auditRecords(valid, shipped, { mode: "enforce", tolerancePercent: "0.0001" });
      expect(summary.deviating).to.equal(0);
      // Every EU record is audited; US records are unaudited only for want of a shipped eGRID factor.
      for (const e of entries) {
        if (e.utilityId.startsWith("US-")) expect(e.note).to.match(/^unaudited: no factor for us_state (PA|CA|TX)/);
        else expect(e).to.include({ status: "within" });
        if (e.status === "within") expect(Math.abs(Number(e.deviationPpm))).to.be.at.most(1);
      }
      expect(summary.withinTolerance).to.equal(entries.filter((e) => !e.utilityId.startsWith("US-")).length);
      expect(summary.withinTolerance).to.be.greaterThan(100);
    });
  }
  it("the sample file exists", function () {
    expect(fs.existsSync(SAMPLE_FILES[0] as string)).to.equal(true);
  });
});
