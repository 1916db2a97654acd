import { expect } from "chai";
import { validateRecords } from "../../scripts/oracle/records";
import type { RelaySummary } from "../../scripts/oracle/relay";
import { humanSummary, plural, withoutPrefix } from "../../scripts/oracle/summary";
import { goodRecord } from "./helpers/records";

const summary = (over: Partial<RelaySummary> = {}): RelaySummary => ({
  recordsRead: 290, quarantined: 0, alreadyTokenised: 2, validRecords: 288, totals: 6, totalGrams: "6995870327", zeroTotals: 0,
  withoutDocument: 0, minted: 0, skippedAlreadyMinted: 6, mintedByOthers: 0, conflicts: 0, conflictList: [], transactions: 0, gasUsed: "0", writtenBack: 0, dryRun: false,
  quarantineFile: ".oracle/quarantine.jsonl", ...over,
});

describe("oracle summary", function () {
  it("gives the tonnage to the totals, not to the minted count", function () {
    const lines = humanSummary(summary());
    expect(lines.find((l) => l.startsWith("audited totals"))).to.match(/6 \(6,995\.870327 t CO2e in all\)$/);
    expect(lines.find((l) => l.startsWith("minted"))).to.match(/ 0$/);
    expect(lines.join("\n")).not.to.match(/minted\s+0 .*\(/);
  });

  it("shows skipped records and totals", function () {
    const text = humanSummary(summary()).join("\n");
    expect(text).to.match(/skipped, already tokenised\s+2/);
    expect(text).to.match(/skipped, already minted\s+6/);
  });

  it("says 1 transaction, 2 transactions", function () {
    expect(plural(1, "transaction")).to.equal("1 transaction");
    expect(plural(2, "transaction")).to.equal("2 transactions");
    expect(humanSummary(summary({ transactions: 1, gasUsed: "21000" })).join("\n")).to.include("1 transaction, 21,000 gas");
  });

  it("never prints oracle: oracle:", function () {
    expect(`oracle: ${withoutPrefix("oracle: oracle: ledger 0x12: no contract")}`).to.equal("oracle: ledger 0x12: no contract");
  });
});

describe("quarantine reasons", function () {
  it("keeps a reason containing \"; \" whole", function () {
    const { quarantined } = validateRecords([goodRecord({ emissionsUom: "t; kg" })]);
    expect(quarantined).to.have.length(1);
    expect(quarantined[0]?.reasons).to.have.length(1);
    expect(quarantined[0]?.reasons[0]).to.include('"t; kg"');
  });

  it("still lists every problem of a record", function () {
    const { quarantined } = validateRecords([goodRecord({ emissionsUom: "t; kg", energyUseUom: "furlongs" })]);
    expect(quarantined[0]?.reasons).to.have.length(2);
  });
});

describe("oracle --account", function () {
  it("gives localhost's development account #2 (the auditor)", async function () {
    const { developmentKey } = await import("../../scripts/oracle/cli");
    const { Wallet } = await import("ethers");
    expect(new Wallet(developmentKey("localhost", 2)).address).to.equal("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
  });

  it("is refused on a live network (exit 2)", async function () {
    const { developmentKey } = await import("../../scripts/oracle/cli");
    expect(() => developmentKey("gnosis", 2)).to.throw(/only on localhost/);
  });
});
