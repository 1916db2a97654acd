import net from "node:net";
import path from "node:path";
import { expect } from "chai";
import { Transaction } from "ethers";
import { relay } from "../../scripts/oracle/relay";
import { memoryReporter } from "../../scripts/oracle/reporter";
import { spawnOracle, summaryOf } from "./helpers/oracle";
import type { Run } from "./helpers/oracle";
import { deployLedger, devWallet, freePort } from "./helpers/node";
import { expectEachMintedOnce, nodeWithExport, oracleArgs, oracleEnv, relayOptions, rpcProxy } from "./helpers/setup";

const SALT = "salt of the fault tests";

/** A TCP proxy in front of the node that can drop every connection and refuse new ones for a while. */
class Proxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  constructor(readonly port: number, private readonly target: number) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  async drop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Runs the command until it exits, or SIGKILLs it `afterMs` after its first minted batch. */
function run(args: string[], env: Record<string, string>, killAfterFirstMintMs?: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawnOracle(args, env);
    let stdout = "";
    let stderr = "";
    let armed = false;
    child.stdout?.on("data", (b: Buffer) => {
      stdout += b.toString();
      if (killAfterFirstMintMs !== undefined && !armed && stdout.includes('"event":"minted"')) {
        armed = true;
        setTimeout(() => child.kill("SIGKILL"), killAfterFirstMintMs);
      }
    });
    child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("oracle under faults @slow", function () {
  this.timeout(300_000);
  const setup = nodeWithExport({ prefix: "oracle-faults-", salt: SALT, seed: 7, parties: 5, org: "fault-org", months: 15, metersPerParty: 4 });

  const options = (o: { ledger: string; key: number; name: string; rpcUrl?: string }) => relayOptions(setup, { ...o, batchSize: 100 });
  const args = (ledger: string, journal: string) => oracleArgs(setup, { ledger, journal, batchSize: 2 });
  const env = (index: number, extra: Record<string, string> = {}) => oracleEnv(setup, index, extra);

  it(`mints each of ${"~"}75 totals exactly once when SIGKILLed at each critical instant and at random moments, then restarted`, async function () {
    expect(setup.expected.length).to.be.greaterThan(50);
    const ledger = await deployLedger(setup.node.provider, [devWallet(1).address]);
    const address = await ledger.getAddress();
    const journal = path.join(setup.tmp, "crash-journal.jsonl");
    // The three instants that matter, deterministically: journaled but not sent; sent without receipt; mined
    // but not journaled.
    const outputs: string[] = [];
    for (const point of ["sent:2", "broadcast:2", "receipt:2"]) {
      const r = await run(args(address, journal), env(1, { ORACLE_CRASH_POINT: point }));
      expect(r.signal, `${point}: ${r.stderr}`).to.equal("SIGKILL");
      outputs.push(r.stdout);
    }
    // Random moments during minting.
    const delays = [0, 1, 2].map(() => Math.floor(Math.random() * 600));
    for (const delay of delays) {
      const r = await run(args(address, journal), env(1), delay);
      expect(r.code === 0 || r.signal === "SIGKILL", `kill after ${delay} ms: ${r.stderr}`).to.equal(true);
      outputs.push(r.stdout);
    }
    // The restarts settled the journaled transactions: the one never broadcast was forgotten, the mined ones
    // were found minted.
    const recovered = outputs.join("").split("\n").filter((l) => l.includes('"event":"recovered"'));
    expect(recovered.some((l) => l.includes('"minted":false'))).to.equal(true);
    expect(recovered.some((l) => l.includes('"minted":true'))).to.equal(true);
    const last = await run(args(address, journal), env(1));
    expect(last.code, last.stderr).to.equal(0);
    const summary = summaryOf(last);
    expect(Number(summary.minted) + Number(summary.skippedAlreadyMinted), `delays ${delays.join(",")}`).to.equal(setup.expected.length);
    await expectEachMintedOnce(ledger, setup.expected);
  });

  it("mints each total once when two oracles race on the same input", async function () {
    const ledger = await deployLedger(setup.node.provider, [devWallet(1).address, devWallet(2).address]);
    const address = await ledger.getAddress();
    const [a, b] = await Promise.all([
      run(args(address, path.join(setup.tmp, "race-a.jsonl")), env(1)),
      run(args(address, path.join(setup.tmp, "race-b.jsonl")), env(2)),
    ]);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    const [sa, sb] = [summaryOf(a), summaryOf(b)];
    expect(Number(sa.minted) + Number(sb.minted)).to.equal(setup.expected.length);
    expect(Number(sa.minted) + Number(sa.skippedAlreadyMinted)).to.equal(setup.expected.length);
    expect(Number(sb.minted) + Number(sb.skippedAlreadyMinted)).to.equal(setup.expected.length);
    await expectEachMintedOnce(ledger, setup.expected);
  });

  it("drops what a rival minted in the same block (its own transaction reverted) and counts it as skipped", async function () {
    const ledger = await deployLedger(setup.node.provider, [devWallet(1).address, devWallet(2).address]);
    const raceOptions = (key: number) => options({ ledger: address, key, name: `block-race-${key}` });
    const address = await ledger.getAddress();
    await setup.node.provider.send("evm_setAutomine", [false]);
    try {
      const both = Promise.all([relay(raceOptions(1)), relay(raceOptions(2))]);
      // Both transactions wait in the mempool; then one block mines them: the second one reverts.
      for (;;) {
        const pending = (await setup.node.provider.send("eth_getBlockByNumber", ["pending", false])) as { transactions: string[] };
        if (pending.transactions.length >= 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await setup.node.provider.send("evm_mine", []);
      const [a, b] = await both;
      expect(a.minted + b.minted).to.equal(setup.expected.length);
      expect([a.skippedAlreadyMinted, b.skippedAlreadyMinted]).to.have.members([0, setup.expected.length]);
      expect([a.transactions, b.transactions]).to.deep.equal([1, 1]);
    } finally {
      await setup.node.provider.send("evm_setAutomine", [true]);
    }
    await expectEachMintedOnce(ledger, setup.expected);
  });

  it("treats a revert reported at broadcast (a rival minted the batch just before) as already minted", async function () {
    const ledger = await deployLedger(setup.node.provider, [devWallet(1).address, devWallet(2).address]);
    const rival = devWallet(2, setup.node.provider);
    let hijacked = false;
    // Before the oracle's first transaction is forwarded, a rival sends the same calldata.
    const proxy = await rpcProxy(setup.node.url, async (raw, forward) => {
      hijacked = true;
      const tx = Transaction.from(raw);
      await (await rival.sendTransaction({ to: tx.to, data: tx.data })).wait();
      return forward();
    });
    try {
      const reporter = memoryReporter();
      const summary = await relay({
        ...options({ rpcUrl: proxy.url, ledger: await ledger.getAddress(), key: 1, name: "hijack" }),
        reporter,
      });
      expect(hijacked).to.equal(true);
      expect(summary).to.include({ minted: 0, skippedAlreadyMinted: setup.expected.length, transactions: 1 });
      expect(reporter.lines.some((l) => l.includes('"event":"reverted-at-broadcast"') && l.includes("LedgerEvidenceUsed"))).to.equal(true);
    } finally {
      await proxy.close();
    }
    await expectEachMintedOnce(ledger, setup.expected);
  });

  it("completes correctly when the RPC connection drops and refuses connections mid-run", async function () {
    const ledger = await deployLedger(setup.node.provider, [devWallet(1).address]);
    const proxy = new Proxy(await freePort(), setup.node.port);
    await proxy.start();
    const reporter = memoryReporter();
    try {
      const running = relay({
        ...options({ rpcUrl: `http://127.0.0.1:${proxy.port}`, ledger: await ledger.getAddress(), key: 1, name: "proxy" }),
        batchSize: 2,
        rpcTimeoutMs: 2_000,
        reporter,
      });
      let finished = false;
      running.then(() => (finished = true), () => (finished = true));
      // Twice: drop everything after some batches, stay down for a while, come back on the same port.
      for (const after of [3, 12]) {
        while (!finished && reporter.lines.filter((l) => l.includes('"event":"minted"')).length < after) await new Promise((r) => setTimeout(r, 20));
        await proxy.drop();
        await new Promise((r) => setTimeout(r, 1_500));
        await proxy.start();
      }
      const summary = await running;
      expect(summary.minted).to.equal(setup.expected.length);
      const retries = reporter.lines.filter((l) => l.includes('"event":"rpc-retry"'));
      expect(retries).to.not.have.length(0);
      await expectEachMintedOnce(ledger, setup.expected);
    } finally {
      await proxy.drop();
    }
  });
});
