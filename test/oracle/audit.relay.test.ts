import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { RelayOptions } from "../../scripts/oracle/relay";
import { RELAY_DEFAULTS, relay } from "../../scripts/oracle/relay";
import { memoryReporter } from "../../scripts/oracle/reporter";
import { partiesFile } from "../../scripts/oracle/sample";
import { deployLedger, devWallet } from "./helpers/node";
import { localNode } from "./helpers/setup";
import { goodRecord } from "./helpers/records";

const SALT = "audit-test-salt-0123456789abcdef";

describe("oracle audit in the relay @slow", function () {
  this.timeout(180_000);
  const local = localNode("oracle-audit-");
  const auditor = devWallet(1);

  // Two DE bills of March 2023: 10,000 kWh each x 338 g/kWh (EEA co2-emission-intensity-6, DE 2019) = 3,380 kg.
  // The second declares 4,000 kg: 18.3 % above the recomputation.
  const records = [
    goodRecord({ uuid: "de-right", utilityId: "DE-EON", emissionsAmount: "3380.000", renewableEnergyUseAmount: 2000, nonrenewableEnergyUseAmount: 8000 }),
    goodRecord({ uuid: "de-wrong", utilityId: "DE-EON", emissionsAmount: "4000.000", renewableEnergyUseAmount: 2000, nonrenewableEnergyUseAmount: 8000, md5: "c".repeat(32) }),
  ];

  async function run(audit: RelayOptions["audit"]) {
    const ledger = await deployLedger(local.node.provider, [auditor.address]);
    const dir = fs.mkdtempSync(path.join(local.tmp, "run-"));
    const file = path.join(dir, "records.json");
    fs.writeFileSync(file, JSON.stringify(records));
    const parties = path.join(dir, "parties.json");
    fs.writeFileSync(parties, JSON.stringify(partiesFile([{ partyId: "acme-manufacturing", utilities: [] }])));
    const reporter = memoryReporter([auditor.privateKey]);
    const summary = await relay({
      ...RELAY_DEFAULTS, source: { kind: "file", file }, partiesFile: parties, salt: SALT, rpcUrl: local.node.url, network: "localhost",
      ledger: await ledger.getAddress(), privateKey: auditor.privateKey, attesterKeys: [], dryRun: false, writeBack: false,
      journalFile: path.join(dir, "journal.jsonl"), quarantineFile: path.join(dir, "quarantine.jsonl"), pollMs: 50, reporter, audit,
    });
    const lines = (f: string) => fs.readFileSync(f, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
    return { summary, quarantine: lines(path.join(dir, "quarantine.jsonl")), audit: lines(path.join(dir, "audit.jsonl")), reporter };
  }

  it("enforce: the deviating record is quarantined with the recomputation in the reason; the right one is minted", async function () {
    const { summary, quarantine, audit } = await run({ mode: "enforce", tolerancePercent: "1" });
    expect(summary).to.include({ recordsRead: 2, validRecords: 1, quarantined: 1, minted: 1, totalGrams: "3380000" });
    expect(summary.audit).to.include({ audited: 2, withinTolerance: 1, deviating: 1, unaudited: 0, quarantined: 1, mode: "enforce" });
    expect(quarantine).to.have.length(1);
    expect(quarantine[0]).to.deep.include({ at: "uuid de-wrong" });
    expect((quarantine[0]?.["record"] as { uuid: string }).uuid).to.equal("de-wrong");
    expect((quarantine[0]?.["reasons"] as string[])[0]).to.equal(
      "emissionsAmount: declared 4000000 g, recomputed 3380000 g = 10000 kWh x 338 g/kWh (EEA co2-emission-intensity-6, country DE 2019; via country prefix DE): +183432 ppm, beyond the tolerance of 1%",
    );
    expect(audit.map((e) => [e["uuid"], e["status"], e["action"]])).to.deep.equal([["de-right", "within", "minted"], ["de-wrong", "deviating", "quarantined"]]);
  });

  it("flag: the deviating record is minted, with a note in the audit file and the log", async function () {
    const { summary, quarantine, audit, reporter } = await run({ mode: "flag", tolerancePercent: "1" });
    expect(summary).to.include({ validRecords: 2, quarantined: 0, minted: 1, totalGrams: "7380000" });
    expect(summary.audit).to.include({ deviating: 1, quarantined: 0, mode: "flag" });
    expect(quarantine).to.deep.equal([]);
    const wrong = audit.find((e) => e["uuid"] === "de-wrong");
    expect(wrong).to.include({ status: "deviating", action: "minted-with-note", recomputedGrams: "3380000", deviationPpm: "183432" });
    expect(String(wrong?.["note"])).to.match(/^emissionsAmount: declared 4000000 g, recomputed 3380000 g/);
    expect(reporter.lines.some((l) => l.includes("audit-deviation") && l.includes("de-wrong") && l.includes("minted-with-note"))).to.equal(true);
  });
});
