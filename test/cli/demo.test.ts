import { expect } from "chai";
import { errorLines, run } from "./process";

describe("npm run demo @slow", function () {
  this.timeout(300_000);

  it("runs the whole story on the in-process network, exits 0 and prints a table per company", async function () {
    const r = await run("npm", ["run", "-s", "demo"], {});
    expect(r.code, errorLines(r).join("\n")).to.equal(0);
    const lines = r.stdout.split("\n");
    const header = lines.findIndex((l) => l.startsWith("company"));
    expect(header, r.stdout).to.be.greaterThan(0);
    expect(lines[header]).to.match(/^company\s+audited emissions\s+retired offsets\s+retired RECs\s+net position\s+claim verdict$/);
    expect(lines[header + 2]).to.match(/^ACME Manufacturing\s+1,016\.873761 t CO2e\s+1,021 t CO2e\s+250 MWh\s+-4\.126239 t CO2e\s+net zero: approved$/);
    expect(lines[header + 3]).to.match(/^Bluewater Logistics\s+424\.52784 t CO2e\s+200 t CO2e\s+0 Wh\s+224\.52784 t CO2e\s+no claim$/);
    expect(lines.slice(header + 4, header + 8).map((l) => l.split(/\s{2,}/)[0])).to.deep.equal(["Cedar Data Centers", "Delta Foods", "Evergreen Retail", "Fjord Chemicals"]);
    expect(r.stdout).to.contain("relayed 288 records: 6 audited totals minted (6,995.870327 t CO2e), 0 quarantined");
    expect(r.stdout).to.contain("relayed again: 0 minted, 6 already on chain (exactly once)");
    for (const title of ["Appoint Example Audit LLP", "Issue 2,500 t CO2e of carbon offsets to reforestation project RF-12", "Approve climate claim #1"]) {
      expect(r.stdout).to.match(new RegExp(`proposal "${title}[^"]*": Executed`));
    }
  });
});
