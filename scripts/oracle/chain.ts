/**
 * Talking to the ledger through an unreliable RPC: retries with backoff, one sender per key, transactions signed
 * locally and journaled before broadcast (so a restart can find them), receipts awaited to the confirmation depth,
 * stuck transactions replaced (same nonce, bumped fees) or abandoned, every wait bounded, and the ledger's
 * LedgerEvidenceUsed revert read as "already minted by someone else" once the chain shows it.
 */
import { FetchRequest, JsonRpcProvider, Network, Transaction, Wallet, keccak256 } from "ethers";
import type { TransactionReceipt } from "ethers";
import { ICarbonLedger__factory } from "../../typechain-types/factories/contracts/ledger/ICarbonLedger__factory";
import type { ICarbonLedger } from "../../typechain-types/contracts/ledger/ICarbonLedger";
import type { IssueRequest } from "../ledger/attestation";
import { attestationDomain, signAttestation } from "../ledger/attestation";
import type { LedgerReads } from "../ledger/existing";
import { existingIssuance } from "../ledger/existing";
import type { Journal } from "./journal";
import { broadcastReply } from "./node-replies";

/** Emits progress/log events; implemented by the reporter. */
export type Log = (event: string, fields?: Record<string, unknown>) => void;

export interface RetryPolicy {
  /** Give up on a failing RPC after this long (ms). */
  retryForMs: number;
  /** First backoff (ms); doubles up to 5 s. */
  backoffMs: number;
}

const TRANSIENT_CODES = new Set(["NETWORK_ERROR", "TIMEOUT", "SERVER_ERROR"]);
const TRANSIENT_TEXT = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|fetch failed|timeout|timed out|network error|Bad Gateway|Gateway Timeout|Service Unavailable|connection/i;

/** Whether an error looks like the network or the node, not like a verdict on the request. */
export function isTransient(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const err = e as { code?: unknown; message?: unknown };
  if (err.code === "CALL_EXCEPTION" || err.code === "INSUFFICIENT_FUNDS" || err.code === "NONCE_EXPIRED") return false;
  if (typeof err.code === "string" && TRANSIENT_CODES.has(err.code)) return true;
  return typeof err.message === "string" && TRANSIENT_TEXT.test(err.message);
}

/**
 * Fault injection for the crash tests, off unless set: ORACLE_CRASH_POINT="<point>:<n>" kills this process with
 * SIGKILL the n-th time it reaches <point>: "sent" (journaled, not broadcast), "broadcast" (sent, no receipt
 * yet) or "receipt" (mined, not journaled).
 */
const crashAt = /^(sent|broadcast|receipt):(\d+)$/.exec(process.env.ORACLE_CRASH_POINT ?? "");
const reached = new Map<string, number>();
function crashPoint(point: "sent" | "broadcast" | "receipt"): void {
  if (crashAt === null || crashAt[1] !== point) return;
  const n = (reached.get(point) ?? 0) + 1;
  reached.set(point, n);
  if (n === Number(crashAt[2])) process.kill(process.pid, "SIGKILL");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(what: string, fn: () => Promise<T>, policy: RetryPolicy, log: Log): Promise<T> {
  const start = Date.now();
  let wait = policy.backoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransient(e) || Date.now() - start > policy.retryForMs) throw e;
      log("rpc-retry", { what, attempt, waitMs: wait, error: shortError(e) });
      await sleep(wait);
      wait = Math.min(wait * 2, 5_000);
    }
  }
}

export function shortError(e: unknown): string {
  const err = e as { shortMessage?: unknown; message?: unknown };
  const m = typeof err?.shortMessage === "string" ? err.shortMessage : typeof err?.message === "string" ? err.message : String(e);
  return m.split("\n")[0]?.slice(0, 200) ?? "";
}

/** The revert data carried by an ethers error, wherever the provider put it. */
export function revertData(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): string | undefined => {
    if (typeof v !== "object" || v === null || seen.has(v) || depth > 5) return undefined;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (typeof o.data === "string" && /^0x[0-9a-fA-F]{8}/.test(o.data)) return o.data;
    for (const k of ["error", "info", "data", "cause"]) {
      const found = walk(o[k], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(e, 0);
}

/** A provider that never re-detects the network (so a node outage is an error we retry, not a hang). */
export async function connect(url: string, timeoutMs: number, policy: RetryPolicy, log: Log): Promise<{ provider: JsonRpcProvider; chainId: bigint }> {
  const request = () => {
    const r = new FetchRequest(url);
    r.timeout = timeoutMs;
    return r;
  };
  const chainId = await withRetry("eth_chainId", async () => {
    const r = request();
    r.body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
    r.setHeader("content-type", "application/json");
    const response = await r.send();
    response.assertOk();
    const body: unknown = response.bodyJson;
    const result = typeof body === "object" && body !== null ? (body as { result?: unknown }).result : undefined;
    if (typeof result !== "string") throw new Error(`RPC ${redactUrl(url)}: eth_chainId returned no result`);
    return BigInt(result);
  }, policy, log);
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(request(), network, { staticNetwork: network, batchMaxCount: 1, polling: false, cacheTimeout: -1 });
  return { provider, chainId };
}

/** An RPC URL without credentials or API keys in its path/query, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(invalid URL)";
  }
}

export interface MintItem {
  request: IssueRequest;
}

/** An evidence hash already used on chain for something other than what was meant: never recorded as minted. */
export interface Conflict {
  evidenceHash: string;
  id: string;
  differences: string[];
}

export interface MintResult {
  minted: string[];
  /** Evidence hashes another relayer minted while this batch was being sent (estimate or transaction reverted). */
  skipped: string[];
  conflicts: Conflict[];
  gasUsed: bigint;
  transactions: number;
}

/** What the chain holds for a list of requests: identical tokens (skip), conflicts (report), the rest (mint). */
export interface Classified {
  minted: Set<string>;
  conflicts: Conflict[];
  todo: IssueRequest[];
}

/**
 * The largest gas a transaction may ask for: EIP-7825's cap (2^24), which Hardhat enforces, and below Gnosis
 * Chain's 17M block gas limit. A batch estimated above it is split in two.
 */
export const TX_GAS_CAP = 16_777_216n;

/** The ledger errors that mean "this evidence or one of these records is spent": look at the chain again. */
const SPENT_ERRORS = new Set(["LedgerEvidenceUsed", "LedgerRecordUsed"]);

export interface MinterOptions {
  provider: JsonRpcProvider;
  chainId: bigint;
  ledger: string;
  sender: Wallet;
  /** Attesting auditors; empty: the sender issues directly with issueBatch. */
  attesters: Wallet[];
  attestationTtl: number;
  /** Blocks a transaction (and the plan's reads) must be under: the plan reads at `head - confirmations + 1`. */
  confirmations: number;
  pollMs: number;
  /** A sent transaction not mined after this long is replaced with bumped fees (or abandoned after a nonce gap). */
  replaceAfterMs: number;
  /** Fee bumps before a transaction that is still not mined is given up with an error. */
  maxReplacements: number;
  /** The longest the oracle waits for anything else: a rival's pending transaction, confirmations. */
  waitForMs: number;
  policy: RetryPolicy;
  /** The send journal; not needed to plan (classify). */
  journal?: Journal;
  log: Log;
}

/** Every signed version of one nonce of ours: the first transaction and its fee-bumped replacements. */
interface Flight {
  nonce: number;
  /** Evidence hashes the transaction mints. */
  hashes: string[];
  versions: { tx: string; signed?: string; unsigned?: Transaction }[];
}

/** Polls between rebroadcasts of a transaction the node does not know. */
const REBROADCAST_EVERY = 5;

/** `fee` raised by at least 12.5% (EIP-1559 pools replace at +10%; geth's default price bump is 10%), rounded up. */
export const bumped = (fee: bigint): bigint => fee + (fee + 7n) / 8n;

/** The fees of a replacement: the old ones bumped, or what the node asks now if that is more. */
export function replacementFees(
  old: { type: number; maxFeePerGas?: bigint | null; maxPriorityFeePerGas?: bigint | null; gasPrice?: bigint | null },
  now: { maxFeePerGas: bigint | null; maxPriorityFeePerGas: bigint | null; gasPrice: bigint | null },
): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { gasPrice: bigint } {
  const max = (a: bigint, b: bigint | null | undefined) => (b !== null && b !== undefined && b > a ? b : a);
  if (old.type === 2) {
    const tip = max(bumped(old.maxPriorityFeePerGas ?? 0n), now.maxPriorityFeePerGas);
    const fee = max(max(bumped(old.maxFeePerGas ?? 0n), now.maxFeePerGas), tip);
    return { maxFeePerGas: fee, maxPriorityFeePerGas: tip };
  }
  return { gasPrice: max(bumped(old.gasPrice ?? 0n), now.gasPrice) };
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export class Minter {
  readonly ledger: ICarbonLedger;
  private readonly o: MinterOptions;

  constructor(o: MinterOptions) {
    this.o = o;
    this.ledger = ICarbonLedger__factory.connect(o.ledger, o.provider);
  }

  private get journal(): Journal {
    if (this.o.journal === undefined) throw new Error("the minter has no journal: it can only plan");
    return this.o.journal;
  }

  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(what, fn, this.o.policy, this.o.log);
  }

  /** The block the plan reads at: `head - confirmations + 1`, so only confirmed tokens count as minted. */
  async confirmedBlock(): Promise<number> {
    const head = await this.retry("getBlockNumber", () => this.o.provider.getBlockNumber());
    return Math.max(0, head - Math.max(1, this.o.confirmations) + 1);
  }

  /**
   * Compares each request with the chain at the confirmation depth (existingIssuance): identical tokens are
   * already minted, anything else already spent is a conflict, the rest is to do. Runs a few reads per request, in
   * parallel chunks.
   */
  async classify(requests: readonly IssueRequest[]): Promise<Classified> {
    const out: Classified = { minted: new Set(), conflicts: [], todo: [] };
    const issuer = await this.o.sender.getAddress(); // emissions are scoped by their emitter; the issuer is moot
    const reads = this.ledger as unknown as LedgerReads;
    const block = await this.confirmedBlock();
    // The ledger deployed after the confirmed block holds nothing there yet.
    const code = await this.retry("getCode", () => this.o.provider.getCode(this.o.ledger, block));
    if (code === "0x") return { ...out, todo: [...requests] };
    for (let i = 0; i < requests.length; i += 50) {
      const chunk = requests.slice(i, i + 50);
      const found = await Promise.all(
        chunk.map((r) => this.retry("existingIssuance", () => existingIssuance(reads, r, issuer, block))),
      );
      found.forEach((f, j) => {
        const r = chunk[j] as IssueRequest;
        if (f.status === "minted") out.minted.add(r.evidenceHash);
        else if (f.status === "conflict") {
          out.conflicts.push({ evidenceHash: r.evidenceHash, id: "0x" + f.id.toString(16).padStart(64, "0"), differences: f.differences });
        } else out.todo.push(r);
      });
    }
    return out;
  }

  /**
   * After a restart: settle the transactions the journal saw sent but not settled, nonce by nonce. Each is awaited
   * (bounded), replaced if stuck, abandoned after a nonce gap (a rollback); what was not mined is forgotten, and the
   * plan, which asks the chain, mints it again.
   */
  async recover(): Promise<void> {
    for (const group of this.journal.inFlight()) {
      const flight: Flight = { nonce: group.nonce, hashes: group.hashes, versions: group.txs.map((tx) => ({ tx })) };
      const settled = await this.settle(flight);
      const minted = settled !== null && settled.receipt.status === 1;
      if (minted) this.journal.append({ k: "minted", tx: settled.tx, hashes: group.hashes });
      else for (const v of flight.versions) this.journal.drop(v.tx);
      this.o.log("recovered", { tx: settled?.tx ?? group.txs[0], nonce: group.nonce, minted });
    }
  }

  private async calldata(items: readonly MintItem[]): Promise<string> {
    const requests = items.map((i) => i.request);
    if (this.o.attesters.length === 0) return this.ledger.interface.encodeFunctionData("issueBatch", [requests]);
    const block = await this.retry("getBlock", () => this.o.provider.getBlock("latest"));
    const deadline = BigInt((block?.timestamp ?? Math.floor(Date.now() / 1000)) + this.o.attestationTtl);
    const domain = attestationDomain(this.o.chainId, this.o.ledger);
    const attestations = await Promise.all(requests.map((r) => signAttestation(r, deadline, this.o.attesters, domain)));
    return this.ledger.interface.encodeFunctionData("issueAttestedBatch", [attestations]);
  }

  /** The ledger error an estimate or a reverted call carries, decoded, if any. */
  private ledgerError(e: unknown): { name: string; args: unknown[] } | undefined {
    const data = revertData(e);
    if (data === undefined) return undefined;
    try {
      const parsed = this.ledger.interface.parseError(data);
      return parsed === null ? undefined : { name: parsed.name, args: [...parsed.args] };
    } catch {
      return undefined;
    }
  }

  /**
   * Looks at the chain again (at the confirmation depth) for `items`: those now minted identically by someone else
   * are skipped, conflicts are reported and dropped, the rest stay to do. Nothing goes to the journal: it is not
   * the journal's to say what is minted.
   */
  private async dropUsed(items: MintItem[], result: MintResult): Promise<MintItem[]> {
    const c = await this.classify(items.map((i) => i.request));
    if (c.minted.size > 0) {
      result.skipped.push(...c.minted);
      this.o.log("minted-by-others", { count: c.minted.size });
    }
    for (const conflict of c.conflicts) {
      result.conflicts.push(conflict);
      this.o.log("conflict", { evidenceHash: conflict.evidenceHash, id: conflict.id, differences: conflict.differences.join(" | ") });
    }
    const gone = new Set([...c.minted, ...c.conflicts.map((x) => x.evidenceHash)]);
    return items.filter((i) => !gone.has(i.request.evidenceHash));
  }

  /**
   * Mints `batch` in one transaction, exactly once: items another relayer minted meanwhile are dropped and the
   * rest resent. When gas estimation (which sees pending transactions) reverts for spent evidence that the
   * confirmed chain does not show yet, a rival's transaction is on its way: wait for it, with backoff, until the
   * chain shows it or it disappears, at most `waitForMs`. Throws on a revert that is not about used evidence
   * (roles, pause, a bad request).
   */
  async mint(batch: readonly MintItem[]): Promise<MintResult> {
    const result: MintResult = { minted: [], skipped: [], conflicts: [], gasUsed: 0n, transactions: 0 };
    let items = [...batch];
    const from = await this.o.sender.getAddress();
    let rivalSince: number | undefined;
    let backoff = this.o.pollMs;
    while (items.length > 0) {
      const data = await this.calldata(items);
      let gas: bigint;
      try {
        gas = await this.retry("estimateGas", () => this.o.provider.estimateGas({ from, to: this.o.ledger, data }));
      } catch (e) {
        const le = this.ledgerError(e);
        if (le !== undefined && SPENT_ERRORS.has(le.name)) {
          const before = items.length;
          items = await this.dropUsed(items, result);
          if (items.length < before) {
            rivalSince = undefined;
            backoff = this.o.pollMs;
            continue;
          }
          // The confirmed chain does not show it yet: a rival's transaction is pending (or not yet confirmed).
          rivalSince ??= Date.now();
          const waited = Date.now() - rivalSince;
          if (waited > this.o.waitForMs) {
            throw new Error(
              `gas estimation keeps reverting with ${le.name}(${le.args.map(String).join(", ")}) for ${seconds(waited)}, but the chain ` +
                `(at ${this.o.confirmations} confirmation(s)) never showed the evidence used: a rival's transaction stays pending; rerun later`,
            );
          }
          this.o.log("rival-pending", { error: le.name, totals: items.length, waitMs: backoff });
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 5_000);
          continue;
        }
        throw new Error(`the ledger refuses the batch: ${le === undefined ? shortError(e) : `${le.name}(${le.args.map(String).join(", ")})`}`);
      }
      rivalSince = undefined;
      backoff = this.o.pollMs;
      if (gas > TX_GAS_CAP && items.length > 1) {
        // Too large for one transaction: mint the halves one after the other.
        const half = Math.ceil(items.length / 2);
        for (const part of [items.slice(0, half), items.slice(half)]) {
          const r = await this.mint(part);
          result.minted.push(...r.minted);
          result.skipped.push(...r.skipped);
          result.conflicts.push(...r.conflicts);
          result.gasUsed += r.gasUsed;
          result.transactions += r.transactions;
        }
        return result;
      }
      const nonce = await this.retry("getTransactionCount", () => this.o.provider.getTransactionCount(from, "pending"));
      const fees = await this.retry("getFeeData", () => this.o.provider.getFeeData());
      const tx = Transaction.from({
        to: this.o.ledger,
        data,
        nonce,
        chainId: this.o.chainId,
        // 20% headroom, within the cap when the estimate itself fits.
        gasLimit: (gas * 12n) / 10n > TX_GAS_CAP && gas <= TX_GAS_CAP ? TX_GAS_CAP : (gas * 12n) / 10n,
        ...(fees.maxFeePerGas !== null
          ? { type: 2, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n }
          : { type: 0, gasPrice: fees.gasPrice ?? 0n }),
      });
      const signed = await this.o.sender.signTransaction(tx);
      const hash = keccak256(signed);
      const hashes = items.map((i) => i.request.evidenceHash);
      this.journal.append({ k: "sent", tx: hash, nonce, hashes });
      crashPoint("sent");
      await this.broadcast(signed);
      crashPoint("broadcast");
      const flight: Flight = { nonce, hashes, versions: [{ tx: hash, signed, unsigned: tx }] };
      const settled = await this.settle(flight);
      crashPoint("receipt");
      if (settled === null) {
        for (const v of flight.versions) this.journal.drop(v.tx);
        items = await this.dropUsed(items, result);
        continue;
      }
      const { receipt, tx: mined } = settled;
      result.transactions++;
      result.gasUsed += receipt.gasUsed;
      if (receipt.status === 1) {
        this.journal.append({ k: "minted", tx: mined, hashes });
        result.minted.push(...hashes);
        this.o.log("minted", { tx: mined, count: hashes.length, gasUsed: receipt.gasUsed.toString() });
        items = [];
      } else {
        for (const v of flight.versions) this.journal.drop(v.tx);
        this.o.log("reverted", { tx: mined });
        items = await this.dropUsed(items, result);
      }
    }
    return result;
  }

  /**
   * Broadcasts a signed transaction. The "already sent" replies of the clients (node-replies.ts) mean it, or a
   * rival with its nonce, is in; a revert reported at broadcast (nodes that mine on receipt, like Hardhat's automine)
   * means it was mined and failed. Either way the receipt wait decides what happened.
   */
  private async broadcast(signed: string): Promise<void> {
    await this.retry("sendRawTransaction", async () => {
      try {
        await this.o.provider.send("eth_sendRawTransaction", [signed]);
      } catch (e) {
        const reply = broadcastReply(e);
        if (reply !== undefined) {
          if (reply !== "known") this.o.log("broadcast-reply", { reply, error: shortError(e) });
          return;
        }
        if (revertData(e) !== undefined) {
          this.o.log("reverted-at-broadcast", { error: this.ledgerError(e)?.name ?? shortError(e) });
          return;
        }
        throw e;
      }
    });
  }

  /**
   * Waits until one version of `flight` is mined and confirmed, and returns its receipt; or returns null when none
   * can be mined any more: its nonce went to another transaction, the node does not know it and it cannot be
   * rebroadcast (after a restart), or a nonce gap (a rollback) keeps it from ever being mined. A transaction not
   * mined `replaceAfterMs` after it was sent is replaced with bumped fees, at most `maxReplacements` times; then the
   * run stops with an error naming the transaction and its nonce. No wait is unbounded.
   */
  private async settle(flight: Flight): Promise<{ receipt: TransactionReceipt; tx: string } | null> {
    const from = await this.o.sender.getAddress();
    const started = Date.now();
    let lastSent = started;
    let bumps = 0;
    for (let poll = 0; ; poll++) {
      for (const v of flight.versions) {
        const receipt = await this.retry("getTransactionReceipt", () => this.o.provider.getTransactionReceipt(v.tx));
        if (receipt === null) continue;
        const confirmed = await this.confirm(v.tx, flight.nonce, receipt);
        if (confirmed !== null) return { receipt: confirmed, tx: v.tx };
      }
      const mined = await this.retry("getTransactionCount", () => this.o.provider.getTransactionCount(from, "latest"));
      if (mined > flight.nonce) {
        // The nonce is spent; one of ours may have been mined between the reads.
        const late = await this.minedVersion(flight);
        if (late === undefined) return null;
        continue;
      }
      const last = flight.versions[flight.versions.length - 1]!;
      const known = await this.retry("getTransaction", () => this.o.provider.getTransaction(last.tx));
      if (known === null) {
        // The node never got it or forgot it (a restart, a rollback). Without its bytes (after a restart of ours)
        // nothing is lost by forgetting it: its nonce is unused; the chain says what is still to mint.
        if (last.signed === undefined) return null;
        if (poll % REBROADCAST_EVERY === REBROADCAST_EVERY - 1) await this.rebroadcast(last.signed, last.tx, flight.nonce);
      }
      if (Date.now() - lastSent >= this.o.replaceAfterMs) {
        if (mined < flight.nonce) {
          const pending = await this.retry("getTransactionCount", () => this.o.provider.getTransactionCount(from, "pending"));
          if (pending <= flight.nonce) {
            this.o.log("abandoned", { tx: last.tx, nonce: flight.nonce, reason: `nonce gap: the chain's next nonce for ${from} is ${mined}` });
            return null;
          }
        }
        if (bumps >= this.o.maxReplacements) {
          throw new Error(
            `transaction ${last.tx} (nonce ${flight.nonce}) is not mined ${seconds(Date.now() - started)} after it was sent, ` +
              `after ${bumps} fee bump(s): giving up; a rerun settles it (it may still be mined)`,
          );
        }
        const base = last.unsigned ?? (known === null ? undefined : this.unsignedOf(known));
        if (base !== undefined) {
          const fees = await this.retry("getFeeData", () => this.o.provider.getFeeData());
          const next = Transaction.from({
            type: base.type === 2 ? 2 : 0, to: base.to, data: base.data, nonce: base.nonce, gasLimit: base.gasLimit, chainId: base.chainId,
            ...replacementFees({ type: base.type ?? 0, maxFeePerGas: base.maxFeePerGas, maxPriorityFeePerGas: base.maxPriorityFeePerGas, gasPrice: base.gasPrice }, fees),
          });
          const signed = await this.o.sender.signTransaction(next);
          const hash = keccak256(signed);
          this.journal.append({ k: "sent", tx: hash, nonce: flight.nonce, hashes: flight.hashes });
          flight.versions.push({ tx: hash, signed, unsigned: next });
          this.o.log("replaced", { tx: last.tx, by: hash, nonce: flight.nonce, afterMs: Date.now() - lastSent });
          await this.rebroadcast(signed, hash, flight.nonce);
        }
        lastSent = Date.now();
        bumps++;
      }
      await sleep(this.o.pollMs);
    }
  }

  /** The version of `flight` that is mined, if any. */
  private async minedVersion(flight: Flight): Promise<string | undefined> {
    for (const v of flight.versions) {
      if ((await this.retry("getTransactionReceipt", () => this.o.provider.getTransactionReceipt(v.tx))) !== null) return v.tx;
    }
    return undefined;
  }

  /** A transaction the node returned, as an unsigned transaction of ours to bump (after a restart). */
  private unsignedOf(t: { type: number; to: string | null; data: string; nonce: number; gasLimit: bigint; chainId: bigint; maxFeePerGas: bigint | null; maxPriorityFeePerGas: bigint | null; gasPrice: bigint }): Transaction {
    return Transaction.from({
      type: t.type === 2 ? 2 : 0,
      to: t.to,
      data: t.data,
      nonce: t.nonce,
      gasLimit: t.gasLimit,
      chainId: t.chainId === 0n ? this.o.chainId : t.chainId,
      ...(t.type === 2 ? { maxFeePerGas: t.maxFeePerGas, maxPriorityFeePerGas: t.maxPriorityFeePerGas } : { gasPrice: t.gasPrice }),
    });
  }

  /** Sends again while waiting: a refusal is logged, not thrown (the wait goes on, and may replace it). */
  private async rebroadcast(signed: string, tx: string, nonce: number): Promise<void> {
    try {
      await this.broadcast(signed);
    } catch (e) {
      this.o.log("rebroadcast-refused", { tx, nonce, error: shortError(e) });
    }
  }

  /**
   * Waits for `confirmations` blocks on a mined transaction; returns its receipt then, or null if a reorg took it
   * out meanwhile (the caller waits again). Bounded by `waitForMs`.
   */
  private async confirm(tx: string, nonce: number, first: TransactionReceipt): Promise<TransactionReceipt | null> {
    if (this.o.confirmations <= 1) return first;
    const started = Date.now();
    for (;;) {
      const receipt = await this.retry("getTransactionReceipt", () => this.o.provider.getTransactionReceipt(tx));
      if (receipt === null) return null;
      const head = await this.retry("getBlockNumber", () => this.o.provider.getBlockNumber());
      const have = head - receipt.blockNumber + 1;
      if (have >= this.o.confirmations) return receipt;
      if (Date.now() - started > this.o.waitForMs) {
        throw new Error(
          `transaction ${tx} (nonce ${nonce}) was mined in block ${receipt.blockNumber} but has ${have} of ${this.o.confirmations} ` +
            `confirmations after ${seconds(Date.now() - started)}: is the chain producing blocks?`,
        );
      }
      await sleep(this.o.pollMs);
    }
  }
}
