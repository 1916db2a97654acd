import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Transaction } from "ethers";
import type { CarbonLedger } from "../../typechain-types";
import { RELAY_DEFAULTS, relay } from "../../scripts/oracle/relay";
import { memoryReporter } from "../../scripts/oracle/reporter";
import { generateRecords, makeParties, partiesFile, sampleAddress } from "../../scripts/oracle/sample";
import type { ExpectedTotal } from "./helpers/oracle";
import { expectedMonthlyTotals, idOfTotal, spawnOracle, summaryOf } from "./helpers/oracle";
import type { Run } from "./helpers/oracle";
import type { Node } from "./helpers/node";
import { deployLedger, devWallet, freePort, startNode } from "./helpers/node";

const SALT = "salt of the fault tests";

/** In-process relay of the file `exportFile` with auditor key `key`; `name` keeps each run's journal apart. */
function relayOptions(o: { exportFile: string; parties: string; tmp: string; rpcUrl: string; ledger: string; key: number; name: string }) {
  return {
    ...RELAY_DEFAULTS,
    source: { kind: "file" as const, file: o.exportFile },
    partiesFile: o.parties,
    salt: SALT,
    rpcUrl: o.rpcUrl,
    network: "localhost",
    ledger: o.ledger,
    privateKey: devWallet(o.key).privateKey,
    attesterKeys: [],
    dryRun: false,
    writeBack: false,
    journalFile: path.join(o.tmp, `${o.name}.jsonl`),
    quarantineFile: path.join(o.tmp, `${o.name}-q.jsonl`),
    batchSize: 100,
    pollMs: 50,
  };
}

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
  let node: Node;
  let tmp: string;
  let exportFile: string;
  let parties: string;
  let expected: ExpectedTotal[];

  before(async function () {
    node = await startNode();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-faults-"));
    const ps = makeParties(5, "fault-org");
    const records = generateRecords({ seed: 7, parties: ps, startYear: 2024, startMonth: 1, months: 15, metersPerParty: 4, numbers: false });
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

  /** Every expected total exists once with its amount and issuee, and nothing else was issued. */
  async function expectEachMintedOnce(ledger: CarbonLedger): Promise<void> {
    const used = await Promise.all(expected.map((t) => ledger.exists(idOfTotal(t))));
    expect(used.every((u) => u), "every total minted").to.equal(true);
    for (const t of expected) {
      expect(await ledger.issuedOf(idOfTotal(t))).to.equal(t.grams);
      expect(await ledger.balanceOf(sampleAddress(t.partyId), idOfTotal(t))).to.equal(t.grams);
    }
    expect(await ledger.queryFilter(ledger.filters.Issued()), "no other issuance").to.have.length(expected.length);
  }

  const args = (ledger: string, journal: string) => [
    "--file", exportFile, "--parties", parties, "--rpc-url", node.url, "--ledger", ledger,
    "--journal", journal, "--quarantine", path.join(tmp, `q-${path.basename(journal)}`), "--batch-size", "2", "--poll", "50",
  ];
  const env = (index: number, extra: Record<string, string> = {}) => ({ ORACLE_PRIVATE_KEY: devWallet(index).privateKey, ORACLE_PARTY_SALT: SALT, ...extra });

  it(`mints each of ${"~"}75 totals exactly once when SIGKILLed at each critical instant and at random moments, then restarted`, async function () {
    expect(expected.length).to.be.greaterThan(50);
    const ledger = await deployLedger(node.provider, [devWallet(1).address]);
    const address = await ledger.getAddress();
    const journal = path.join(tmp, "crash-journal.jsonl");
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
    expect(Number(summary.minted) + Number(summary.skippedAlreadyMinted), `delays ${delays.join(",")}`).to.equal(expected.length);
    await expectEachMintedOnce(ledger);
  });

  it("mints each total once when two oracles race on the same input", async function () {
    const ledger = await deployLedger(node.provider, [devWallet(1).address, devWallet(2).address]);
    const address = await ledger.getAddress();
    const [a, b] = await Promise.all([
      run(args(address, path.join(tmp, "race-a.jsonl")), env(1)),
      run(args(address, path.join(tmp, "race-b.jsonl")), env(2)),
    ]);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    const [sa, sb] = [summaryOf(a), summaryOf(b)];
    expect(Number(sa.minted) + Number(sb.minted)).to.equal(expected.length);
    expect(Number(sa.minted) + Number(sa.skippedAlreadyMinted)).to.equal(expected.length);
    expect(Number(sb.minted) + Number(sb.skippedAlreadyMinted)).to.equal(expected.length);
    await expectEachMintedOnce(ledger);
  });

  it("drops what a rival minted in the same block (its own transaction reverted) and counts it as skipped", async function () {
    const ledger = await deployLedger(node.provider, [devWallet(1).address, devWallet(2).address]);
    const options = (key: number) => ({
      ...relayOptions({ exportFile, parties, tmp, rpcUrl: node.url, ledger: address, key, name: `block-race-${key}` }),
      reporter: memoryReporter(),
    });
    const address = await ledger.getAddress();
    await node.provider.send("evm_setAutomine", [false]);
    try {
      const both = Promise.all([relay(options(1)), relay(options(2))]);
      // Both transactions wait in the mempool; then one block mines them: the second one reverts.
      for (;;) {
        const pending = (await node.provider.send("eth_getBlockByNumber", ["pending", false])) as { transactions: string[] };
        if (pending.transactions.length >= 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await node.provider.send("evm_mine", []);
      const [a, b] = await both;
      expect(a.minted + b.minted).to.equal(expected.length);
      expect([a.skippedAlreadyMinted, b.skippedAlreadyMinted]).to.have.members([0, expected.length]);
      expect([a.transactions, b.transactions]).to.deep.equal([1, 1]);
    } finally {
      await node.provider.send("evm_setAutomine", [true]);
    }
    await expectEachMintedOnce(ledger);
  });

  it("treats a revert reported at broadcast (a rival minted the batch just before) as already minted", async function () {
    const ledger = await deployLedger(node.provider, [devWallet(1).address, devWallet(2).address]);
    const rival = devWallet(2, node.provider);
    let hijacked = false;
    // A JSON-RPC proxy: before forwarding the oracle's first transaction, a rival sends the same calldata.
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (b: Buffer) => (body += b.toString()));
      req.on("end", () => {
        void (async () => {
          const call = JSON.parse(body) as { method?: string; params?: unknown[] };
          if (call.method === "eth_sendRawTransaction" && !hijacked) {
            hijacked = true;
            const tx = Transaction.from(String(call.params?.[0]));
            await (await rival.sendTransaction({ to: tx.to, data: tx.data })).wait();
          }
          const upstream = await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body });
          res.writeHead(upstream.status, { "content-type": "application/json" });
          res.end(await upstream.text());
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const reporter = memoryReporter();
      const summary = await relay({
        ...relayOptions({
          exportFile, parties, tmp, rpcUrl: `http://127.0.0.1:${port}`, ledger: await ledger.getAddress(), key: 1, name: "hijack",
        }),
        reporter,
      });
      expect(hijacked).to.equal(true);
      expect(summary).to.include({ minted: 0, skippedAlreadyMinted: expected.length, transactions: 1 });
      expect(reporter.lines.some((l) => l.includes('"event":"reverted-at-broadcast"') && l.includes("LedgerEvidenceUsed"))).to.equal(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await expectEachMintedOnce(ledger);
  });

  it("completes correctly when the RPC connection drops and refuses connections mid-run", async function () {
    const ledger = await deployLedger(node.provider, [devWallet(1).address]);
    const proxy = new Proxy(await freePort(), node.port);
    await proxy.start();
    const reporter = memoryReporter();
    try {
      const running = relay({
        ...relayOptions({
          exportFile, parties, tmp, rpcUrl: `http://127.0.0.1:${proxy.port}`, ledger: await ledger.getAddress(), key: 1, name: "proxy",
        }),
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
      expect(summary.minted).to.equal(expected.length);
      const retries = reporter.lines.filter((l) => l.includes('"event":"rpc-retry"'));
      expect(retries).to.not.have.length(0);
      await expectEachMintedOnce(ledger);
    } finally {
      await proxy.drop();
    }
  });
});
