import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import type { CarbonLedger } from "../../typechain-types";
import type { RelayOptions, RelaySummary } from "../../scripts/oracle/relay";
import { DEMO_SALT, RELAY_DEFAULTS, SAMPLE_FILES, SAMPLE_PARTIES, relay } from "../../scripts/oracle/relay";
import { memoryReporter } from "../../scripts/oracle/reporter";
import { FABRIC_DEFAULTS, FabricSource } from "../../scripts/oracle/fabric-source";
import { fabricPartyId } from "../../scripts/oracle/parties";
import { asQueryDump, asRestExport, partiesFile, sampleAddress } from "../../scripts/oracle/sample";
import type { SampleRecord } from "../../scripts/oracle/sample";
import { PARTIES as CHAINCODE_PARTIES, chaincodeRecords } from "./helpers/chaincode-records";
import { makePki, startFabric } from "./helpers/fabric-server";
import { goodRecord } from "./helpers/records";
import { expectedMonthlyTotals, idOfTotal, runOracle, summaryOf } from "./helpers/oracle";
import { deployLedger, devWallet } from "./helpers/node";
import { localNode } from "./helpers/setup";

const SAMPLE_JSON = SAMPLE_FILES[0] as string;
const SAMPLE_CSV = SAMPLE_FILES[1] as string;
/** The sample is a dump of the chaincode's query: [{ Key, Record }]. */
const sample = (JSON.parse(fs.readFileSync(SAMPLE_JSON, "utf8")) as { Record: Record<string, unknown> }[]).map((d) => d.Record);

describe("oracle end to end @slow", function () {
  this.timeout(180_000);
  const local = localNode("oracle-e2e-");
  const auditor = devWallet(1);

  /** The fixture of this area: a fresh ledger with an emissions auditor, and relay options against it. */
  async function deployed(): Promise<{ ledger: CarbonLedger; options: (over?: Partial<RelayOptions>) => RelayOptions; reporter: ReturnType<typeof memoryReporter> }> {
    const ledger = await deployLedger(local.node.provider, [auditor.address]);
    const address = await ledger.getAddress();
    const reporter = memoryReporter([auditor.privateKey]);
    const run = fs.mkdtempSync(path.join(local.tmp, "run-"));
    const options = (over: Partial<RelayOptions> = {}): RelayOptions => ({
      ...RELAY_DEFAULTS,
      source: { kind: "file", file: SAMPLE_JSON },
      partiesFile: SAMPLE_PARTIES,
      salt: undefined,
      rpcUrl: local.node.url,
      network: "localhost",
      ledger: address,
      privateKey: auditor.privateKey,
      attesterKeys: [],
      dryRun: false,
      writeBack: false,
      journalFile: path.join(run, "journal.jsonl"),
      quarantineFile: path.join(run, "quarantine.jsonl"),
      pollMs: 50,
      reporter,
      ...over,
    });
    return { ledger, options, reporter };
  }

  describe("relaying the sample export", function () {
    it("mints every total once, matching an independent computation of quantity, period and evidence hash", async function () {
      const { ledger, options } = await deployed();
      const summary = await relay(options());
      const expected = expectedMonthlyTotals(sample, DEMO_SALT);
      expect(summary).to.include({ recordsRead: 288, alreadyTokenised: 0, conflicts: 0, quarantined: 0, totals: expected.length, minted: expected.length, skippedAlreadyMinted: 0 });
      expect(BigInt(summary.gasUsed)).to.be.greaterThan(0n);
      for (const t of expected) {
        const record = await ledger.recordOf(idOfTotal(t));
        expect(record.tokenType).to.equal(3n);
        expect(record.issuer).to.equal(auditor.address);
        expect(record.issuee).to.equal(sampleAddress(t.partyId));
        expect([record.fromDate, record.thruDate]).to.deep.equal([BigInt(t.fromDate), BigInt(t.thruDate)]);
        expect(await ledger.issuedOf(idOfTotal(t))).to.equal(t.grams);
        expect(await ledger.balanceOf(sampleAddress(t.partyId), idOfTotal(t))).to.equal(t.grams);
        const meta = JSON.parse(record.metadata) as { n: number; f: string };
        expect(meta.n).to.equal(t.records);
        expect(record.metadata).to.not.match(/acme|bluewater|US-|https?:/);
      }
      const issued = await ledger.queryFilter(ledger.filters.Issued());
      expect(issued).to.have.length(expected.length);
    });

    it("mints nothing on a second run without its journal: the chain says all are minted", async function () {
      const { options } = await deployed();
      const first = await relay(options());
      const again = await relay(options({ journalFile: path.join(local.tmp, `fresh-${Date.now()}.jsonl`) }));
      expect(again).to.include({ minted: 0, skippedAlreadyMinted: first.totals, transactions: 0 });
    });

    it("gives the same evidence from the CSV export as from the JSON export", async function () {
      const { options } = await deployed();
      const json = await relay(options());
      const csv = await relay(options({ source: { kind: "file", file: SAMPLE_CSV }, journalFile: path.join(local.tmp, `csv-${Date.now()}.jsonl`) }));
      expect(csv).to.include({ minted: 0, skippedAlreadyMinted: json.minted, totalGrams: json.totalGrams });
    });

    it("shows what would be minted in a dry run and sends nothing", async function () {
      const { ledger, options, reporter } = await deployed();
      const summary = await relay(options({ dryRun: true, privateKey: undefined }));
      expect(summary.minted).to.equal(0);
      expect(reporter.lines.filter((l) => l.includes('"event":"would-mint"'))).to.have.length(summary.totals);
      expect(await ledger.queryFilter(ledger.filters.Issued())).to.have.length(0);
    });
  });

  describe("integrity: one record, one token; a spent evidence hash is compared, not trusted", function () {
    it("counts the same bills once when the export is relayed by month and then by year: every year total is a conflict", async function () {
      const { ledger, options } = await deployed();
      const monthly = await relay(options());
      const before = await ledger.queryFilter(ledger.filters.Issued());
      const yearly = await relay(options({ period: "year", journalFile: path.join(local.tmp, `year-${Date.now()}.jsonl`) }));
      expect(monthly.conflicts).to.equal(0);
      expect(yearly.minted).to.equal(0);
      expect(yearly.conflicts).to.equal(yearly.totals);
      expect(yearly.conflictList[0]?.differences.join(" ")).to.match(/already counted in token 0x[0-9a-f]{64}/);
      expect(await ledger.queryFilter(ledger.filters.Issued()), "nothing minted twice").to.have.length(before.length);
    });

    it("reports a total whose evidence another auditor spent with other figures as a conflict, and journals nothing for it", async function () {
      const { ledger, options } = await deployed();
      const [first] = expectedMonthlyTotals(sample, DEMO_SALT);
      if (first === undefined) throw new Error("no totals");
      // A squatter with the auditor role issues other figures under the same evidence, for the same emitter.
      await (await ledger.connect(devWallet(1, local.node.provider)).issue({
        tokenType: 3, issuee: sampleAddress(first.partyId), amount: first.grams + 1n, fromDate: first.fromDate,
        thruDate: first.thruDate, evidenceHash: first.evidenceHash, records: [keccak256(toUtf8Bytes("squatter"))], metadata: "",
      })).wait();
      const journalFile = path.join(local.tmp, `squat-${Date.now()}.jsonl`);
      const summary = await relay(options({ journalFile }));
      expect(summary.conflicts).to.equal(1);
      expect(summary.conflictList[0]).to.include({ evidenceHash: first.evidenceHash });
      expect(summary.conflictList[0]?.differences.join(" ")).to.match(/amount on chain/);
      expect(summary.minted).to.equal(summary.totals - 1);
      expect(fs.readFileSync(journalFile, "utf8")).to.not.include(first.evidenceHash.slice(2, 18));
    });

    it("exits 4 and names the conflict on stderr from the command line", async function () {
      const { ledger } = await deployed();
      const address = await ledger.getAddress();
      const args = ["--file", SAMPLE_JSON, "--parties", SAMPLE_PARTIES, "--rpc-url", local.node.url, "--ledger", address, "--poll", "50"];
      const env = { ORACLE_PRIVATE_KEY: auditor.privateKey };
      const month = await runOracle([...args, "--journal", path.join(local.tmp, `m-${Date.now()}.jsonl`)], env);
      expect(month.code).to.equal(0);
      const year = await runOracle([...args, "--period", "year", "--journal", path.join(local.tmp, `y-${Date.now()}.jsonl`)], env);
      expect(year.code).to.equal(4);
      expect(year.stderr).to.match(/CONFLICT total 0x[0-9a-f]{64}/);
    });
  });

  describe("97 records in the chaincode's shape", function () {
    const records = chaincodeRecords();
    const rawIds = CHAINCODE_PARTIES.map((p) => p.partyId);
    const salt = "chaincode e2e salt, test only";
    const partiesPath = () => {
      const file = path.join(local.tmp, `chaincode-parties-${Date.now()}.json`);
      fs.writeFileSync(file, JSON.stringify({ parties: partiesFile(CHAINCODE_PARTIES) }));
      return file;
    };
    const expectMintedExactly = async (ledger: CarbonLedger, summary: RelaySummary) => {
      const expected = expectedMonthlyTotals(records, salt, rawIds);
      expect(summary).to.include({ recordsRead: 97, quarantined: 0, validRecords: 97, conflicts: 0, totals: expected.length, minted: expected.length });
      expect(summary.withoutDocument).to.equal(records.filter((r) => r.md5 === "").length);
      expect(summary.totalGrams).to.equal(expected.reduce((s, t) => s + t.grams, 0n).toString());
      for (const t of expected) expect(await ledger.issuedOf(idOfTotal(t)), `${t.partyId} ${t.fromDate}`).to.equal(t.grams);
    };

    for (const [name, content] of [["a query dump [{Key, Record}]", asQueryDump(records)], ["the REST export", asRestExport(records)]] as const) {
      it(`are read from ${name} with nothing quarantined and minted exactly`, async function () {
        const { ledger, options } = await deployed();
        const file = path.join(local.tmp, `chaincode-${Date.now()}.json`);
        fs.writeFileSync(file, JSON.stringify(content));
        await expectMintedExactly(ledger, await relay(options({ source: { kind: "file", file }, salt, partiesFile: partiesPath() })));
      });
    }

    it("a tokenId that does not name this ledger's token covering the record is a conflict, not a skip", async function () {
      const { ledger, options } = await deployed();
      const address = await ledger.getAddress();
      const marked = JSON.parse(JSON.stringify(records)) as Record<string, unknown>[];
      (marked[0] as Record<string, unknown>).tokenId = "0x0000000000000000000000000000000000000000:0x01";
      (marked[1] as Record<string, unknown>).tokenId = `${address}:0x01`;
      const file = path.join(local.tmp, `marked-${Date.now()}.json`);
      fs.writeFileSync(file, JSON.stringify(asQueryDump(marked as SampleRecord[])));
      const summary = await relay(options({ source: { kind: "file", file }, salt, partiesFile: partiesPath() }));
      expect(summary).to.include({ alreadyTokenised: 0, conflicts: 2, quarantined: 0 });
      expect(summary.conflictList.map((c) => c.differences[0])).to.satisfy((d: string[]) =>
        /names contract 0x0{40}, not this ledger/.test(d[0] ?? "") && /no emissions token of 0x[0-9a-fA-F]{40} on this ledger covers the record/.test(d[1] ?? ""));
    });

    it("are read through the gateway, minted exactly, written back with the raw party id; the party queries stay whole; the next run checks the token ids on chain", async function () {
      const pki = await makePki("peer0.auditor1.example");
      const state = JSON.parse(JSON.stringify(records)) as Record<string, unknown>[];
      const before = JSON.parse(JSON.stringify(records)) as Record<string, unknown>[];
      const fabric = await startFabric(pki, state);
      const pem = (name: string, text: string) => {
        const file = path.join(local.tmp, `${name}.pem`);
        fs.writeFileSync(file, text);
        return file;
      };
      try {
        const { ledger, options } = await deployed();
        const fabricOptions = {
          ...FABRIC_DEFAULTS, peerEndpoint: `127.0.0.1:${fabric.port}`, hostAlias: "peer0.auditor1.example", mspId: "auditor1",
          tlsCertPath: pem("ca", pki.ca.cert), certPath: pem("client", pki.client.cert), keyPath: pem("client-key", pki.client.key),
        };
        const source = { kind: "fabric" as const, fromDate: "2023-01-01", thruDate: "2023-12-31", fabric: fabricOptions };
        const parties = partiesPath();
        const first = await relay(options({ source, writeBack: true, salt, partiesFile: parties }));
        await expectMintedExactly(ledger, first);
        expect(first.writtenBack).to.equal(first.minted);
        const address = await ledger.getAddress();
        expect(state.every((r) => String(r.tokenId).startsWith(`${address}:0x`))).to.equal(true);
        // The chaincode's own per-party query finds every record of each party, tokenised, nothing else changed.
        const open = FabricSource.open({ ...fabricOptions, timeoutMs: 10_000 });
        if (!open.ok) throw new Error(open.error);
        try {
          for (const raw of rawIds) {
            const q = await open.value.evaluate("getAllEmissionsDataByDateRangeAndParty", "2022-01-01", "2024-12-31\uffff", raw);
            if (!q.ok) throw new Error(q.error);
            const found = (q.value as { Record: Record<string, unknown> }[]).map((x) => x.Record);
            const mine = before.filter((r) => r.partyId === fabricPartyId(raw));
            expect(found.map((r) => r.uuid).sort()).to.deep.equal(mine.map((r) => r.uuid).sort());
            for (const r of found) expect(JSON.stringify({ ...r, tokenId: null })).to.equal(JSON.stringify(mine.find((m) => m.uuid === r.uuid)));
          }
        } finally {
          open.value.close();
        }
        const again = await relay(options({ source, writeBack: true, salt, partiesFile: parties, journalFile: path.join(local.tmp, `fab-${Date.now()}.jsonl`) }));
        expect(again).to.include({ alreadyTokenised: 97, conflicts: 0, totals: 0, minted: 0, writtenBack: 0 });
      } finally {
        await fabric.stop();
      }
    });
  });

  describe("relaying attestations", function () {
    it("mints through issueAttestedBatch with the threshold of auditor signatures, sent by a relayer without the role", async function () {
      const a = devWallet(2);
      const b = devWallet(3);
      const ledger = await deployLedger(local.node.provider, [a.address, b.address]);
      await (await ledger.setAttestationThreshold(2)).wait();
      const { options } = await deployed();
      const summary = await relay(options({ ledger: await ledger.getAddress(), privateKey: devWallet(4).privateKey, attesterKeys: [a.privateKey, b.privateKey] }));
      const expected = expectedMonthlyTotals(sample, DEMO_SALT);
      expect(summary.minted).to.equal(expected.length);
      const lowest = BigInt(a.address) < BigInt(b.address) ? a.address : b.address;
      const first = expected[0];
      if (first === undefined) throw new Error("no totals");
      expect((await ledger.recordOf(idOfTotal(first))).issuer).to.equal(lowest);
      expect(await ledger.queryFilter(ledger.filters.Attested())).to.have.length(expected.length);
    });

    it("refuses fewer attesters than the threshold, naming the variable", async function () {
      const a = devWallet(2);
      const ledger = await deployLedger(local.node.provider, [a.address]);
      await (await ledger.setAttestationThreshold(2)).wait();
      const { options } = await deployed();
      await expectRejection(relay(options({ ledger: await ledger.getAddress(), attesterKeys: [a.privateKey] })), /ORACLE_ATTESTER_KEYS: 1 distinct auditors, the ledger needs 2/);
    });

    it("refuses a sender without the auditor role before sending anything", async function () {
      const { options } = await deployed();
      await expectRejection(relay(options({ privateKey: devWallet(5).privateKey })), /lacks EMISSIONS_AUDITOR_ROLE/);
    });
  });

  describe("the command", function () {
    const env = (over: Record<string, string> = {}) => ({ ORACLE_PRIVATE_KEY: auditor.privateKey, ...over });

    it("exits 0, prints a summary and never the key", async function () {
      const { options } = await deployed();
      const o = options();
      const run = await runOracle(["--rpc-url", local.node.url, "--ledger", o.ledger as string, "--journal", o.journalFile as string, "--quarantine", o.quarantineFile], env());
      expect(run.code, run.stderr).to.equal(0);
      expect(summaryOf(run)).to.include({ minted: 72 });
      const everything = run.stdout + run.stderr + fs.readFileSync(o.journalFile as string, "utf8");
      expect(everything).to.not.contain(auditor.privateKey.slice(2));
    });

    it("exits 3 when records were quarantined, and writes each with its reasons", async function () {
      const { options } = await deployed();
      const o = options();
      const file = path.join(local.tmp, "bad.json");
      fs.writeFileSync(file, JSON.stringify([goodRecord({ uuid: "ok-1", partyId: fabricPartyId("acme-manufacturing") }), goodRecord({ uuid: "bad-1", emissionsUom: "lbs" }), goodRecord({ uuid: "bad-2", partyId: fabricPartyId("nobody") })]));
      const salt = "a secret salt for this test";
      const parties = path.join(local.tmp, "parties.json");
      fs.writeFileSync(parties, JSON.stringify({ "acme-manufacturing": sampleAddress("acme-manufacturing") }));
      const run = await runOracle(["--file", file, "--parties", parties, "--rpc-url", local.node.url, "--ledger", o.ledger as string, "--journal", o.journalFile as string, "--quarantine", o.quarantineFile], env({ ORACLE_PARTY_SALT: salt }));
      expect(run.code, run.stderr).to.equal(3);
      expect(summaryOf(run)).to.include({ quarantined: 2, minted: 1 });
      const q = fs.readFileSync(o.quarantineFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { reasons: string[] });
      expect(q.map((e) => e.reasons[0]?.split(" ")[0])).to.have.members(["emissionsUom", "partyId"]);
      expect(run.stdout + run.stderr).to.not.contain(salt);
    });

    it("exits 2 for a bad flag, naming it", async function () {
      const run = await runOracle(["--batch-size", "zero"], env());
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("--batch-size");
      const period = await runOracle(["--period", "week"], env());
      expect(period.code).to.equal(2);
      expect(period.stderr).to.contain("--period");
    });

    it("exits 2 without ORACLE_PARTY_SALT for anything but the bundled sample", async function () {
      const file = path.join(local.tmp, "copy.json");
      fs.copyFileSync(SAMPLE_JSON, file);
      const run = await runOracle(["--file", file, "--rpc-url", local.node.url], env());
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("ORACLE_PARTY_SALT is not set");
    });

    it("exits 2 for a malformed key without echoing it", async function () {
      const { options } = await deployed();
      const bad = "0x" + "zz".repeat(32);
      const run = await runOracle(["--rpc-url", local.node.url, "--ledger", options().ledger as string], env({ ORACLE_PRIVATE_KEY: bad }));
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("ORACLE_PRIVATE_KEY: not a 32-byte hex private key");
      expect(run.stdout + run.stderr).to.not.contain("zzzzzzzz");
    });
  });
});

async function expectRejection(p: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e instanceof Error ? e.message : String(e)).to.match(message);
    return;
  }
  expect.fail(`expected a rejection matching ${message}`);
}
