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
    expect(lines[header + 2]).to.match(/^ACME Manufacturing\s+120 t CO2e\s+125 t CO2e\s+250 MWh\s+-5 t CO2e\s+net zero: approved$/);
    expect(lines[header + 3]).to.match(/^Globex\s+45\.5 t CO2e\s+30 t CO2e\s+0 Wh\s+15\.5 t CO2e\s+no claim$/);
    for (const title of ["Appoint Example Audit LLP", "Issue 200 t CO2e of carbon offsets to reforestation project RF-12", "Approve climate claim #1"]) {
      expect(r.stdout).to.match(new RegExp(`proposal "${title}[^"]*": Executed`));
    }
  });
});
