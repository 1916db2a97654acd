import fs from "node:fs";
import { expect } from "chai";
import { formatAmount } from "../../scripts/lib/units";
import { DEMO_SALT, SAMPLE_FILES } from "../../scripts/oracle/relay";
import { expectedMonthlyTotals } from "../oracle/helpers/oracle";
import { errorLines, run } from "./process";

/** Each company's 2023 audited emissions, computed from the sample export by the tests' independent reference. */
function emissionsByParty(): Map<string, bigint> {
  const sample = JSON.parse(fs.readFileSync(SAMPLE_FILES[0] as string, "utf8")) as unknown[];
  const out = new Map<string, bigint>();
  for (const t of expectedMonthlyTotals(sample, DEMO_SALT)) out.set(t.partyId, (out.get(t.partyId) ?? 0n) + t.grams);
  return out;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("npm run demo @slow", function () {
  this.timeout(300_000);

  it("runs the whole story, exits 0, and its table per company equals an independent computation from the sample", async function () {
    const r = await run("npm", ["run", "-s", "demo"], {});
    expect(r.code, errorLines(r).join("\n")).to.equal(0);
    const lines = r.stdout.split("\n");
    const header = lines.findIndex((l) => l.startsWith("company"));
    expect(header, r.stdout).to.be.greaterThan(0);
    expect(lines[header]).to.match(/^company\s+audited emissions\s+retired offsets\s+retired RECs\s+net position\s+claim verdict$/);
    const emissions = emissionsByParty();
    const total = [...emissions.values()].reduce((a, b) => a + b, 0n);
    expect(r.stdout).to.contain(`relayed 288 records: ${emissions.size} audited totals minted (${formatAmount(total, "mass")}), 0 quarantined`);
    // The audit recomputes every bill from the shipped factors (EU: EEA, US: eGRID2022) and finds the sample exact.
    expect(r.stdout).to.match(/^audit: 288 bills recomputed from published factors \(EEA country intensity, EPA eGRID2022 state rates\): 288 within 1%, 0 deviating, 0 unaudited$/m);
    expect(r.stdout).to.contain(`relayed again: 0 minted, ${emissions.size} already on chain (exactly once)`);
    const companies: [string, string][] = [
      ["ACME Manufacturing", "acme-manufacturing"], ["Bluewater Logistics", "bluewater-logistics"], ["Cedar Data Centers", "cedar-data-centers"],
      ["Delta Foods", "delta-foods"], ["Evergreen Retail", "evergreen-retail"], ["Fjord Chemicals", "fjord-chemicals"],
    ];
    // ACME retires its emissions rounded up to whole tonnes plus 5 t; Bluewater 200 t; the others nothing.
    const acme = emissions.get("acme-manufacturing") ?? 0n;
    const retired = new Map<string, bigint>([["acme-manufacturing", (acme / 1_000_000n + 5n) * 1_000_000n], ["bluewater-logistics", 200_000_000n]]);
    companies.forEach(([name, party], i) => {
      const e = emissions.get(party) ?? 0n;
      const o = retired.get(party) ?? 0n;
      const cells = (lines[header + 2 + i] ?? "").split(/\s{2,}/);
      expect(cells.slice(0, 5), name).to.deep.equal([name, formatAmount(e, "mass"), formatAmount(o, "mass"), cells[3], formatAmount(e - o, "mass")]);
    });
    // The verdict follows the ledger: ACME's net position is negative, so its net-zero claim is approved.
    expect(acme - (retired.get("acme-manufacturing") ?? 0n)).to.be.lessThan(0n);
    expect(lines[header + 2]).to.match(/net zero: approved$/);
    for (const title of ["Appoint Example Audit LLP", "Issue 2,500 t CO2e of carbon offsets to reforestation project RF-12", "Approve climate claim #1"]) {
      expect(r.stdout).to.match(new RegExp(`proposal "${esc(title)}[^"]*": Executed`));
    }
  });
});
