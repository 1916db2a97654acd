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
import { deploymentsDirInUse, readDeployment } from "../lib/deployment";
import { ROOT } from "../lib/paths";
import type { IssueRequest } from "../ledger/attestation";
import type { AuditedTotal, PeriodKind } from "./aggregate";
import { aggregate } from "./aggregate";
import { fabricRecordKey, tokenIdOf } from "../ledger/token-id";
import type { Conflict, Log, RetryPolicy } from "./chain";
import { Minter, connect, redactUrl, shortError, withRetry } from "./chain";
import type { FabricOptions, FabricSource } from "./fabric-source";
export { FABRIC_DEFAULTS } from "./fabric-defaults";
import type { SourceRecords } from "./file-source";
import { readExportFile } from "./file-source";
import { Journal } from "./journal";
import type { JournalBinding } from "./journal";
import type { PartyBook } from "./parties";
import { commitmentsOf, mapParties, readPartyBook } from "./parties";
export { mapParties } from "./parties";
import type { Quarantined } from "./records";
import { RECORD_DEFAULTS, validateRecords } from "./records";
import { checkTokenIds } from "./tokenised";
import type { Reporter } from "./reporter";
import type { AuditSummary, RelayAuditOptions } from "./audit";
import { AUDIT_DEFAULTS, auditStage } from "./audit";

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
  | { kind: "fabric"; fabric: FabricOptions; fromDate: string; thruDate: string; overlapDays?: number };

export interface RelayOptions {
  source: RelaySource;
  /** JSON file mapping raw party id -> Ethereum address (parties.ts). */
  partiesFile: string;
  /** The unit of records without `emissionsUom` (ORACLE_EMISSIONS_UNIT; default "t", metric tonnes). */
  emissionsUnit?: string;
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
  /** A sent transaction not mined after this long is replaced with bumped fees (default 60 s). */
  replaceAfterMs?: number;
  /** Fee bumps before a stuck transaction stops the run with an error (default 3). */
  maxReplacements?: number;
  /** Longest wait for a rival's pending transaction or for confirmations (default 10 min). */
  waitForMs?: number;
  attestationTtl: number;
  reporter: Reporter;
  /** The audit against published factors (scripts/oracle/audit.ts); default RELAY_DEFAULTS.audit (flag, 1 %). */
  audit?: RelayAuditOptions;
}

export const RELAY_DEFAULTS = {
  period: "month" as PeriodKind,
  batchSize: 20,
  confirmations: 1,
  quarantineFile: path.join(".oracle", "quarantine.jsonl"),
  rpcTimeoutMs: 20_000,
  retryForMs: 120_000,
  pollMs: 250,
  replaceAfterMs: 60_000,
  maxReplacements: 3,
  waitForMs: 600_000,
  attestationTtl: 3_600,
  audit: { ...AUDIT_DEFAULTS } as RelayAuditOptions,
};

export interface RelaySummary {
  recordsRead: number;
  quarantined: number;
  /** Records whose tokenId names a token of this ledger that covers them (checked on chain): not minted again. */
  alreadyTokenised: number;
  /** Valid records without a document (`md5` empty): minted, and counted here and in their token's metadata. */
  withoutDocument: number;
  validRecords: number;
  totals: number;
  /** Sum of all totals, g CO2e (decimal string). */
  totalGrams: string;
  zeroTotals: number;
  minted: number;
  /** Totals the chain shows minted identically (at the confirmation depth): before this run, or by a rival during it. */
  skippedAlreadyMinted: number;
  /** Of those, the totals another relayer minted while this run was sending them (included in skippedAlreadyMinted). */
  mintedByOthers: number;
  /** Set when the journal belonged to another chain or ledger and was set aside: why. */
  journalReset?: string;
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
  /** The audit's counts (audited, withinTolerance, deviating, unaudited, quarantined) and its file. */
  audit?: AuditSummary & { file: string };
}

const isHexKey = (k: string) => /^(0x)?[0-9a-fA-F]{64}$/.test(k);

/** Reads the party mapping `{ "<raw party id>": "<address>" }` (parties.ts); an unreadable one stops the run. */
export function readParties(file: string): PartyBook {
  const book = readPartyBook(file);
  if (!book.ok) throw new OracleError(book.error);
  return book.value;
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
  const r = await opened.value.select(o.source.fromDate, o.source.thruDate, o.source.overlapDays, o.reporter.log);
  if (!r.ok) {
    opened.value.close();
    throw new OracleError(r.error);
  }
  return { source: r.value, fabric: opened.value };
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
    const validated = validateRecords(source.records, source.where, { ...RECORD_DEFAULTS, ...(o.emissionsUnit !== undefined ? { emissionsUnit: o.emissionsUnit } : {}) });
    const book = readParties(o.partiesFile);
    const parties = commitmentsOf(book, salt);
    const { mapped: resolved, quarantined: unmapped } = mapParties(validated.valid, book, o.partiesFile);
    // Records carrying a tokenId are checked against the ledger once connected, never aggregated.
    const marked = resolved.filter((r) => r.tokenId !== undefined);
    // ---- audit against published factors (scripts/oracle/audit.ts) -------------------------------------------
    // Deviating records are minted with a note (flag) or quarantined with the recomputation (enforce).
    const audited = auditStage(resolved.filter((r) => r.tokenId === undefined), o.audit ?? RELAY_DEFAULTS.audit, o.quarantineFile, log);
    const mapped = audited.keep;
    unmapped.push(...audited.quarantined);
    // ---- end audit --------------------------------------------------------------------------------------------
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
      alreadyTokenised: 0,
      withoutDocument: mapped.filter((r) => !r.hasDocument).length,
      validRecords: mapped.length,
      totals: all.length,
      totalGrams: all.reduce((s, t) => s + t.grams, 0n).toString(),
      zeroTotals: all.length - totals.length,
      minted: 0,
      skippedAlreadyMinted: 0,
      mintedByOthers: 0,
      conflicts: 0,
      conflictList: [],
      transactions: 0,
      gasUsed: "0",
      writtenBack: 0,
      dryRun: o.dryRun,
      quarantineFile: o.quarantineFile,
      audit: audited.summary,
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
      const checked = await checkTokenIds(CarbonLedger__factory.connect(ledger, provider), ledger, marked, (raw) => book.addresses.get(raw) as string,
        (what, fn) => withRetry(what, fn, policy, log));
      summary.alreadyTokenised = checked.alreadyTokenised;

      const sender = o.privateKey !== undefined ? wallet(o.privateKey, "ORACLE_PRIVATE_KEY") : undefined;
      if (sender === undefined && !o.dryRun) throw new OracleError("ORACLE_PRIVATE_KEY is not set: the sending key comes from the environment or .env (on localhost: --account <index>)", 2);
      const attesters = o.attesterKeys.map((k, i) => wallet(k, `ORACLE_ATTESTER_KEYS[${i}]`));
      // The journal belongs to sending: a dry run neither reads nor writes it.
      let journal: Journal | undefined;
      if (!o.dryRun) {
        const genesis = await withRetry("getBlock(0)", () => provider.getBlock(0), policy, log);
        if (genesis?.hash == null) throw new OracleError(`RPC ${redactUrl(o.rpcUrl)}: the node returned no genesis block`);
        const binding: JournalBinding = { chainId: chainId.toString(), genesis: genesis.hash, ledger };
        journal = new Journal(o.journalFile ?? path.join(".oracle", `journal-${chainId}-${ledger.toLowerCase()}.jsonl`), binding);
        if (journal.reset !== undefined) {
          summary.journalReset = journal.reset.reason;
          log("journal-reset", { reason: journal.reset.reason, movedTo: journal.reset.movedTo });
        }
      }
      try {
        const minter = new Minter({
          provider, chainId, ledger, sender: (sender ?? Wallet.createRandom()) as Wallet, attesters, attestationTtl: o.attestationTtl,
          confirmations: o.confirmations, pollMs: o.pollMs, policy, journal, log,
          replaceAfterMs: o.replaceAfterMs ?? RELAY_DEFAULTS.replaceAfterMs,
          maxReplacements: o.maxReplacements ?? RELAY_DEFAULTS.maxReplacements,
          waitForMs: o.waitForMs ?? RELAY_DEFAULTS.waitForMs,
        });
        if (!o.dryRun) {
          await checkRoles(provider, ledger, sender as Wallet, attesters, policy, log);
          await minter.recover();
        }
        // The plan asks the chain, at the confirmation depth, about every total: never the journal.
        // Each total's request once: it hashes every record key (fabricRecordKey), 10,000 keccaks for 1,000
        // totals of 10 records, which were computed again for the batches and the write-back.
        const requests = new Map(totals.map((t) => [t.evidenceHash, request(t, parties)]));
        const requestOf = (t: AuditedTotal) => requests.get(t.evidenceHash) as IssueRequest;
        const plan = await minter.classify(totals.map(requestOf));
        summary.skippedAlreadyMinted = plan.minted.size;
        const noteConflicts = (list: readonly Conflict[]) => {
          for (const c of list) log("conflict", { evidenceHash: c.evidenceHash, id: c.id, differences: c.differences.join(" | ") });
          summary.conflictList.push(...list);
          summary.conflicts = summary.conflictList.length;
        };
        noteConflicts(checked.conflicts);
        noteConflicts(plan.conflicts);
        const planned = new Set(plan.todo.map((r) => r.evidenceHash));
        const todo = totals.filter((t) => planned.has(t.evidenceHash));

        if (o.dryRun) {
          for (const t of todo) log("would-mint", describe(t, parties));
          return summary;
        }
        const gas = { used: 0n };
        let done = totals.length - todo.length;
        o.reporter.progress(done, totals.length);
        for (let i = 0; i < todo.length; i += o.batchSize) {
          const batch = todo.slice(i, i + o.batchSize);
          const r = await minter.mint(batch.map((t) => ({ request: requestOf(t) })));
          summary.minted += r.minted.length;
          summary.skippedAlreadyMinted += r.skipped.length;
          summary.mintedByOthers += r.skipped.length;
          noteConflicts(r.conflicts);
          summary.transactions += r.transactions;
          gas.used += r.gasUsed;
          done += batch.length;
          o.reporter.progress(done, totals.length);
        }
        summary.gasUsed = gas.used.toString();

        if (o.writeBack && fabric !== undefined && journal !== undefined) {
          for (const t of totals) {
            if (journal.written.has(t.evidenceHash)) continue;
            const r = requestOf(t);
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
        journal?.close();
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
  const record = readDeployment(o.network, deploymentsDirInUse());
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
