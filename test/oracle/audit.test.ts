import fs from "node:fs";
import { expect } from "chai";
import { AUDIT_DEFAULTS, auditRecord, auditRecords, factorFor, loadFactors, parsePolicy, regionOf } from "../../scripts/oracle/audit";
import type { ValidRecord } from "../../scripts/oracle/records";
import { validateRecords } from "../../scripts/oracle/records";
import { SAMPLE_FILES } from "../../scripts/oracle/relay";

const shipped = loadFactors();

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

  it("US: utility -> state through EIA-861, then the state's eGRID rate (STC2ERTA lb/MWh x 0.45359237 g/kWh)", function () {
    expect(regionOf("US-EIA-14940-PECO", 2023, shipped)).to.include({ ok: true, kind: "us_state", region: "PA" });
    expect(regionOf("USA_EIA_44372", 2023, shipped)).to.include({ ok: true, kind: "us_state", region: "TX" });
    // eGRID2022 ST22 PA: 714.229 lb/MWh = 323.96882483273 g/kWh; 10,000 kWh -> 3,239,688.2483273 g
    expect(factorFor(shipped, "us_state", "PA", 2023)).to.include({ year: 2022, gPerKwh: "323.96882483273", source: "EPA eGRID", edition: "eGRID2022" });
    const e = auditRecord(record({ utilityId: "US-EIA-14940", grams: 3_239_688n }), shipped, { mode: "enforce", tolerancePercent: "0.0001" });
    expect(e).to.include({ status: "within", recomputedGrams: "3239688", deviationPpm: "0", action: "minted" });
    expect(e.region).to.include({ kind: "us_state", region: "PA" });
    expect(e.region?.via).to.match(/^EIA-861 20(19|20) utility 14940 \(PECO Energy Co\)$/);
    expect(e.factor).to.include({ year: 2022, gPerKwh: "323.96882483273", edition: "eGRID2022" });
    // a bill declared with the EEA-like figure of another region deviates
    expect(auditRecord(record({ utilityId: "US-EIA-14940", grams: 3_380_000n }), shipped, AUDIT_DEFAULTS)).to.include({ status: "deviating", deviationPpm: "43310" });
  });

  it("US: an operator's mapping to an eGRID subregion takes the subregion's rate (SRC2ERTA)", function () {
    const overrides = new Map(shipped.overrides);
    overrides.set("US-EIA-14940", { kind: "egrid_subregion", region: "RFCE" });
    const viaSubregion = { ...shipped, overrides };
    // eGRID2022 SRL22 RFCE: 660.311 lb/MWh = 299.51203142707 g/kWh
    const e = auditRecord(record({ utilityId: "US-EIA-14940", grams: 2_995_120n }), viaSubregion, AUDIT_DEFAULTS);
    expect(e).to.include({ status: "within", recomputedGrams: "2995120" });
    expect(e.region).to.include({ kind: "egrid_subregion", region: "RFCE" });
    expect(e.factor).to.include({ gPerKwh: "299.51203142707", edition: "eGRID2022" });
  });

  it("a region without a factor, or a utility naming no region, is unaudited (never deviating)", function () {
    // eGRID2022 is the only shipped edition: a 2018 bill has no US factor in 2013-2018
    const early = { fromDate: t("2018-03-01T00:00:00Z"), thruDate: t("2018-03-31T23:59:59Z") };
    const noFactor = auditRecord(record({ utilityId: "US-EIA-14940", ...early }), shipped, { mode: "enforce", tolerancePercent: "0" });
    expect(noFactor).to.include({ status: "unaudited", action: "minted" });
    expect(noFactor.note).to.match(/no factor for us_state PA in 2013-2018/);
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
      // Every record is audited: EU ones against the EEA country figure, US ones against eGRID2022 state rates.
      for (const e of entries) {
        expect(e).to.include({ status: "within" });
        expect(Math.abs(Number(e.deviationPpm))).to.be.at.most(1);
        if (e.utilityId.startsWith("US-")) expect(e.factor).to.include({ edition: "eGRID2022" });
      }
      expect(summary).to.include({ unaudited: 0, withinTolerance: entries.length });
      expect(entries.filter((e) => e.utilityId.startsWith("US-")).length).to.be.greaterThan(100);
    });
  }
  it("the sample file exists", function () {
    expect(fs.existsSync(SAMPLE_FILES[0] as string)).to.equal(true);
  });
});
