/**
 * The Fabric source: the utility emissions channel through the Fabric Gateway client (gRPC over TLS). Reads
 * records with the date-range query function (exactly: whole days in the chaincode's string order, chunks that
 * overlap and split on RESOURCE_EXHAUSTED, see select.ts) and writes the minted token id back, idempotently, with
 * the write-back one, sending the RAW party id (the chaincode hashes it with SHA-256 before storing it).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { connect, signers } from "@hyperledger/fabric-gateway";
import type { Contract, Gateway } from "@hyperledger/fabric-gateway";
import type { Parsed } from "../lib/units";
import type { SourceRecords } from "./file-source";
import type { QueryOutcome } from "./select";
import { selectRecords, unwrapRecord } from "./select";

export interface FabricOptions {
  /** host:port of the peer's gateway endpoint. */
  peerEndpoint: string;
  /** PEM file of the CA that signed the peer's TLS certificate. */
  tlsCertPath: string;
  /** Host name the TLS certificate is checked against (when it differs from the endpoint's host). */
  hostAlias?: string;
  mspId: string;
  /** PEM file of the client identity's certificate. */
  certPath: string;
  /** PEM file of the client identity's private key (never logged). */
  keyPath: string;
  channel: string;
  chaincode: string;
  queryFunction: string;
  writeBackFunction: string;
  /** Per-call deadline (ms). */
  timeoutMs: number;
  /** The client's gRPC receive limit in bytes (grpc.max_receive_message_length); default 64 MiB. */
  maxReceiveBytes?: number;
}

import { FABRIC_DEFAULTS } from "./fabric-defaults";
export { FABRIC_DEFAULTS };

const read = (flag: string, file: string): Parsed<Buffer> => {
  try {
    return { ok: true, value: fs.readFileSync(file) };
  } catch (e) {
    return { ok: false, error: `${flag} ${file}: cannot read (${e instanceof Error ? e.message : String(e)})` };
  }
};

/** A Fabric error as one line: gRPC status, message and the peers' details, never key material. */
export function fabricError(what: string, e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; details?: unknown };
  const details = Array.isArray(err.details)
    ? err.details.map((d: { message?: unknown; address?: unknown }) => `${String(d.address ?? "")}: ${String(d.message ?? "")}`).join("; ")
    : "";
  const message = typeof err.message === "string" ? err.message : String(e);
  const hint = err.code === 14 ? " (peer unreachable or TLS refused: check --fabric-peer, --fabric-tls-cert and --fabric-host-alias)" : "";
  return `Fabric ${what}: ${message.replace(/\s*Resolution note:\s*$/, "")}${details !== "" ? ` [${details}]` : ""}${hint}`;
}

export class FabricSource {
  private constructor(
    private readonly client: grpc.Client,
    private readonly gateway: Gateway,
    private readonly contract: Contract,
    private readonly o: FabricOptions,
  ) {}

  /** Connects (TLS, identity, signer); fails with a message naming the flag of a missing file. */
  static open(o: FabricOptions): Parsed<FabricSource> {
    const ca = read("--fabric-tls-cert", o.tlsCertPath);
    const cert = read("--fabric-cert", o.certPath);
    const key = read("--fabric-key", o.keyPath);
    for (const r of [ca, cert, key]) if (!r.ok) return { ok: false, error: r.error };
    if (!ca.ok || !cert.ok || !key.ok) return { ok: false, error: "unreachable" };
    let privateKey: crypto.KeyObject;
    try {
      privateKey = crypto.createPrivateKey(key.value);
    } catch {
      return { ok: false, error: `--fabric-key ${o.keyPath}: not a PEM private key` };
    }
    const credentials = grpc.credentials.createSsl(ca.value);
    // gRPC's default receive limit (4 MiB, about 4,000 records) is far below a real range's unpaginated response.
    const options: grpc.ClientOptions = { "grpc.max_receive_message_length": o.maxReceiveBytes ?? FABRIC_DEFAULTS.maxReceiveBytes };
    if (o.hostAlias !== undefined && o.hostAlias !== "") options["grpc.ssl_target_name_override"] = o.hostAlias;
    const client = new grpc.Client(o.peerEndpoint, credentials, options);
    const deadline = () => ({ deadline: Date.now() + o.timeoutMs });
    const gateway = connect({
      client,
      identity: { mspId: o.mspId, credentials: cert.value },
      signer: signers.newPrivateKeySigner(privateKey),
      evaluateOptions: deadline,
      endorseOptions: deadline,
      submitOptions: deadline,
      commitStatusOptions: deadline,
    });
    const contract = gateway.getNetwork(o.channel).getContract(o.chaincode);
    return { ok: true, value: new FabricSource(client, gateway, contract, o) };
  }

  /** Evaluates the query function with exactly these bounds; RESOURCE_EXHAUSTED is flagged `tooLarge`. */
  async evaluateRange(fromDate: string, thruDate: string): Promise<QueryOutcome> {
    const what = `query ${this.o.queryFunction} on ${this.o.channel}/${this.o.chaincode} at ${this.o.peerEndpoint}`;
    let bytes: Uint8Array;
    try {
      bytes = await this.contract.evaluateTransaction(this.o.queryFunction, fromDate, thruDate);
    } catch (e) {
      const err = e as { code?: unknown; message?: unknown };
      const tooLarge = err.code === grpc.status.RESOURCE_EXHAUSTED || /RESOURCE_EXHAUSTED/.test(String(err.message));
      return { ok: false, error: fabricError(what, e), tooLarge };
    }
    let data: unknown;
    try {
      data = JSON.parse(Buffer.from(bytes).toString("utf8"));
    } catch (e) {
      return { ok: false, error: `Fabric query ${this.o.queryFunction}: malformed JSON (${e instanceof Error ? e.message : String(e)})`, tooLarge: false };
    }
    // The chaincode returns [{ Key, Record }]; a bare list is accepted too.
    if (!Array.isArray(data)) return { ok: false, error: `Fabric query ${this.o.queryFunction}: expected a JSON array of records`, tooLarge: false };
    return { ok: true, records: data.map(unwrapRecord) };
  }

  /** Evaluates any function of the chaincode (e.g. its per-party queries) and parses its JSON answer. */
  async evaluate(fn: string, ...args: string[]): Promise<Parsed<unknown>> {
    try {
      const bytes = await this.contract.evaluateTransaction(fn, ...args);
      return { ok: true, value: JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown };
    } catch (e) {
      return { ok: false, error: fabricError(`evaluate ${fn}`, e) };
    }
  }

  /** One query with exactly these bounds, as the chaincode answers it (no chunking). */
  async query(fromDate: string, thruDate: string): Promise<Parsed<SourceRecords>> {
    const r = await this.evaluateRange(fromDate, thruDate);
    return r.ok ? { ok: true, value: { records: r.records, where: (i) => `fabric record ${i}` } } : { ok: false, error: r.error };
  }

  /**
   * The records whose midpoint lies in the whole days fromDay..thruDay (YYYY-MM-DD), each once, through as many
   * overlapping queries as the response limit needs (select.ts).
   */
  async select(fromDay: string, thruDay: string, overlapDays?: number, log?: (event: string, data: Record<string, unknown>) => void): Promise<Parsed<SourceRecords>> {
    const r = await selectRecords((f, t) => this.evaluateRange(f, t), fromDay, thruDay, overlapDays);
    if (!r.ok) return r;
    log?.("fabric-read", { records: r.value.records.length, queries: r.value.queries, splits: r.value.splits });
    if (r.value.longRecords > 0) log?.("long-records", { count: r.value.longRecords, hint: "records longer than twice --overlap-days may be missed at a chunk bound; raise --overlap-days" });
    return { ok: true, value: { records: r.value.records, where: (i) => `fabric record ${i}` } };
  }

  /**
   * Records `tokenId` (`<ledger address>:<0x-hex token id>`) on the records `uuids`. `rawPartyId` must be the RAW
   * party id: the chaincode stores SHA-256(rawPartyId) as the records' partyId (so the stored hash would be hashed
   * again). Idempotent: the same call again changes nothing.
   */
  async writeBack(tokenId: string, rawPartyId: string, uuids: readonly string[]): Promise<Parsed<true>> {
    try {
      await this.contract.submitTransaction(this.o.writeBackFunction, tokenId, rawPartyId, ...uuids);
      return { ok: true, value: true };
    } catch (e) {
      return { ok: false, error: fabricError(`write-back ${this.o.writeBackFunction}`, e) };
    }
  }

  close(): void {
    this.gateway.close();
    this.client.close();
  }
}
