/**
 * The local journal of `send`: an append-only JSON-lines file, each line fsync'd before the oracle goes on. It keeps
 * the transactions in flight (signed and journaled before broadcast, so a restart can find and settle them) and the
 * Fabric write-backs done; it never says what is minted: the plan asks the chain, at the confirmation depth.
 *
 * The journal is bound to one chain and ledger: its first line names the chain id, the genesis block hash and the
 * ledger address. A journal written for another chain (a reset local node, another network, another ledger) is never
 * trusted: it is renamed aside and a fresh one is started, and the reason is reported. A line torn by a crash is the
 * last one and is ignored.
 */
import fs from "node:fs";
import path from "node:path";

/** What the journal is bound to: the chain (id and genesis block hash) and the ledger. */
export interface JournalBinding {
  chainId: string;
  genesis: string;
  ledger: string;
}

export type JournalEntry =
  /** The first line: the chain and ledger this journal belongs to. */
  | ({ k: "chain" } & JournalBinding)
  /** A signed transaction about to be broadcast (or a fee-bumped replacement of one: same nonce), with the evidence hashes it mints. */
  | { k: "sent"; tx: string; nonce: number; hashes: string[] }
  /** `tx` was mined and confirmed (successfully): it and every other version of its nonce are settled. */
  | { k: "minted"; tx: string; hashes: string[] }
  /** A sent transaction that will not be mined (never broadcast, its nonce went to another one, reverted, abandoned). */
  | { k: "dropped"; tx: string }
  /** The Fabric write-back of this evidence hash's records is done. */
  | { k: "written"; hash: string };

const isEntry = (v: unknown): v is JournalEntry => {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  const hashes = (h: unknown) => Array.isArray(h) && h.every((x) => typeof x === "string");
  if (e.k === "chain") return typeof e.chainId === "string" && typeof e.genesis === "string" && typeof e.ledger === "string";
  if (e.k === "sent") return typeof e.tx === "string" && typeof e.nonce === "number" && hashes(e.hashes);
  if (e.k === "minted") return typeof e.tx === "string" && hashes(e.hashes);
  if (e.k === "dropped") return typeof e.tx === "string";
  if (e.k === "written") return typeof e.hash === "string";
  return false;
};

/** Why a journal's binding does not match the chain in front of us; undefined when it does. */
export function bindingMismatch(found: JournalBinding | undefined, now: JournalBinding): string | undefined {
  if (found === undefined) return "journal has no chain binding";
  if (found.chainId !== now.chainId) return `chain id changed (journal ${found.chainId}, node ${now.chainId})`;
  if (found.genesis.toLowerCase() !== now.genesis.toLowerCase()) return "chain genesis changed";
  if (found.ledger.toLowerCase() !== now.ledger.toLowerCase()) return `ledger changed (journal ${found.ledger}, now ${now.ledger})`;
  return undefined;
}

export class Journal {
  readonly written = new Set<string>();
  /** Sent transactions not settled yet, by tx hash (several per nonce after fee-bumped replacements). */
  readonly pending = new Map<string, { nonce: number; hashes: string[] }>();
  /** Set when an existing journal belonged to another chain or ledger: why, and where it was moved. */
  readonly reset: { reason: string; movedTo: string } | undefined;
  private fd: number | undefined;
  /** Whether the file already starts with this chain's binding. */
  private bound = false;

  constructor(readonly file: string, readonly binding: JournalBinding) {
    if (!fs.existsSync(file)) return;
    const entries: JournalEntry[] = [];
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // a torn last line
      }
      if (isEntry(entry)) entries.push(entry);
    }
    if (entries.length === 0) return;
    const head = entries[0];
    const reason = bindingMismatch(head?.k === "chain" ? head : undefined, binding);
    if (reason !== undefined) {
      const movedTo = `${file}.reset-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      fs.renameSync(file, movedTo);
      this.reset = { reason, movedTo };
      return;
    }
    this.bound = true;
    for (const e of entries) this.apply(e);
  }

  /** The transactions in flight, grouped by nonce (each group: the first version and its replacements), by nonce. */
  inFlight(): { nonce: number; txs: string[]; hashes: string[] }[] {
    const byNonce = new Map<number, { nonce: number; txs: string[]; hashes: string[] }>();
    for (const [tx, { nonce, hashes }] of this.pending) {
      const group = byNonce.get(nonce) ?? { nonce, txs: [], hashes };
      group.txs.push(tx);
      byNonce.set(nonce, group);
    }
    return [...byNonce.values()].sort((a, b) => a.nonce - b.nonce);
  }

  private apply(e: JournalEntry): void {
    if (e.k === "sent") this.pending.set(e.tx, { nonce: e.nonce, hashes: e.hashes });
    else if (e.k === "minted") {
      // Its nonce is used: no other version of it can be mined any more.
      const nonce = this.pending.get(e.tx)?.nonce;
      for (const [tx, p] of [...this.pending]) if (tx === e.tx || (nonce !== undefined && p.nonce === nonce)) this.pending.delete(tx);
    } else if (e.k === "dropped") this.pending.delete(e.tx);
    else if (e.k === "written") this.written.add(e.hash);
  }

  /** Appends and fsyncs one entry (the chain binding first, in a new file); returns once it is on disk. */
  append(e: JournalEntry): void {
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, "a");
      const size = fs.fstatSync(this.fd).size;
      if (size > 0) {
        // Terminate a torn line left by a crash, so the next entry starts on its own line.
        const last = Buffer.alloc(1);
        const rfd = fs.openSync(this.file, "r");
        fs.readSync(rfd, last, 0, 1, size - 1);
        fs.closeSync(rfd);
        if (last.toString() !== "\n") fs.writeSync(this.fd, "\n");
      }
      if (!this.bound) fs.writeSync(this.fd, JSON.stringify({ k: "chain", ...this.binding }) + "\n");
      this.bound = true;
    }
    fs.writeSync(this.fd, JSON.stringify(e) + "\n");
    fs.fsyncSync(this.fd);
    this.apply(e);
  }

  /** Forgets a sent transaction that will not be mined; its totals are compared with the chain again. */
  drop(tx: string): void {
    this.append({ k: "dropped", tx });
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
