/**
 * The local journal: an append-only JSON-lines file, each line fsync'd before the oracle goes on. It only saves
 * work after a restart (finished totals are not re-checked, sent transactions are awaited); the chain decides
 * what is minted. A line torn by a crash is the last one and is ignored.
 */
import fs from "node:fs";
import path from "node:path";

export type JournalEntry =
  /** A signed transaction about to be broadcast, with the evidence hashes it mints. */
  | { k: "sent"; tx: string; nonce: number; hashes: string[] }
  /** These evidence hashes are minted on chain (by us: `tx`; or found already used: `tx` null). */
  | { k: "minted"; tx: string | null; hashes: string[] }
  /** A sent transaction that can no longer be mined (never broadcast, or its nonce went to another one). */
  | { k: "dropped"; tx: string }
  /** The Fabric write-back of this evidence hash's records is done. */
  | { k: "written"; hash: string };

const isEntry = (v: unknown): v is JournalEntry => {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  const hashes = (h: unknown) => Array.isArray(h) && h.every((x) => typeof x === "string");
  if (e.k === "sent") return typeof e.tx === "string" && typeof e.nonce === "number" && hashes(e.hashes);
  if (e.k === "minted") return (typeof e.tx === "string" || e.tx === null) && hashes(e.hashes);
  if (e.k === "dropped") return typeof e.tx === "string";
  if (e.k === "written") return typeof e.hash === "string";
  return false;
};

export class Journal {
  readonly minted = new Set<string>();
  readonly written = new Set<string>();
  /** Sent transactions not (yet) known to be minted, by tx hash. */
  readonly pending = new Map<string, { nonce: number; hashes: string[] }>();
  private fd: number | undefined;

  constructor(readonly file: string) {
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        let entry: unknown;
        try {
          entry = JSON.parse(line);
        } catch {
          continue; // a torn last line
        }
        if (isEntry(entry)) this.apply(entry);
      }
    }
  }

  private apply(e: JournalEntry): void {
    if (e.k === "sent") this.pending.set(e.tx, { nonce: e.nonce, hashes: e.hashes });
    else if (e.k === "minted") {
      for (const h of e.hashes) this.minted.add(h);
      if (e.tx !== null) this.pending.delete(e.tx);
    } else if (e.k === "dropped") this.pending.delete(e.tx);
    else this.written.add(e.hash);
  }

  /** Appends and fsyncs one entry; returns once it is on disk. */
  append(e: JournalEntry): void {
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, "a");
      // Terminate a torn line left by a crash, so the next entry starts on its own line.
      const size = fs.fstatSync(this.fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        const rfd = fs.openSync(this.file, "r");
        fs.readSync(rfd, last, 0, 1, size - 1);
        fs.closeSync(rfd);
        if (last.toString() !== "\n") fs.writeSync(this.fd, "\n");
      }
    }
    fs.writeSync(this.fd, JSON.stringify(e) + "\n");
    fs.fsyncSync(this.fd);
    this.apply(e);
  }

  /** Forgets a sent transaction that never made it (or reverted); its hashes will be re-checked on chain. */
  drop(tx: string): void {
    this.append({ k: "dropped", tx });
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
