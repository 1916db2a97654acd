import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import {
  DEFAULT_SOURCE_DIR, DEFAULT_SOURCE_DIRS, FACTORS_DIR, FACTORS_FILE, G_PER_KWH_PER_LB_PER_MWH, PUBLISHED_DIR, UTILITIES_FILE, canonicalDecimal, csvSheet, deriveFactors, eeaRows,
  egridRows, eiaRows, multiplyDecimals, rateAgrees,
} from "../../scripts/data/derive-factors";
import { writeXlsx } from "./helpers/xlsx";

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
        ["Data Year", "State abbreviation", "State annual net generation (MWh)", "State annual CO2 equivalent emissions (tons)", "State annual CO2 equivalent total output emission rate (lb/MWh)"],
        ["YEAR", "PSTATABB", "STNGENAN", "STCO2EQA", "STC2ERTA"],
        // a made-up state and figures (1000.5 lb/MWh = 500.25 t x 2000 / 1000 MWh): the test checks the arithmetic
        ["2022", "ZZ", "1000", "500.25", "1000.5"],
        ["2022", "ZY", "0", "0", "--"], // no generation, no rate: skipped
      ],
    };
    const [row, ...rest] = egridRows([sheet], "egrid2022_data.xlsx");
    expect(rest).to.deep.equal([]);
    expect(row).to.deep.equal({
      region_kind: "us_state", region: "ZZ", year: "2022", g_co2e_per_kwh: "453.819166185", source: "EPA eGRID", edition: "eGRID2022",
      table: "ST22:STC2ERTA", original_value: "1000.5", original_unit: "lb/MWh",
    });
    expect(multiplyDecimals("1000", G_PER_KWH_PER_LB_PER_MWH)).to.equal("453.59237"); // grams per pound
  });

  it("derives egrid_subregion rows from the subregion sheet SRL<yy> (SRC2ERTA), read from a CSV export of the sheet", function () {
    const csv = "YEAR,SUBRGN,SRNAME,SRNGENAN,SRCO2EQA,SRC2ERTA\r\n2022,ZZZZ,Made-up,2000,750,750\r\n";
    const rows = egridRows([csvSheet(csv, "SRL22")], "egrid2022_SRL22.csv");
    expect(rows.map((r) => [r.region_kind, r.region, r.g_co2e_per_kwh, r.table])).to.deep.equal([["egrid_subregion", "ZZZZ", "340.1942775", "SRL22:SRC2ERTA"]]);
  });

  it("refuses a rate that disagrees with its row's CO2e tons and generation (a transcription error), naming the row", function () {
    // 0.001 lb/MWh is the published precision: 1000.5 agrees with 500.2505 t / 1000 MWh, 1000.502 does not
    expect(rateAgrees("1000.5", "500.2505", "1000")).to.equal(true);
    expect(rateAgrees("1000.502", "500.25", "1000")).to.equal(false);
    expect(rateAgrees("1000.498", "500.25", "1000")).to.equal(false);
    const bad = csvSheet("YEAR,PSTATABB,STNGENAN,STCO2EQA,STC2ERTA\n2022,ZZ,1000,500.25,1050.5\n", "ST22");
    expect(() => egridRows([bad], "egrid2022_ST22.csv")).to.throw("egrid2022_ST22.csv ST22 ZZ: STC2ERTA 1050.5 lb/MWh does not agree with STCO2EQA 500.25 t x 2000 / STNGENAN 1000 MWh");
    expect(() => egridRows([csvSheet("YEAR,PSTATABB,STC2ERTA\n2022,ZZ,1\n", "ST22")], "x.csv")).to.throw(/no row of field codes with PSTATABB, STC2ERTA, STCO2EQA, STNGENAN/);
  });

  it("the shipped eGRID2022 sheets: every state (50 + DC + PR) and all 27 subregions, each rate agreeing with its totals", function () {
    const derived = deriveFactors(PUBLISHED_DIR);
    const rows = derived.factors.trim().split("\n").slice(1).map((l) => l.split(","));
    expect(derived.counts).to.include({ us_state: 52, egrid_subregion: 27 });
    // the rows the sample's utilities use, as published (eGRID2022 ST22)
    // [year, g/kWh, lb/MWh as published]
    const rate = (kind: string, region: string) => {
      const r = rows.find((c) => c[0] === kind && c[1] === region) ?? [];
      return [r[2], r[3], r[7]];
    };
    expect(rate("us_state", "PA")).to.deep.equal(["2022", "323.96882483273", "714.229"]);
    expect(rate("us_state", "CA")).to.deep.equal(["2022", "207.51170538945", "457.485"]);
    expect(rate("us_state", "TX")).to.deep.equal(["2022", "372.82843415202", "821.946"]);
    expect(rate("egrid_subregion", "RFCE")).to.deep.equal(["2022", "299.51203142707", "660.311"]);
    // and the committed table holds exactly these rows
    const committed = fs.readFileSync(path.join(FACTORS_DIR, FACTORS_FILE), "utf8").split("\n").filter((l) => /^(us_state|egrid_subregion),/.test(l));
    expect(committed).to.deep.equal(derived.factors.trim().split("\n").slice(1));
  });

  it("reads the EPA workbook beside a CSV export of its sheet, and the same figure from both must agree", function () {
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), "egrid-shared-"));
    const published = fs.mkdtempSync(path.join(os.tmpdir(), "egrid-published-"));
    const header = [["State abbreviation", "net generation", "CO2e tons", "CO2e rate"], ["YEAR", "PSTATABB", "STNGENAN", "STCO2EQA", "STC2ERTA"]];
    const workbook = (rate: string) => writeXlsx(path.join(shared, "egrid2022_data.xlsx"), [{ name: "Contents", rows: [["eGRID2022"]] }, { name: "ST22", rows: [...header, ["2022", "ZZ", "1000", "500.25", rate]] }]);
    fs.writeFileSync(path.join(published, "egrid2022_ST22.csv"), "YEAR,PSTATABB,STNGENAN,STCO2EQA,STC2ERTA\r\n2022,ZZ,1000,500.25,1000.5\r\n");
    workbook("1000.5");
    const agreed = deriveFactors([shared, published]);
    expect(agreed.counts).to.include({ us_state: 1 });
    expect(agreed.factors).to.contain("us_state,ZZ,2022,453.819166185,EPA eGRID,eGRID2022,ST22:STC2ERTA,1000.5,lb/MWh");
    workbook("1000.4996"); // agrees with its own totals, not with the copy
    expect(() => deriveFactors([shared, published])).to.throw("egrid2022_data.xlsx ST22:STC2ERTA ZZ 2022: 1000.4996 lb/MWh, but another file gives 1000.5");
    for (const dir of [shared, published]) fs.rmSync(dir, { recursive: true, force: true });
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

  it("re-deriving from the shared published files and the shipped eGRID sheets gives byte-identical committed tables", function () {
    if (!fs.existsSync(DEFAULT_SOURCE_DIR)) {
      console.log(`      (skipped: ${DEFAULT_SOURCE_DIR} not present; the EEA and EIA rows cannot be re-derived here)`);
      this.skip();
    }
    const derived = deriveFactors(DEFAULT_SOURCE_DIRS);
    expect(derived.factors).to.equal(fs.readFileSync(path.join(FACTORS_DIR, FACTORS_FILE), "utf8"));
    expect(derived.utilities).to.equal(fs.readFileSync(path.join(FACTORS_DIR, UTILITIES_FILE), "utf8"));
    // and deterministically: a second derivation gives the same bytes
    const again = deriveFactors(DEFAULT_SOURCE_DIRS);
    expect(again.factors).to.equal(derived.factors);
  });
});
