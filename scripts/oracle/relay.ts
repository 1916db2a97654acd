/**
 * relay(options): read records, validate, aggregate, mint each audited total exactly once, write back.
 * The library behind `npm run oracle`; callable from the suite's CLI and from tests. Returns the summary;
 * throws OracleError (usage: exit code 2; otherwise 1) for what stops the run.
 */
import fs from "node:fs";
import path from "node:path";
import { Wallet, getAddress, isAddress } from "ethers";
import type { JsonRpcProvider } from "ethers";
// The one factory, not the typechain-types index: keeps the command's start-up short.
import { CarbonLedger__factory } from "../../typechain-types/factories/contracts/ledger/CarbonLedger__factory";
import { readDeployment } from "../lib/deployment";
import { ROOT } from "../lib/paths";
import type { IssueRequest } from "../ledger/attestation";
import type { AuditedTotal, PeriodKind } from "./aggregate";
import { aggregate } from "./aggregate";
import { fabricRecordKey, tokenIdOf } from "../ledger/token-id";
import type { Conflict, Log, RetryPolicy } from "./chain";
import { Minter, connect, redactUrl, shortError, withRetry } from "./chain";
import { partyCommitment } from "./evidence-hash";
import type { FabricOptions, FabricSource } from "./fabric-source";
export { FABRIC_DEFAULTS } from "./fabric-defaults";
import type { SourceRecords } from "./file-source";
import { readExportFile } from "./file-source";
import { Journal } from "./journal";
import type { Quarantined, ValidRecord } from "./records";
import { validateRecords } from "./records";
import type { Reporter } from "./reporter";

/** The salt used when ORACLE_PARTY_SALT is unset, allowed only for the bundled sample on a local chain. */
export const DEMO_SALT = "net-emissions-suite/demo-salt/not-secret";
/** The bundled sample exports (the only inputs the demo salt may be used with). */
export const SAMPLE_DIR = path.join(ROOT, "data", "oracle");
export const SAMPLE_FILES = ["sample-emissions.json", "sample-emissions.csv"].map((f) => path.join(SAMPLE_DIR, f));
export const SAMPLE_PARTIES = path.join(SAMPLE_DIR, "parties.json");
/** Chains where the demo salt may be used: Hardhat's. */
export const LOCAL_CHAIN_IDS = [31337n];

export class OracleError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}

export type RelaySource =
  | { kind: "file"; file: string }
  | { kind: "fabric"; fabric: FabricOptions; fromDate: string; thruDate: string };

export interface RelayOptions {
  source: RelaySource;
  /** JSON file mapping party commitment -> Ethereum address. */
  partiesFile: string;
  period: PeriodKind;
  /** ORACLE_PARTY_SALT; undefined: the demo salt, only for the bundled sample on a local chain. */
  salt: string | undefined;
  rpcUrl: string;
  /** Network name for the deployment record (when `ledger` is not given). */
  network: string;
  ledger?: string;
  /** ORACLE_PRIVATE_KEY: the sender (the auditor itself, or the relayer of attestations). */
  privateKey?: string;
  /** ORACLE_ATTESTER_KEYS: when given, totals are minted by attestation signed by these auditors. */
  attesterKeys: string[];
  batchSize: number;
  confirmations: number;
  dryRun: boolean;
  writeBack: boolean;
  /** Defaults to .oracle/journal-<chainId>-<ledger>.jsonl. */
  journalFile?: string;
  quarantineFile: string;
  rpcTimeoutMs: number;
  retryForMs: number;
  pollMs: number;
  attestationTtl: number;
  reporter: Reporter;
}

export const RELAY_DEFAULTS = {
  period: "month" as PeriodKind,
  batchSize: 20,
  confirmations: 1,
  quarantineFile: path.join(".oracle", "quarantine.jsonl"),
  rpcTimeoutMs: 20_000,
  retryForMs: 120_000,
  pollMs: 250,
  attestationTtl: 3_600,
};

export interface RelaySummary {
  recordsRead: number;
  quarantined: number;
  alreadyTokenised: number;
  validRecords: number;
  totals: number;
  /** Sum of all totals, g CO2e (decimal string). */
  totalGrams: string;
  zeroTotals: number;
  minted: number;
  skippedAlreadyMinted: number;
  /** Totals whose evidence or records are spent on chain by something else: reported, never minted or journaled. */
  conflicts: number;
  conflictList: Conflict[];
  transactions: number;
  gasUsed: string;
  writtenBack: number;
  dryRun: boolean;
  quarantineFile: string;
  ledger?: string;
  chainId?: string;
}

const isHexKey = (k: string) => /^(0x)?[0-9a-fA-F]{64}$/.test(k);

/** Reads the party -> address mapping: `{ "<commitment>": "<address>" }`, optionally under `"parties"`. */
export function readParties(file: string): Map<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new OracleError(`--parties ${file}: cannot read a JSON object (${e instanceof Error ? e.message : String(e)})`);
  }
  const obj = typeof data === "object" && data !== null && "parties" in data ? (data as { parties: unknown }).parties : data;
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new OracleError(`--parties ${file}: expected { "<party commitment>": "<address>" }`);
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(k)) throw new OracleError(`--parties ${file}: key "${k.slice(0, 20)}" is not a party commitment (0x + 64 hex)`);
    if (typeof v !== "string" || !isAddress(v)) throw new OracleError(`--parties ${file}: the address of ${k} is not an Ethereum address`);
    out.set(k.toLowerCase(), getAddress(v));
  }
  return out;
}

function writeQuarantine(file: string, entries: readonly Quarantined[]): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, entries.map((q) => JSON.stringify(q)).join("\n") + (entries.length > 0 ? "\n" : ""));
  fs.renameSync(tmp, file);
}

async function readSource(o: RelayOptions): Promise<{ source: SourceRecords; fabric?: FabricSource }> {
  if (o.source.kind === "file") {
    const r = readExportFile(o.source.file);
    if (!r.ok) throw new OracleError(r.error);
    return { source: r.value };
  }
  // Loaded only for the Fabric source: the gateway client is the heaviest module to start.
  const { FabricSource: Fabric } = await import("./fabric-source");
  const opened = Fabric.open(o.source.fabric);
  if (!opened.ok) throw new OracleError(opened.error);
  const r = await opened.value.query(o.source.fromDate, o.source.thruDate);
  if (!r.ok) {
    opened.value.close();
    throw new OracleError(r.error);
  }
  return { source: r.value, fabric: opened.value };
}

/** Splits valid records by whether their party has an address; the others are quarantined naming partyId. */
export function mapParties(valid: ValidRecord[], salt: string, parties: Map<string, string>, partiesFile: string) {
  const mapped: ValidRecord[] = [];
  const quarantined: Quarantined[] = [];
  for (const r of valid) {
    const c = partyCommitment(salt, r.partyId);
    if (parties.has(c.toLowerCase())) mapped.push(r);
    else quarantined.push({ at: `uuid ${r.uuid}`, reasons: [`partyId: no Ethereum address for party commitment ${c} in ${partiesFile}`], record: r.uuid });
  }
  return { mapped, quarantined };
}

export async function relay(o: RelayOptions): Promise<RelaySummary> {
  const log: Log = o.reporter.log;
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new OracleError(`--batch-size ${o.batchSize}: expected a whole number >= 1`, 2);
  if (o.source.kind === "file" && o.writeBack) throw new OracleError("--write-back: only with --source fabric", 2);
  const usesSample = o.source.kind === "file" && SAMPLE_FILES.includes(path.resolve(o.source.file));
  if (o.salt === undefined && !usesSample) {
    throw new OracleError("ORACLE_PARTY_SALT is not set: set the operator's secret salt in the environment or .env (the demo salt only serves the bundled sample on a local chain)", 2);
  }
  if (o.salt !== undefined && o.salt.length < 16) {
    throw new OracleError("ORACLE_PARTY_SALT: too short; use a random secret of at least 16 characters (e.g. 32 random hex digits)", 2);
  }
  const salt = o.salt ?? DEMO_SALT;

  // Read and validate (no chain needed yet).
  const { source, fabric } = await readSource(o);
  try {
    const validated = validateRecords(source.records, source.where);
    const parties = readParties(o.partiesFile);
    const { mapped, quarantined: unmapped } = mapParties(validated.valid, salt, parties, o.partiesFile);
    // Quarantine entries keep the raw record, so an operator can fix it and re-export.
    const rawByUuid = new Map<string, unknown>();
    source.records.forEach((raw) => {
      if (typeof raw === "object" && raw !== null && typeof (raw as { uuid?: unknown }).uuid === "string") rawByUuid.set((raw as { uuid: string }).uuid.trim(), raw);
    });
    const quarantine = [...validated.quarantined, ...unmapped.map((q) => ({ ...q, record: rawByUuid.get(String(q.record)) ?? q.record }))];
    writeQuarantine(o.quarantineFile, quarantine);
    if (quarantine.length > 0) log("quarantined", { count: quarantine.length, file: o.quarantineFile });

    const all = aggregate(mapped, o.period, salt);
    const totals = all.filter((t) => t.grams > 0n);
    const summary: RelaySummary = {
      recordsRead: source.records.length,
      quarantined: quarantine.length,
      alreadyTokenised: validated.alreadyTokenised,
      validRecords: mapped.length,
      totals: all.length,
      totalGrams: all.reduce((s, t) => s + t.grams, 0n).toString(),
      zeroTotals: all.length - totals.length,
      minted: 0,
      skippedAlreadyMinted: 0,
      conflicts: 0,
      conflictList: [],
      transactions: 0,
      gasUsed: "0",
      writtenBack: 0,
      dryRun: o.dryRun,
      quarantineFile: o.quarantineFile,
    };
    log("aggregated", { records: summary.recordsRead, quarantined: summary.quarantined, totals: summary.totals });

    // The chain.
    const policy: RetryPolicy = { retryForMs: o.retryForMs, backoffMs: 200 };
    const { provider, chainId } = await connect(o.rpcUrl, o.rpcTimeoutMs, policy, log).catch((e: unknown) => {
      throw new OracleError(`RPC ${redactUrl(o.rpcUrl)}: unreachable (${shortError(e)})`);
    });
    try {
      summary.chainId = chainId.toString();
      if (o.salt === undefined && !LOCAL_CHAIN_IDS.includes(chainId)) {
        throw new OracleError(`ORACLE_PARTY_SALT is not set; the demo salt is refused on chain ${chainId} (local chains only)`, 2);
      }
      const ledger = resolveLedger(o);
      summary.ledger = ledger;
      const code = await withRetry("getCode", () => provider.getCode(ledger), policy, log);
      if (code === "0x") throw new OracleError(`ledger ${ledger}: no contract on chain ${chainId}`);

      const sender = o.privateKey !== undefined ? wallet(o.privateKey, "ORACLE_PRIVATE_KEY") : undefined;
      if (sender === undefined && !o.dryRun) throw new OracleError("ORACLE_PRIVATE_KEY is not set: the sending key comes from the environment or .env", 2);
      const attesters = o.attesterKeys.map((k, i) => wallet(k, `ORACLE_ATTESTER_KEYS[${i}]`));
      const journal = new Journal(o.journalFile ?? path.join(".oracle", `journal-${chainId}-${ledger.toLowerCase()}.jsonl`));
      try {
        const minter = new Minter({
          provider, chainId, ledger, sender: (sender ?? Wallet.createRandom()) as Wallet, attesters, attestationTtl: o.attestationTtl,
          confirmations: o.confirmations, pollMs: o.pollMs, policy, journal, log,
        });
        if (!o.dryRun) {
          await checkRoles(provider, ledger, sender as Wallet, attesters, policy, log);
          await minter.recover();
        }
        const open = totals.filter((t) => !journal.minted.has(t.evidenceHash));
        const plan = await minter.classify(open.map((t) => request(t, parties)));
        summary.skippedAlreadyMinted = totals.length - open.length + plan.minted.size;
        if (plan.minted.size > 0 && !o.dryRun) journal.append({ k: "minted", tx: null, hashes: [...plan.minted] });
        const noteConflicts = (list: readonly Conflict[]) => {
          for (const c of list) log("conflict", { evidenceHash: c.evidenceHash, id: c.id, differences: c.differences.join(" | ") });
          summary.conflictList.push(...list);
          summary.conflicts = summary.conflictList.length;
        };
        noteConflicts(plan.conflicts);
        const planned = new Set(plan.todo.map((r) => r.evidenceHash));
        const todo = open.filter((t) => planned.has(t.evidenceHash));

        if (o.dryRun) {
          for (const t of todo) log("would-mint", describe(t, parties));
          return summary;
        }
        const gas = { used: 0n };
        let done = totals.length - todo.length;
        o.reporter.progress(done, totals.length);
        for (let i = 0; i < todo.length; i += o.batchSize) {
          const batch = todo.slice(i, i + o.batchSize);
          const r = await minter.mint(batch.map((t) => ({ request: request(t, parties) })));
          summary.minted += r.minted.length;
          summary.skippedAlreadyMinted += r.skipped.length;
          noteConflicts(r.conflicts);
          summary.transactions += r.transactions;
          gas.used += r.gasUsed;
          done += batch.length;
          o.reporter.progress(done, totals.length);
        }
        summary.gasUsed = gas.used.toString();

        if (o.writeBack && fabric !== undefined) {
          for (const t of totals) {
            if (journal.written.has(t.evidenceHash)) continue;
            const r = request(t, parties);
            const id = "0x" + tokenIdOf(r.tokenType, r.issuee, r.evidenceHash).toString(16).padStart(64, "0");
            const w = await fabric.writeBack(`${ledger}:${id}`, t.partyId, t.uuids);
            if (!w.ok) throw new OracleError(w.error);
            journal.append({ k: "written", hash: t.evidenceHash });
            summary.writtenBack++;
            log("written-back", { evidenceHash: t.evidenceHash, records: t.uuids.length });
          }
        }
        return summary;
      } finally {
        journal.close();
      }
    } finally {
      provider.destroy();
    }
  } finally {
    fabric?.close();
    o.reporter.stop();
  }
}

function wallet(key: string, name: string): Wallet {
  // Never let ethers echo a malformed key in its error message.
  if (!isHexKey(key.trim())) throw new OracleError(`${name}: not a 32-byte hex private key`, 2);
  return new Wallet(key.trim().startsWith("0x") ? key.trim() : `0x${key.trim()}`);
}

function resolveLedger(o: RelayOptions): string {
  if (o.ledger !== undefined) {
    if (!isAddress(o.ledger)) throw new OracleError(`--ledger ${o.ledger}: not an address`, 2);
    return getAddress(o.ledger);
  }
  const record = readDeployment(o.network);
  const entry = record?.contracts.CarbonLedger;
  if (entry === undefined) throw new OracleError(`--ledger not given and deployments/${o.network}.json has no CarbonLedger; deploy first or pass --ledger`, 2);
  return getAddress(entry.address);
}

async function checkRoles(provider: JsonRpcProvider, ledger: string, sender: Wallet, attesters: Wallet[], policy: RetryPolicy, log: Log): Promise<void> {
  const c = CarbonLedger__factory.connect(ledger, provider);
  const role = await withRetry("EMISSIONS_AUDITOR_ROLE", () => c.EMISSIONS_AUDITOR_ROLE(), policy, log);
  if (attesters.length === 0) {
    if (!(await withRetry("hasRole", () => c.hasRole(role, sender.address), policy, log))) {
      throw new OracleError(`the ORACLE_PRIVATE_KEY account ${sender.address} lacks EMISSIONS_AUDITOR_ROLE on ${ledger} (or use attestations: ORACLE_ATTESTER_KEYS)`);
    }
    return;
  }
  const threshold = await withRetry("attestationThreshold", () => c.attestationThreshold(), policy, log);
  const distinct = new Set(attesters.map((a) => a.address));
  if (distinct.size < Number(threshold)) throw new OracleError(`ORACLE_ATTESTER_KEYS: ${distinct.size} distinct auditors, the ledger needs ${threshold}`, 2);
  for (const a of attesters) {
    if (!(await withRetry("hasRole", () => c.hasRole(role, a.address), policy, log))) {
      throw new OracleError(`attester ${a.address} lacks EMISSIONS_AUDITOR_ROLE on ${ledger}`);
    }
  }
}

function request(t: AuditedTotal, parties: Map<string, string>): IssueRequest {
  return {
    tokenType: 3,
    issuee: parties.get(t.commitment.toLowerCase()) as string,
    amount: t.grams,
    fromDate: t.fromDate,
    thruDate: t.thruDate,
    evidenceHash: t.evidenceHash,
    records: t.uuids.map(fabricRecordKey),
    metadata: t.metadata,
  };
}

function describe(t: AuditedTotal, parties: Map<string, string>): Record<string, unknown> {
  return {
    evidenceHash: t.evidenceHash,
    partyCommitment: t.commitment,
    issuee: parties.get(t.commitment.toLowerCase()),
    grams: t.grams.toString(),
    fromDate: t.fromDate,
    thruDate: t.thruDate,
    metadata: t.metadata,
  };
}
