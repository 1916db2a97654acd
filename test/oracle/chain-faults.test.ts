/**
 * "The chain decides": lost blocks, a rollback under a journaled transaction, a reset chain, transactions the node
 * drops or cannot mine, and racing relayers on a node with interval mining. Each against `npx hardhat node`.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { relay } from "../../scripts/oracle/relay";
import { memoryReporter } from "../../scripts/oracle/reporter";
import type { ExpectedTotal, Run } from "./helpers/oracle";
import { idOfTotal, runOracle, summaryOf } from "./helpers/oracle";
import { deployLedger, devWallet, startNode } from "./helpers/node";
import type { OnFirstSend } from "./helpers/setup";
import { expectEachMintedOnce, nodeWithExport, oracleArgs, oracleEnv, relayOptions, rpcProxy } from "./helpers/setup";

const SALT = "salt of the chain fault tests";
/** A base fee far above what the oracle's first transaction offers (100 gwei). */
const SPIKE = "0x" + (100_000_000_000n).toString(16);

describe("oracle: the chain decides @slow", function () {
  this.timeout(300_000);
  const setup = nodeWithExport({ prefix: "oracle-chain-", salt: SALT, seed: 11, parties: 4, org: "chain-org", months: 10, metersPerParty: 3 });

  afterEach(async function () {
    // Back to automine for the next test, whatever this one left.
    await setup.node.provider.send("evm_setIntervalMining", [0]);
    await setup.node.provider.send("evm_setAutomine", [true]);
  });

  const options = (o: { ledger: string; key: number; name: string; rpcUrl?: string }) => relayOptions(setup, { ...o, batchSize: 5 });
  const args = (ledger: string, journal: string, url = setup.node.url, extra: string[] = []) =>
    oracleArgs(setup, { ledger, journal: path.join(setup.tmp, journal), rpcUrl: url, batchSize: 5, extra });
  const env = (index: number, extra: Record<string, string> = {}) => oracleEnv(setup, index, extra);
  const events = (r: Run | { lines: string[] }, event: string) =>
    ("lines" in r ? r.lines : r.stdout.split("\n")).filter((l) => l.includes(`"event":"${event}"`));

  describe("when blocks are lost", function () {
    it("mints again every total the lost blocks took away, although the journal saw them minted", async function () {
      const ledger = await deployLedger(setup.node.provider, [devWallet(1).address]);
      const address = await ledger.getAddress();
      const before = (await setup.node.provider.send("evm_snapshot", [])) as string;
      const first = await runOracle(args(address, "lost.jsonl"), env(1));
      expect(first.code, first.stderr).to.equal(0);
      expect(summaryOf(first).minted).to.equal(setup.expected.length);
      // The node loses every block since (a crash, a reorg deeper than --confirmations).
      expect(await setup.node.provider.send("evm_revert", [before])).to.equal(true);
      expect(await ledger.exists(idOfTotal(setup.expected[0] as ExpectedTotal))).to.equal(false);
      const again = await runOracle(args(address, "lost.jsonl"), env(1));
      expect(again.code, again.stderr).to.equal(0);
      expect(summaryOf(again)).to.include({ minted: setup.expected.length, skippedAlreadyMinted: 0 });
      await expectEachMintedOnce(ledger, setup.expected);
    });

    it("mints exactly the totals of the lost blocks when only the last ones are lost", async function () {
      const ledger = await deployLedger(setup.node.provider, [devWallet(1).address]);
      const address = await ledger.getAddress();
      const o = options({ ledger: address, key: 1, name: "partial" });
      let snapshot: string | undefined;
      const running = relay(o);
      while (events(o.reporter, "minted").length < 3) await new Promise((r) => setTimeout(r, 10));
      snapshot = (await setup.node.provider.send("evm_snapshot", [])) as string;
      const first = await running;
      expect(first.minted).to.equal(setup.expected.length);
      const kept = (await Promise.all(setup.expected.map((t) => ledger.exists(idOfTotal(t))))).filter((x) => x).length;
      await setup.node.provider.send("evm_revert", [snapshot]);
      const lost = setup.expected.length - (await Promise.all(setup.expected.map((t) => ledger.exists(idOfTotal(t))))).filter((x) => x).length;
      expect(kept).to.equal(setup.expected.length);
      expect(lost).to.be.greaterThan(0);
      const again = await relay({ ...o, reporter: memoryReporter() });
      expect(again).to.include({ minted: lost, skippedAlreadyMinted: setup.expected.length - lost });
      await expectEachMintedOnce(ledger, setup.expected);
    });

    it("after a rollback, a restart with the journaled transaction gone from the node forgets it and mints what is missing", async function () {
      const ledger = await deployLedger(setup.node.provider, [devWallet(1).address]);
      const address = await ledger.getAddress();
      const before = (await setup.node.provider.send("evm_snapshot", [])) as string;
      // Killed with its third transaction broadcast but not awaited...
      const killed = await runOracle(args(address, "rollback.jsonl"), env(1, { ORACLE_CRASH_POINT: "broadcast:3" }));
      expect(killed.signal, killed.stderr).to.equal("SIGKILL");
      // ...then the node rolls back everything since.
      await setup.node.provider.send("evm_revert", [before]);
      const again = await runOracle(args(address, "rollback.jsonl"), env(1));
      expect(again.code, again.stderr).to.equal(0);
      expect(events(again, "recovered").some((l) => l.includes('"minted":false'))).to.equal(true);
      expect(summaryOf(again)).to.include({ minted: setup.expected.length, skippedAlreadyMinted: 0 });
      await expectEachMintedOnce(ledger, setup.expected);
    });

    it("after a rollback, a restart whose journaled transaction the node holds but cannot mine (nonce gap) abandons it, bounded", async function () {
      const ledger = await deployLedger(setup.node.provider, [devWallet(3).address]);
      const address = await ledger.getAddress();
      const sender = devWallet(3, setup.node.provider);
      await setup.node.provider.send("evm_setAutomine", [false]);
      await setup.node.provider.send("evm_setIntervalMining", [200]);
      // A transaction of ours the node keeps but can never mine: its nonce is 5 ahead of the chain (the blocks with
      // the nonces before it were rolled back).
      const next = await setup.node.provider.getTransactionCount(sender.address, "latest");
      const fees = await setup.node.provider.getFeeData();
      const stuck = await sender.signTransaction({
        to: sender.address, value: 0, nonce: next + 5, chainId: 31337, gasLimit: 21_000, type: 2,
        maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      const stuckHash = (await setup.node.provider.send("eth_sendRawTransaction", [stuck])) as string;
      const o = options({ ledger: address, key: 3, name: "gap" });
      const genesis = (await setup.node.provider.getBlock(0))?.hash;
      fs.writeFileSync(o.journalFile as string, [
        { k: "chain", chainId: "31337", genesis, ledger: address },
        { k: "sent", tx: stuckHash, nonce: next + 5, hashes: setup.expected.slice(0, 5).map((t) => t.evidenceHash) },
      ].map((l) => JSON.stringify(l)).join("\n") + "\n");
      const started = Date.now();
      const summary = await relay({ ...o, replaceAfterMs: 1_000 });
      expect(Date.now() - started).to.be.lessThan(120_000);
      const abandoned = events(o.reporter, "abandoned");
      expect(abandoned, o.reporter.lines.join("\n")).to.have.length(1);
      expect(abandoned[0]).to.contain(stuckHash).and.contain(`"nonce":${next + 5}`);
      expect(events(o.reporter, "recovered")[0]).to.contain('"minted":false');
      // The oracle's own transactions later take that nonce (or the stale one is mined first): exactly once either way.
      expect(summary).to.include({ minted: setup.expected.length, skippedAlreadyMinted: 0, conflicts: 0 });
      await expectEachMintedOnce(ledger, setup.expected);
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
        expect(summaryOf(run1).minted).to.equal(setup.expected.length);

        // hardhat_reset: the same genesis, an empty chain; the same deployer nonce gives the same address.
        await own.provider.send("hardhat_reset", []);
        // A new provider: the old one's block polling ignores block numbers below those it has seen.
        const after = new JsonRpcProvider(own.url, 31337, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
        const second = await deployLedger(after, [devWallet(1).address]).finally(() => after.destroy());
        expect(await second.getAddress()).to.equal(address);
        const run2 = await runOracle(args(address, "reset.jsonl", own.url), env(1));
        expect(run2.code, run2.stderr).to.equal(0);
        expect(summaryOf(run2)).to.include({ minted: setup.expected.length, skippedAlreadyMinted: 0 });
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
        expect(summary).to.include({ minted: setup.expected.length, skippedAlreadyMinted: 0, journalReset: "chain genesis changed" });
        expect(events(run3, "journal-reset")).to.have.length(1);
        expect(fs.readdirSync(setup.tmp).some((f) => f.startsWith("reset.jsonl.reset-"))).to.equal(true);
        for (const t of setup.expected) expect(await third.issuedOf(idOfTotal(t))).to.equal(t.grams);
      } finally {
        await fresh.stop();
      }
    });
  });

  describe("when the node drops a transaction or cannot mine it", function () {
    /**
     * A fresh ledger with development account `key` as its auditor, a block every 300 ms (no automine), a proxy
     * running `onFirstSend`, and relay options (journal `name`) through the proxy.
     */
    async function throughProxy(key: number, name: string, onFirstSend: OnFirstSend) {
      const ledger = await deployLedger(setup.node.provider, [devWallet(key).address]);
      await setup.node.provider.send("evm_setAutomine", [false]);
      await setup.node.provider.send("evm_setIntervalMining", [300]);
      const p = await rpcProxy(setup.node.url, onFirstSend);
      return { ledger, p, o: options({ ledger: await ledger.getAddress(), key, name, rpcUrl: p.url }) };
    }

    /** The base fee jumps to 100 gwei: the transaction's fee cap is far below it for dozens of blocks. */
    async function spikeBaseFee(_raw: string, forward: () => Promise<string>): Promise<string> {
      await setup.node.provider.send("hardhat_setNextBlockBaseFeePerGas", [SPIKE]);
      return forward();
    }

    it("rebroadcasts a transaction the node dropped from its pool", async function () {
      let dropped = "";
      const { ledger, p, o } = await throughProxy(4, "dropped", async (_raw, forward) => {
        const reply = await forward();
        dropped = (JSON.parse(reply) as { result: string }).result;
        await setup.node.provider.send("hardhat_dropTransaction", [dropped]);
        return reply;
      });
      try {
        const summary = await relay(o);
        expect(dropped).to.match(/^0x[0-9a-f]{64}$/);
        expect(summary).to.include({ minted: setup.expected.length, skippedAlreadyMinted: 0 });
        expect(await setup.node.provider.getTransactionReceipt(dropped)).to.not.equal(null);
      } finally {
        await p.close();
      }
      await expectEachMintedOnce(ledger, setup.expected);
    });

    it("replaces a transaction the node cannot mine (a base fee spike) with the same nonce and fees bumped", async function () {
      const { ledger, p, o } = await throughProxy(5, "spike", spikeBaseFee);
      try {
        const summary = await relay({ ...o, replaceAfterMs: 1_500 });
        expect(summary).to.include({ minted: setup.expected.length, skippedAlreadyMinted: 0 });
        const replaced = events(o.reporter, "replaced");
        expect(replaced.length, o.reporter.lines.join("\n")).to.be.greaterThan(0);
        const r = JSON.parse(replaced[0] as string) as { tx: string; by: string; nonce: number };
        const mined = await setup.node.provider.getTransaction(r.by);
        expect(mined?.nonce).to.equal(r.nonce);
        const original = await setup.node.provider.getTransaction(r.tx);
        // The original never made it: its replacement (same nonce) took its place.
        expect(original === null || original.blockNumber === null).to.equal(true);
        const journal = fs.readFileSync(o.journalFile as string, "utf8");
        expect(journal).to.contain(`"tx":"${r.by}","nonce":${r.nonce}`);
      } finally {
        await p.close();
      }
      await expectEachMintedOnce(ledger, setup.expected);
    });

    it("abandons a transaction still not mined after its last replacement with an error naming it and its nonce", async function () {
      const { p, o } = await throughProxy(6, "abandon", spikeBaseFee);
      try {
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
        const ledger = await deployLedger(setup.node.provider, [devWallet(1).address, devWallet(2).address]);
        const address = await ledger.getAddress();
        await setup.node.provider.send("evm_setAutomine", [false]);
        await setup.node.provider.send("evm_setIntervalMining", [1_000]);
        const tag = name.replace(/ /g, "-");
        const [a, b] = await Promise.all([
          runOracle(args(address, `race-${tag}-a.jsonl`), env(keys[0])),
          runOracle(args(address, `race-${tag}-b.jsonl`), env(keys[1])),
        ]);
        expect(a.code, a.stderr + a.stdout.slice(-1500)).to.equal(0);
        expect(b.code, b.stderr + b.stdout.slice(-1500)).to.equal(0);
        const [sa, sb] = [summaryOf(a), summaryOf(b)];
        for (const s of [sa, sb]) {
          expect(Number(s.minted) + Number(s.skippedAlreadyMinted)).to.equal(setup.expected.length);
          expect(Number(s.mintedByOthers)).to.be.at.most(Number(s.skippedAlreadyMinted));
          expect(s.conflicts).to.equal(0);
        }
        if (keys[0] !== keys[1]) expect(Number(sa.minted) + Number(sb.minted)).to.equal(setup.expected.length);
        await expectEachMintedOnce(ledger, setup.expected);
      });
    }
  });
});
