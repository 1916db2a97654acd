/**
 * `npm run bench:oracle`: relays 10,000 generated records (1,000 monthly totals) to a fresh `npx hardhat node` on a
 * free port twice, each time to a new ledger: from a file, and in the chaincode's format (JSON-number amounts, no
 * unit, SHA-256 party ids) through the stand-in Fabric Gateway (gRPC with TLS, `{Key, Record}` results, string-order
 * date ranges, one unpaginated response under gRPC's 4 MiB limit, so the oracle splits the range: pagination and the
 * emission-factor audit included; no write-back). Prints records/s, totals minted/s and gas per minted total for
 * each, checked against the budget of a 10-record total (bench/gas-budgets.json: issue.batch10.perToken.withRecord
 * + 9 x issue.emissions.perRecord). Not a test: figures for the closing note and for regressions.
 *
 * BENCH_ORACLE_SEQUENTIAL=1 runs them one after the other. Measured 2026-12-02 on this 2-core machine under a load
 * average of 7-8 from other work, batches of 40, 1,000 totals of 10 records per source:
 *   concurrent (default): file 225 records/s, 22.5 totals/s; fabric 212 records/s, 21.2 totals/s (7 queries,
 *     3 splits on the 4 MiB limit); 347,457 gas per total (budget 385,000); whole run 55.5 s.
 *   sequential: file 435 records/s, 43.5 totals/s (23.0 s); fabric 349 records/s, 34.9 totals/s (28.6 s); whole
 *     run 60.0 s (54-83 s across runs as the load varied).
 * Speed fixes in the oracle, measured in-process on 10,000 records: the evidence hash's ABI encoding written out
 * (aggregating 1,000 totals 6.8 s -> 1.9 s; keccak256 itself is ~75 us per uuid, not the bottleneck) and each
 * total's issue request built once (10,000 record-key hashes no longer repeated). What remains per relay: ~6 s of
 * the chain check of every total before minting (2,000 eth_calls), ~1-2 s each of reading, validation, audit and
 * aggregation, and the node executing 25 transactions of ~14 M gas.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ContractFactory, HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import type { InterfaceAbi } from "ethers";
// The one factory, not the typechain-types index: keeps the start-up short (as relay.ts does).
import { CarbonLedger__factory } from "../../typechain-types/factories/contracts/ledger/CarbonLedger__factory";
import { FABRIC_DEFAULTS } from "../oracle/fabric-defaults";
import type { RelaySource, RelaySummary } from "../oracle/relay";
import { RELAY_DEFAULTS, relay } from "../oracle/relay";
import { memoryReporter } from "../oracle/reporter";
import { generateRecords, makeParties, partiesFile } from "../oracle/sample";
import { withShippedFactors } from "../oracle/generate-sample";
import { loadFactors } from "../oracle/audit";
// The stand-in Fabric Gateway of the tests, imported from test/oracle/helpers on purpose: the bench must exercise
// the same chaincode behaviour the tests pin down (one implementation, not a copy).
import { makePki, startFabric } from "../../test/oracle/helpers/fabric-server";

const ROOT = path.join(__dirname, "..", "..");
const RECORDS = 10_000;
const PARTIES = 25;
const MONTHS = 40;
const METERS = RECORDS / PARTIES / MONTHS;
/** 40 totals of 10 records take about 14 M gas: under the oracle's 16.7 M transaction cap and Hardhat's 30 M block. */
const BATCH = Number(process.env.BENCH_ORACLE_BATCH ?? 40);
const SALT = "bench salt (not a secret)";
const HOST = "peer0.bench.example";
/** BENCH_ORACLE_SEQUENTIAL=1: one relay after the other (clean per-source rates; the whole run takes longer). */
const SEQUENTIAL = process.env.BENCH_ORACLE_SEQUENTIAL === "1";
/** Hardhat's public development mnemonic: funded accounts on a local node only. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a !== null ? a.port : 0));
    });
  });

async function startNode(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("Started HTTP")) resolve();
    });
    child.on("exit", () => reject(new Error(`hardhat node exited: ${out.slice(-500)}`)));
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return { url: `http://127.0.0.1:${port}`, child };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
  });

/** A new ledger on the node, with `auditor` holding EMISSIONS_AUDITOR_ROLE. */
async function deployLedger(url: string, auditor: string): Promise<string> {
  const provider = new JsonRpcProvider(url, 31337, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const admin = new Wallet(HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/0").privateKey, provider);
    const artifact = JSON.parse(fs.readFileSync(path.join(ROOT, "artifacts", "contracts", "ledger", "CarbonLedger.sol", "CarbonLedger.json"), "utf8")) as { abi: InterfaceAbi; bytecode: string };
    const deployed = await (await new ContractFactory(artifact.abi, artifact.bytecode, admin).deploy(admin.address, 0)).waitForDeployment();
    const ledger = CarbonLedger__factory.connect(await deployed.getAddress(), admin);
    await (await ledger.grantRole(await ledger.EMISSIONS_AUDITOR_ROLE(), auditor)).wait();
    return await ledger.getAddress();
  } finally {
    provider.destroy();
  }
}

interface Figures {
  records: number;
  quarantined: number;
  totals: number;
  minted: number;
  transactions: number;
  relaySeconds: number;
  recordsPerSecond: number;
  totalsMintedPerSecond: number;
  gasPerMintedTotal: number;
  audit?: { audited: number; withinTolerance: number; deviating: number; unaudited: number };
  fabricQueries?: number;
  fabricSplits?: number;
}

async function main(): Promise<number> {
  const budgets = JSON.parse(fs.readFileSync(path.join(ROOT, "bench", "gas-budgets.json"), "utf8")) as Record<string, number>;
  // Each total carries 10 records: the 1-record batch budget plus 9 more records.
  const budget = (budgets["issue.batch10.perToken.withRecord"] ?? 0) + (METERS - 1) * (budgets["issue.emissions.perRecord"] ?? 0);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-oracle-"));
  const parties = makeParties(PARTIES, "bench-org");
  const shape = { parties, startYear: 2021, startMonth: 1, months: MONTHS, metersPerParty: METERS };
  const file = path.join(tmp, "records.json");
  // Figures from the shipped factor table, as in the bundled sample, so the audit's counts mean something.
  const factors = loadFactors();
  fs.writeFileSync(file, JSON.stringify(generateRecords({ ...shape, seed: 42, numbers: false }).map((r) => withShippedFactors(r, factors))));
  // The chaincode's own shape: amounts as JSON numbers, as it stores them.
  const chaincodeState = generateRecords({ ...shape, seed: 43, numbers: true }).map((r) => withShippedFactors(r, factors)) as Record<string, unknown>[];
  const partiesPath = path.join(tmp, "parties.json");
  fs.writeFileSync(partiesPath, JSON.stringify(partiesFile(parties)));
  const pki = await makePki(HOST);
  const pem = (name: string, text: string) => {
    const f = path.join(tmp, `${name}.pem`);
    fs.writeFileSync(f, text);
    return f;
  };
  // One auditor account per relay, so that the two can run at once without sharing nonces.
  const auditors = [1, 2].map((i) => HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`));

  const [node, fabric] = await Promise.all([startNode(), startFabric(pki, chaincodeState)]);
  try {
    const run = async (name: string, source: RelaySource, ledger: string, auditor: HDNodeWallet): Promise<{ summary: RelaySummary; figures: Figures }> => {
      const reporter = memoryReporter();
      const t = performance.now();
      const summary = await relay({
        ...RELAY_DEFAULTS,
        source,
        partiesFile: partiesPath,
        salt: SALT,
        rpcUrl: node.url,
        network: "localhost",
        ledger,
        privateKey: auditor.privateKey,
        attesterKeys: [],
        batchSize: BATCH,
        dryRun: false,
        writeBack: false,
        journalFile: path.join(tmp, `journal-${name}.jsonl`),
        quarantineFile: path.join(tmp, `quarantine-${name}.jsonl`),
        pollMs: 20,
        reporter,
      });
      const seconds = (performance.now() - t) / 1000;
      const read = reporter.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === "fabric-read");
      const a = summary.audit;
      return {
        summary,
        figures: {
          records: summary.recordsRead,
          quarantined: summary.quarantined,
          totals: summary.totals,
          minted: summary.minted,
          transactions: summary.transactions,
          relaySeconds: Number(seconds.toFixed(2)),
          recordsPerSecond: Math.round(summary.recordsRead / seconds),
          totalsMintedPerSecond: Number((summary.minted / seconds).toFixed(1)),
          gasPerMintedTotal: summary.minted > 0 ? Number(BigInt(summary.gasUsed) / BigInt(summary.minted)) : 0,
          ...(a !== undefined ? { audit: { audited: a.audited, withinTolerance: a.withinTolerance, deviating: a.deviating, unaudited: a.unaudited } } : {}),
          ...(read !== undefined ? { fabricQueries: Number(read.queries), fabricSplits: Number(read.splits) } : {}),
        },
      };
    };

    const fabricOptions = {
      ...FABRIC_DEFAULTS, peerEndpoint: `127.0.0.1:${fabric.port}`, hostAlias: HOST, mspId: "auditor1",
      tlsCertPath: pem("ca", pki.ca.cert), certPath: pem("client", pki.client.cert), keyPath: pem("client-key", pki.client.key),
    };
    const fabricSource: RelaySource = { kind: "fabric", fabric: fabricOptions, fromDate: "2021-01-01", thruDate: "2024-04-30" };
    // A new ledger each (deployed one after the other: the same admin account).
    const ledgers: string[] = [];
    for (const a of auditors) ledgers.push(await deployLedger(node.url, a.address));
    const relayFile = () => run("file", { kind: "file", file }, ledgers[0] as string, auditors[0] as HDNodeWallet);
    const relayFabric = () => run("fabric", fabricSource, ledgers[1] as string, auditors[1] as HDNodeWallet);
    // By default both at once: the 2 cores are shared by this process and the node, and each relay spends much of
    // its time waiting for the node's answers, which the other fills.
    const [fromFile, fromFabric] = SEQUENTIAL ? [await relayFile(), await relayFabric()] : await Promise.all([relayFile(), relayFabric()]);
    // From the process's start (module loading included) to here.
    const total = process.uptime();
    process.stdout.write(`${JSON.stringify({ batchSize: BATCH, concurrent: !SEQUENTIAL, budgetPerMintedTotal: budget, file: fromFile.figures, fabric: fromFabric.figures, wholeRunSeconds: Number(total.toFixed(2)) }, null, 2)}\n`);
    const problems = [
      ...[fromFile, fromFabric].flatMap(({ summary, figures }, i) => {
        const name = i === 0 ? "file" : "fabric";
        return [
          summary.recordsRead !== RECORDS ? `${name}: read ${summary.recordsRead} of ${RECORDS} records` : "",
          summary.quarantined !== 0 ? `${name}: ${summary.quarantined} records quarantined` : "",
          summary.minted !== summary.totals ? `${name}: minted ${summary.minted} of ${summary.totals} totals` : "",
          figures.gasPerMintedTotal > budget ? `${name}: gas per minted total ${figures.gasPerMintedTotal} exceeds the budget ${budget}` : "",
        ];
      }),
      (fromFabric.figures.fabricSplits ?? 0) === 0 ? "fabric: the range was never split (the stand-in's 4 MiB limit was not reached)" : "",
      total >= 60 ? `the whole run took ${total.toFixed(1)} s (target < 60 s)` : "",
    ].filter((p) => p !== "");
    for (const p of problems) process.stderr.write(`bench:oracle: ${p}\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await Promise.all([stop(node.child), fabric.stop()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench:oracle: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
