import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import {
  DEFAULT_SOURCE_DIR, FACTORS_DIR, FACTORS_FILE, UTILITIES_FILE, canonicalDecimal, deriveFactors, eeaRows, egridRows, eiaRows, multiplyDecimals,
} from "../../scripts/data/derive-factors";

describe("emission factors: derivation", function () {
  it("derives a country row from an EEA intensity CSV (both published layouts), skipping aggregates and missing values", function () {
    const five = "date:number,ugeo:text,index:number\n2019,Germany,338.0\n2019,EU-27,275.0\n2019,Turkey,None\n";
    expect(eeaRows(five, "co2-emission-intensity-from-electricity-generation-5.csv")).to.deep.equal([{
      region_kind: "country", region: "DE", year: "2019", g_co2e_per_kwh: "338", source: "EEA",
      edition: "co2-emission-intensity-from-electricity-generation-5", table: "index:number", original_value: "338", original_unit: "g CO2/kWh",
    }]);
    const six = "Date:year,Member State:text,index:number,Indicative level - high:number,Indicative level - low:number\n2018,United Kingdom,270.5,,\n2030,European Union - 27 countries (from 2020),,75.49,96.81\n";
    const rows = eeaRows(six, "co2-emission-intensity-6.csv");
    expect(rows.map((r) => [r.region, r.year, r.g_co2e_per_kwh, r.edition])).to.deep.equal([["GB", "2018", "270.5", "co2-emission-intensity-6"]]);
  });

  it("derives a us_state row from an eGRID state sheet: STC2ERTA lb/MWh x 0.45359237 = g/kWh, exactly", function () {
    const sheet = {
      name: "ST22",
      rows: [
        ["Data Year", "State abbreviation", "State annual CO2 equivalent total output emission rate (lb/MWh)"],
        ["YEAR", "PSTATABB", "STC2ERTA"],
        ["2022", "ZZ", "1000.5"], // a made-up state and figure: the test checks the arithmetic, not a published value
      ],
    };
    const [row] = egridRows([sheet], "egrid2022_data.xlsx");
    expect(row).to.deep.equal({
      region_kind: "us_state", region: "ZZ", year: "2022", g_co2e_per_kwh: "453.819166185", source: "EPA eGRID", edition: "eGRID2022",
      table: "ST22:STC2ERTA", original_value: "1000.5", original_unit: "lb/MWh",
    });
    expect(multiplyDecimals("1000", "0.45359237")).to.equal("453.59237");
  });

  it("maps EIA-861 utility numbers to states from Utility_Data sheets", function () {
    const sheet = {
      name: "States",
      rows: [
        ["Utility Characteristics"],
        ["Data Year", "Utility Number", "Utility Name", "State", "Ownership Type"],
        ["2020", "14940", "PECO Energy Co", "PA", "Investor Owned"],
        ["", "", "", "", ""],
      ],
    };
    expect(eiaRows([sheet], "Utility_Data_2020.xlsx")).to.deep.equal([{ number: "14940", state: "PA", name: "PECO Energy Co", year: "2020" }]);
  });

  it("canonicalises decimals and refuses other text", function () {
    expect([canonicalDecimal("188.0"), canonicalDecimal("007.50"), canonicalDecimal("None"), canonicalDecimal("-1")]).to.deep.equal(["188", "7.5", undefined, undefined]);
  });

  it("re-deriving from the shared published files gives byte-identical committed tables", function () {
    if (!fs.existsSync(DEFAULT_SOURCE_DIR)) {
      console.log(`      (skipped: ${DEFAULT_SOURCE_DIR} not present; the committed tables cannot be re-derived here)`);
      this.skip();
    }
    const derived = deriveFactors(DEFAULT_SOURCE_DIR);
    expect(derived.factors).to.equal(fs.readFileSync(path.join(FACTORS_DIR, FACTORS_FILE), "utf8"));
    expect(derived.utilities).to.equal(fs.readFileSync(path.join(FACTORS_DIR, UTILITIES_FILE), "utf8"));
    // and deterministically: a second derivation gives the same bytes
    const again = deriveFactors(DEFAULT_SOURCE_DIR);
    expect(again.factors).to.equal(derived.factors);
  });
});
