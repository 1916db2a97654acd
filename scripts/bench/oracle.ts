/**
 * `npm run bench:oracle`: relays 10,000 generated records (1,000 monthly totals) from a file to a fresh
 * `npx hardhat node` on a free port, and prints records/s, totals minted/s and gas per minted total, checked
 * against the `issue.batch10.perToken` budget. Not a test: figures for the closing note and for regressions.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ContractFactory, HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import type { InterfaceAbi } from "ethers";
import { CarbonLedger__factory } from "../../typechain-types";
import { RELAY_DEFAULTS, relay } from "../oracle/relay";
import { memoryReporter } from "../oracle/reporter";
import { generateRecords, makeParties, partiesFile } from "../oracle/sample";

const ROOT = path.join(__dirname, "..", "..");
const RECORDS = 10_000;
const PARTIES = 25;
const MONTHS = 40;
const METERS = RECORDS / PARTIES / MONTHS;
const BATCH = Number(process.env.BENCH_ORACLE_BATCH ?? 100);
const SALT = "bench salt (not a secret)";
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

async function main(): Promise<number> {
  const t0 = performance.now();
  const budgets = JSON.parse(fs.readFileSync(path.join(ROOT, "bench", "gas-budgets.json"), "utf8")) as Record<string, number>;
  const budget = budgets["issue.batch10.perToken"] ?? 0;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-oracle-"));
  const parties = makeParties(PARTIES, "bench-org");
  const records = generateRecords({ seed: 42, parties, startYear: 2021, startMonth: 1, months: MONTHS, metersPerParty: METERS, numbers: false });
  const file = path.join(tmp, "records.json");
  fs.writeFileSync(file, JSON.stringify(records));
  const partiesPath = path.join(tmp, "parties.json");
  fs.writeFileSync(partiesPath, JSON.stringify(partiesFile(parties)));

  const node = await startNode();
  try {
    const provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
    const admin = new Wallet(HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/0").privateKey, provider);
    const auditor = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/1");
    const artifact = JSON.parse(fs.readFileSync(path.join(ROOT, "artifacts", "contracts", "ledger", "CarbonLedger.sol", "CarbonLedger.json"), "utf8")) as { abi: InterfaceAbi; bytecode: string };
    const deployed = await (await new ContractFactory(artifact.abi, artifact.bytecode, admin).deploy(admin.address, 0)).waitForDeployment();
    const ledger = CarbonLedger__factory.connect(await deployed.getAddress(), admin);
    await (await ledger.grantRole(await ledger.EMISSIONS_AUDITOR_ROLE(), auditor.address)).wait();
    provider.destroy();

    const t1 = performance.now();
    const summary = await relay({
      ...RELAY_DEFAULTS,
      source: { kind: "file", file },
      partiesFile: partiesPath,
      salt: SALT,
      rpcUrl: node.url,
      network: "localhost",
      ledger: await ledger.getAddress(),
      privateKey: auditor.privateKey,
      attesterKeys: [],
      batchSize: BATCH,
      dryRun: false,
      writeBack: false,
      journalFile: path.join(tmp, "journal.jsonl"),
      quarantineFile: path.join(tmp, "quarantine.jsonl"),
      pollMs: 20,
      reporter: memoryReporter(),
    });
    const seconds = (performance.now() - t1) / 1000;
    const perTotal = summary.minted > 0 ? Number(BigInt(summary.gasUsed) / BigInt(summary.minted)) : 0;
    const total = (performance.now() - t0) / 1000;
    const figures = {
      records: summary.recordsRead,
      totals: summary.totals,
      minted: summary.minted,
      batchSize: BATCH,
      transactions: summary.transactions,
      relaySeconds: Number(seconds.toFixed(2)),
      recordsPerSecond: Math.round(summary.recordsRead / seconds),
      totalsMintedPerSecond: Number((summary.minted / seconds).toFixed(1)),
      gasPerMintedTotal: perTotal,
      budgetPerToken: budget,
      wholeRunSeconds: Number(total.toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    const problems = [
      summary.minted !== summary.totals ? `minted ${summary.minted} of ${summary.totals} totals` : "",
      perTotal > budget ? `gas per minted total ${perTotal} exceeds the issue.batch10.perToken budget ${budget}` : "",
      total >= 60 ? `the whole run took ${total.toFixed(1)} s (target < 60 s)` : "",
    ].filter((p) => p !== "");
    for (const p of problems) process.stderr.write(`bench:oracle: ${p}\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await stop(node.child);
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
