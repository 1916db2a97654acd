/**
 * "The chain decides": lost blocks, a rollback under a journaled transaction, a reset chain, transactions the node
 * drops or cannot mine, and racing relayers on a node with interval mining. Each against `npx hardhat node`.
 */
import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import type { CarbonLedger } from "../../typechain-types";
import { RELAY_DEFAULTS, relay } from "../../scripts/oracle/relay";
import type { RelayOptions } from "../../scripts/oracle/relay";
import { memoryReporter } from "../../scripts/oracle/reporter";
import { generateRecords, makeParties, partiesFile, sampleAddress } from "../../scripts/oracle/sample";
import type { ExpectedTotal, Run } from "./helpers/oracle";
import { expectedMonthlyTotals, idOfTotal, runOracle, summaryOf } from "./helpers/oracle";
import type { Node } from "./helpers/node";
import { deployLedger, devWallet, startNode } from "./helpers/node";

const SALT = "salt of the chain fault tests";
/** A base fee far above what the oracle's first transaction offers (100 gwei). */
const SPIKE = "0x" + (100_000_000_000n).toString(16);

describe("oracle: the chain decides @slow", function () {
  this.timeout(300_000);
  let node: Node;
  let tmp: string;
  let exportFile: string;
  let parties: string;
  let expected: ExpectedTotal[];

  before(async function () {
    node = await startNode();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-chain-"));
    const ps = makeParties(4, "chain-org");
    const records = generateRecords({ seed: 11, parties: ps, startYear: 2024, startMonth: 1, months: 10, metersPerParty: 3, numbers: false });
    exportFile = path.join(tmp, "export.json");
    fs.writeFileSync(exportFile, JSON.stringify(records));
    parties = path.join(tmp, "parties.json");
    fs.writeFileSync(parties, JSON.stringify(partiesFile(ps)));
    expected = expectedMonthlyTotals(records, SALT, ps.map((p) => p.partyId));
  });
  after(async function () {
    await node?.stop();
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(async function () {
    // Back to automine for the next test, whatever this one left.
    await node.provider.send("evm_setIntervalMining", [0]);
    await node.provider.send("evm_setAutomine", [true]);
  });

  /** Every expected total exists once with its amount and issuee, and nothing else was issued. */
  async function expectEachMintedOnce(ledger: CarbonLedger): Promise<void> {
    for (const t of expected) {
      expect(await ledger.issuedOf(idOfTotal(t)), `total ${t.evidenceHash}`).to.equal(t.grams);
      expect(await ledger.balanceOf(sampleAddress(t.partyId), idOfTotal(t))).to.equal(t.grams);
    }
    expect(await ledger.queryFilter(ledger.filters.Issued()), "no other issuance").to.have.length(expected.length);
  }

  const options = (o: { ledger: string; key: number; name: string; rpcUrl?: string }): RelayOptions & { reporter: ReturnType<typeof memoryReporter> } => ({
    ...RELAY_DEFAULTS,
    source: { kind: "file" as const, file: exportFile },
    partiesFile: parties,
    salt: SALT,
    rpcUrl: o.rpcUrl ?? node.url,
    network: "localhost",
    ledger: o.ledger,
    privateKey: devWallet(o.key).privateKey,
    attesterKeys: [],
    dryRun: false,
    writeBack: false,
    journalFile: path.join(tmp, `${o.name}.jsonl`),
    quarantineFile: path.join(tmp, `${o.name}-q.jsonl`),
    batchSize: 5,
    pollMs: 50,
    reporter: memoryReporter(),
  });

  const args = (ledger: string, journal: string, url = node.url, extra: string[] = []) => [
    "--file", exportFile, "--parties", parties, "--rpc-url", url, "--ledger", ledger, "--journal", path.join(tmp, journal),
    "--quarantine", path.join(tmp, `q-${journal}`), "--batch-size", "5", "--poll", "50", ...extra,
  ];
  const env = (index: number, extra: Record<string, string> = {}) => ({ ORACLE_PRIVATE_KEY: devWallet(index).privateKey, ORACLE_PARTY_SALT: SALT, ...extra });
  const events = (r: Run | { lines: string[] }, event: string) =>
    ("lines" in r ? r.lines : r.stdout.split("\n")).filter((l) => l.includes(`"event":"${event}"`));

  describe("when blocks are lost", function () {
    it("mints again every total the lost blocks took away, although the journal saw them minted", async function () {
      const ledger = await deployLedger(node.provider, [devWallet(1).address]);
      const address = await ledger.getAddress();
      const before = (await node.provider.send("evm_snapshot", [])) as string;
      const first = await runOracle(args(address, "lost.jsonl"), env(1));
      expect(first.code, first.stderr).to.equal(0);
      expect(summaryOf(first).minted).to.equal(expected.length);
      // The node loses every block since (a crash, a reorg deeper than --confirmations).
      expect(await node.provider.send("evm_revert", [before])).to.equal(true);
      expect(await ledger.exists(idOfTotal(expected[0] as ExpectedTotal))).to.equal(false);
      const again = await runOracle(args(address, "lost.jsonl"), env(1));
      expect(again.code, again.stderr).to.equal(0);
      expect(summaryOf(again)).to.include({ minted: expected.length, skippedAlreadyMinted: 0 });
      await expectEachMintedOnce(ledger);
    });

    it("mints exactly the totals of the lost blocks when only the last ones are lost", async function () {
      const ledger = await deployLedger(node.provider, [devWallet(1).address]);
      const address = await ledger.getAddress();
      const o = options({ ledger: address, key: 1, name: "partial" });
      let snapshot: string | undefined;
      const running = relay(o);
      while (events(o.reporter, "minted").length < 3) await new Promise((r) => setTimeout(r, 10));
      snapshot = (await node.provider.send("evm_snapshot", [])) as string;
      const first = await running;
      expect(first.minted).to.equal(expected.length);
      const kept = (await Promise.all(expected.map((t) => ledger.exists(idOfTotal(t))))).filter((x) => x).length;
      await node.provider.send("evm_revert", [snapshot]);
      const lost = expected.length - (await Promise.all(expected.map((t) => ledger.exists(idOfTotal(t))))).filter((x) => x).length;
      expect(kept).to.equal(expected.length);
      expect(lost).to.be.greaterThan(0);
      const again = await relay({ ...o, reporter: memoryReporter() });
      expect(again).to.include({ minted: lost, skippedAlreadyMinted: expected.length - lost });
      await expectEachMintedOnce(ledger);
    });

    it("after a rollback, a restart with the journaled transaction gone from the node forgets it and mints what is missing", async function () {
      const ledger = await deployLedger(node.provider, [devWallet(1).address]);
      const address = await ledger.getAddress();
      const before = (await node.provider.send("evm_snapshot", [])) as string;
      // Killed with its third transaction broadcast but not awaited...
      const killed = await runOracle(args(address, "rollback.jsonl"), env(1, { ORACLE_CRASH_POINT: "broadcast:3" }));
      expect(killed.signal, killed.stderr).to.equal("SIGKILL");
      // ...then the node rolls back everything since.
      await node.provider.send("evm_revert", [before]);
      const again = await runOracle(args(address, "rollback.jsonl"), env(1));
      expect(again.code, again.stderr).to.equal(0);
      expect(events(again, "recovered").some((l) => l.includes('"minted":false'))).to.equal(true);
      expect(summaryOf(again)).to.include({ minted: expected.length, skippedAlreadyMinted: 0 });
      await expectEachMintedOnce(ledger);
    });

    it("after a rollback, a restart whose journaled transaction the node holds but cannot mine (nonce gap) abandons it, bounded", async function () {
      const ledger = await deployLedger(node.provider, [devWallet(3).address]);
      const address = await ledger.getAddress();
      const sender = devWallet(3, node.provider);
      await node.provider.send("evm_setAutomine", [false]);
      await node.provider.send("evm_setIntervalMining", [200]);
      // A transaction of ours the node keeps but can never mine: its nonce is 5 ahead of the chain (the blocks with
      // the nonces before it were rolled back).
      const next = await node.provider.getTransactionCount(sender.address, "latest");
      const fees = await node.provider.getFeeData();
      const stuck = await sender.signTransaction({
        to: sender.address, value: 0, nonce: next + 5, chainId: 31337, gasLimit: 21_000, type: 2,
        maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      const stuckHash = (await node.provider.send("eth_sendRawTransaction", [stuck])) as string;
      const o = options({ ledger: address, key: 3, name: "gap" });
      const genesis = (await node.provider.getBlock(0))?.hash;
      fs.writeFileSync(o.journalFile as string, [
        { k: "chain", chainId: "31337", genesis, ledger: address },
        { k: "sent", tx: stuckHash, nonce: next + 5, hashes: expected.slice(0, 5).map((t) => t.evidenceHash) },
      ].map((l) => JSON.stringify(l)).join("\n") + "\n");
      const started = Date.now();
      const summary = await relay({ ...o, replaceAfterMs: 1_000 });
      expect(Date.now() - started).to.be.lessThan(120_000);
      const abandoned = events(o.reporter, "abandoned");
      expect(abandoned, o.reporter.lines.join("\n")).to.have.length(1);
      expect(abandoned[0]).to.contain(stuckHash).and.contain(`"nonce":${next + 5}`);
      expect(events(o.reporter, "recovered")[0]).to.contain('"minted":false');
      // The oracle's own transactions later take that nonce (or the stale one is mined first): exactly once either way.
      expect(summary).to.include({ minted: expected.length, skippedAlreadyMinted: 0, conflicts: 0 });
      await expectEachMintedOnce(ledger);
    });
  });

  describe("when the chain is reset", function () {
    it("mints everything again on a reset chain and a restarted node with the ledger redeployed at the same address, and reports the journal reset", async function () {
      const own = await startNode();
      try {
        const first = await deployLedger(own.provider, [devWallet(1).address]);
        const address = await first.getAddress();
        const run1 = await runOracle(args(address, "reset.jsonl", own.url), env(1));
        expect(run1.code, run1.stderr).to.equal(0);
        expect(summaryOf(run1).minted).to.equal(expected.length);

        // hardhat_reset: the same genesis, an empty chain; the same deployer nonce gives the same address.
        await own.provider.send("hardhat_reset", []);
        // A new provider: the old one's block polling ignores block numbers below those it has seen.
        const after = new JsonRpcProvider(own.url, 31337, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
        const second = await deployLedger(after, [devWallet(1).address]).finally(() => after.destroy());
        expect(await second.getAddress()).to.equal(address);
        const run2 = await runOracle(args(address, "reset.jsonl", own.url), env(1));
        expect(run2.code, run2.stderr).to.equal(0);
        expect(summaryOf(run2)).to.include({ minted: expected.length, skippedAlreadyMinted: 0 });
      } finally {
        await own.stop();
      }
      // A restarted node: another genesis block.
      const fresh = await startNode();
      try {
        const third = await deployLedger(fresh.provider, [devWallet(1).address]);
        const address = await third.getAddress();
        const run3 = await runOracle(args(address, "reset.jsonl", fresh.url), env(1));
        expect(run3.code, run3.stderr).to.equal(0);
        const summary = summaryOf(run3);
        expect(summary).to.include({ minted: expected.length, skippedAlreadyMinted: 0, journalReset: "chain genesis changed" });
        expect(events(run3, "journal-reset")).to.have.length(1);
        expect(fs.readdirSync(tmp).some((f) => f.startsWith("reset.jsonl.reset-"))).to.equal(true);
        for (const t of expected) expect(await third.issuedOf(idOfTotal(t))).to.equal(t.grams);
      } finally {
        await fresh.stop();
      }
    });
  });

  describe("when the node drops a transaction or cannot mine it", function () {
    /** A JSON-RPC proxy that runs `onFirstSend` on the node before forwarding the first eth_sendRawTransaction. */
    async function proxy(onFirstSend: (raw: string, forward: () => Promise<string>) => Promise<string>): Promise<{ url: string; close: () => Promise<void> }> {
      let first = true;
      const forward = async (body: string) => {
        const upstream = await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body });
        return upstream.text();
      };
      const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (b: Buffer) => (body += b.toString()));
        req.on("end", () => {
          void (async () => {
            const call = JSON.parse(body) as { method?: string; params?: unknown[] };
            let out: string;
            if (call.method === "eth_sendRawTransaction" && first) {
              first = false;
              out = await onFirstSend(String(call.params?.[0]), () => forward(body));
            } else out = await forward(body);
            res.writeHead(200, { "content-type": "application/json" });
            res.end(out);
          })();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
      const port = (server.address() as net.AddressInfo).port;
      return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    }

    it("rebroadcasts a transaction the node dropped from its pool", async function () {
      const ledger = await deployLedger(node.provider, [devWallet(4).address]);
      await node.provider.send("evm_setAutomine", [false]);
      await node.provider.send("evm_setIntervalMining", [300]);
      let dropped = "";
      const p = await proxy(async (_raw, forward) => {
        const reply = await forward();
        dropped = (JSON.parse(reply) as { result: string }).result;
        await node.provider.send("hardhat_dropTransaction", [dropped]);
        return reply;
      });
      try {
        const o = options({ ledger: await ledger.getAddress(), key: 4, name: "dropped", rpcUrl: p.url });
        const summary = await relay(o);
        expect(dropped).to.match(/^0x[0-9a-f]{64}$/);
        expect(summary).to.include({ minted: expected.length, skippedAlreadyMinted: 0 });
        expect(await node.provider.getTransactionReceipt(dropped)).to.not.equal(null);
      } finally {
        await p.close();
      }
      await expectEachMintedOnce(ledger);
    });

    it("replaces a transaction the node cannot mine (a base fee spike) with the same nonce and fees bumped", async function () {
      const ledger = await deployLedger(node.provider, [devWallet(5).address]);
      await node.provider.send("evm_setAutomine", [false]);
      await node.provider.send("evm_setIntervalMining", [300]);
      const p = await proxy(async (_raw, forward) => {
        // The base fee jumps to 100 gwei: the transaction's fee cap is far below it for dozens of blocks.
        await node.provider.send("hardhat_setNextBlockBaseFeePerGas", [SPIKE]);
        return forward();
      });
      try {
        const o = options({ ledger: await ledger.getAddress(), key: 5, name: "spike", rpcUrl: p.url });
        const summary = await relay({ ...o, replaceAfterMs: 1_500 });
        expect(summary).to.include({ minted: expected.length, skippedAlreadyMinted: 0 });
        const replaced = events(o.reporter, "replaced");
        expect(replaced.length, o.reporter.lines.join("\n")).to.be.greaterThan(0);
        const r = JSON.parse(replaced[0] as string) as { tx: string; by: string; nonce: number };
        const mined = await node.provider.getTransaction(r.by);
        expect(mined?.nonce).to.equal(r.nonce);
        const original = await node.provider.getTransaction(r.tx);
        // The original never made it: its replacement (same nonce) took its place.
        expect(original === null || original.blockNumber === null).to.equal(true);
        const journal = fs.readFileSync(o.journalFile as string, "utf8");
        expect(journal).to.contain(`"tx":"${r.by}","nonce":${r.nonce}`);
      } finally {
        await p.close();
      }
      await expectEachMintedOnce(ledger);
    });

    it("abandons a transaction still not mined after its last replacement with an error naming it and its nonce", async function () {
      const ledger = await deployLedger(node.provider, [devWallet(6).address]);
      await node.provider.send("evm_setAutomine", [false]);
      await node.provider.send("evm_setIntervalMining", [300]);
      const p = await proxy(async (_raw, forward) => {
        await node.provider.send("hardhat_setNextBlockBaseFeePerGas", [SPIKE]);
        return forward();
      });
      try {
        const o = options({ ledger: await ledger.getAddress(), key: 6, name: "abandon", rpcUrl: p.url });
        const started = Date.now();
        let error: unknown;
        await relay({ ...o, replaceAfterMs: 1_000, maxReplacements: 0 }).catch((e: unknown) => (error = e));
        expect(Date.now() - started).to.be.lessThan(60_000);
        expect(String(error)).to.match(/transaction 0x[0-9a-f]{64} \(nonce \d+\) is not mined .* after 0 fee bump\(s\): giving up/);
      } finally {
        await p.close();
      }
    });
  });

  describe("when two relayers race on a node with interval mining (1 s blocks, no automine)", function () {
    for (const [name, keys] of [["different keys", [1, 2]], ["the same key", [1, 1]]] as const) {
      it(`both exit 0 with ${name}, report the rival's totals as minted by someone else, and the ledger is exact`, async function () {
        const ledger = await deployLedger(node.provider, [devWallet(1).address, devWallet(2).address]);
        const address = await ledger.getAddress();
        await node.provider.send("evm_setAutomine", [false]);
        await node.provider.send("evm_setIntervalMining", [1_000]);
        const tag = name.replace(/ /g, "-");
        const [a, b] = await Promise.all([
          runOracle(args(address, `race-${tag}-a.jsonl`), env(keys[0])),
          runOracle(args(address, `race-${tag}-b.jsonl`), env(keys[1])),
        ]);
        expect(a.code, a.stderr + a.stdout.slice(-1500)).to.equal(0);
        expect(b.code, b.stderr + b.stdout.slice(-1500)).to.equal(0);
        const [sa, sb] = [summaryOf(a), summaryOf(b)];
        for (const s of [sa, sb]) {
          expect(Number(s.minted) + Number(s.skippedAlreadyMinted)).to.equal(expected.length);
          expect(Number(s.mintedByOthers)).to.be.at.most(Number(s.skippedAlreadyMinted));
          expect(s.conflicts).to.equal(0);
        }
        if (keys[0] !== keys[1]) expect(Number(sa.minted) + Number(sb.minted)).to.equal(expected.length);
        await expectEachMintedOnce(ledger);
      });
    }
  });
});
