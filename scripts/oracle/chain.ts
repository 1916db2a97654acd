/**
 * Talking to the ledger through an unreliable RPC: retries with backoff, one sender per key, transactions signed
 * locally and journaled before broadcast (so a restart can find them), receipts awaited, and the ledger's
 * LedgerEvidenceUsed revert read as "already minted by someone else".
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
  confirmations: number;
  pollMs: number;
  policy: RetryPolicy;
  journal: Journal;
  log: Log;
}

/** Polls after which a transaction the node does not know (and whose nonce is unused) is given up. */
const UNKNOWN_POLLS = 40;

const NONCE_TEXT = /nonce too low|nonce has already been used|already known|known transaction|replacement transaction underpriced|NONCE_EXPIRED|REPLACEMENT_UNDERPRICED/i;

export class Minter {
  readonly ledger: ICarbonLedger;
  private readonly o: MinterOptions;

  constructor(o: MinterOptions) {
    this.o = o;
    this.ledger = ICarbonLedger__factory.connect(o.ledger, o.provider);
  }

  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(what, fn, this.o.policy, this.o.log);
  }

  /**
   * Compares each request with the chain (existingIssuance): identical tokens are already minted, anything else
   * already spent is a conflict, the rest is to do. Runs a few reads per request, in parallel chunks.
   */
  async classify(requests: readonly IssueRequest[]): Promise<Classified> {
    const out: Classified = { minted: new Set(), conflicts: [], todo: [] };
    const issuer = await this.o.sender.getAddress(); // emissions are scoped by their emitter; the issuer is moot
    const reads = this.ledger as unknown as LedgerReads;
    for (let i = 0; i < requests.length; i += 50) {
      const chunk = requests.slice(i, i + 50);
      const found = await Promise.all(
        chunk.map((r) => this.retry("existingIssuance", () => existingIssuance(reads, r, issuer))),
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

  /** After a restart: settle the transactions the journal saw sent but not minted. */
  async recover(): Promise<void> {
    for (const [tx, { nonce, hashes }] of [...this.o.journal.pending]) {
      const receipt = await this.waitReceipt(tx, nonce, undefined);
      if (receipt !== null && receipt.status === 1) this.o.journal.append({ k: "minted", tx, hashes });
      else this.o.journal.drop(tx);
      this.o.log("recovered", { tx, minted: receipt?.status === 1 });
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
   * Looks at the chain again for `items`: those now minted identically (by a racer) are skipped and journaled,
   * conflicts are reported and dropped (never journaled as minted), the rest stay to do.
   */
  private async dropUsed(items: MintItem[], result: MintResult): Promise<MintItem[]> {
    const c = await this.classify(items.map((i) => i.request));
    if (c.minted.size > 0) {
      this.o.journal.append({ k: "minted", tx: null, hashes: [...c.minted] });
      result.skipped.push(...c.minted);
      this.o.log("already-minted", { count: c.minted.size });
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
   * rest resent. Throws on a revert that is not about used evidence (roles, pause, a bad request).
   */
  async mint(batch: readonly MintItem[]): Promise<MintResult> {
    const result: MintResult = { minted: [], skipped: [], conflicts: [], gasUsed: 0n, transactions: 0 };
    let items = [...batch];
    const from = await this.o.sender.getAddress();
    for (let round = 0; items.length > 0; round++) {
      if (round > 20) throw new Error("a batch kept failing without its evidence being used; giving up");
      const data = await this.calldata(items);
      let gas: bigint;
      try {
        gas = await this.retry("estimateGas", () => this.o.provider.estimateGas({ from, to: this.o.ledger, data }));
      } catch (e) {
        const le = this.ledgerError(e);
        if (le !== undefined && SPENT_ERRORS.has(le.name)) {
          const before = items.length;
          items = await this.dropUsed(items, result);
          // Nothing changed at the latest block: a rival's transaction is pending; give it time to be mined.
          if (items.length === before) await sleep(this.o.pollMs * (round + 1));
          continue;
        }
        throw new Error(`the ledger refuses the batch: ${le === undefined ? shortError(e) : `${le.name}(${le.args.map(String).join(", ")})`}`);
      }
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
      this.o.journal.append({ k: "sent", tx: hash, nonce, hashes });
      crashPoint("sent");
      await this.broadcast(signed);
      crashPoint("broadcast");
      const receipt = await this.waitReceipt(hash, nonce, signed);
      crashPoint("receipt");
      if (receipt === null) {
        this.o.journal.drop(hash);
        items = await this.dropUsed(items, result);
        continue;
      }
      result.transactions++;
      result.gasUsed += receipt.gasUsed;
      if (receipt.status === 1) {
        this.o.journal.append({ k: "minted", tx: hash, hashes });
        result.minted.push(...hashes);
        this.o.log("minted", { tx: hash, count: hashes.length, gasUsed: receipt.gasUsed.toString() });
        items = [];
      } else {
        this.o.journal.drop(hash);
        this.o.log("reverted", { tx: hash });
        items = await this.dropUsed(items, result);
      }
    }
    return result;
  }

  /**
   * Broadcasts a signed transaction. "already known" or "nonce too low" mean it (or a rival) got in first; a revert
   * reported at broadcast (nodes that mine on receipt, like Hardhat's automine) means it was mined and failed.
   * Either way the receipt wait decides what happened.
   */
  private async broadcast(signed: string): Promise<void> {
    await this.retry("sendRawTransaction", async () => {
      try {
        await this.o.provider.send("eth_sendRawTransaction", [signed]);
      } catch (e) {
        if (NONCE_TEXT.test(shortError(e)) || NONCE_TEXT.test(String((e as { code?: unknown }).code))) return;
        if (revertData(e) !== undefined) {
          this.o.log("reverted-at-broadcast", { error: this.ledgerError(e)?.name ?? shortError(e) });
          return;
        }
        throw e;
      }
    });
  }

  /**
   * Waits for the receipt of `hash` with the configured confirmations. Returns null when the transaction can no
   * longer be mined (its nonce was used by another transaction). Rebroadcasts `signed` if the node forgot it.
   */
  private async waitReceipt(hash: string, nonce: number, signed: string | undefined): Promise<TransactionReceipt | null> {
    const from = await this.o.sender.getAddress();
    for (let poll = 0; ; poll++) {
      const receipt = await this.retry("getTransactionReceipt", () => this.o.provider.getTransactionReceipt(hash));
      if (receipt !== null) {
        if (this.o.confirmations <= 1) return receipt;
        const head = await this.retry("getBlockNumber", () => this.o.provider.getBlockNumber());
        if (head - receipt.blockNumber + 1 >= this.o.confirmations) return receipt;
      } else {
        const known = await this.retry("getTransaction", () => this.o.provider.getTransaction(hash));
        if (known === null) {
          const mined = await this.retry("getTransactionCount", () => this.o.provider.getTransactionCount(from, "latest"));
          if (mined > nonce) {
            // The nonce is spent; our transaction may have been mined between the two reads.
            const late = await this.retry("getTransactionReceipt", () => this.o.provider.getTransactionReceipt(hash));
            if (late === null) return null;
            continue;
          }
          // After a restart (no signed bytes), or when the node keeps not knowing it: its nonce is unused, so
          // nothing is lost by giving it up; the caller re-checks the chain and builds a new transaction.
          if (signed === undefined || poll >= UNKNOWN_POLLS) return null;
          if (poll % 5 === 4) await this.broadcast(signed);
        }
      }
      await sleep(this.o.pollMs);
    }
  }
}
