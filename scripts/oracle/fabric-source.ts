/**
 * The Fabric source: the utility emissions channel through the Fabric Gateway client (gRPC over TLS). Reads
 * records with the query function and writes the minted token id back, idempotently, with the write-back one.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { connect, signers } from "@hyperledger/fabric-gateway";
import type { Contract, Gateway } from "@hyperledger/fabric-gateway";
import type { Parsed } from "../lib/units";
import type { SourceRecords } from "./file-source";

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
}

export { FABRIC_DEFAULTS } from "./fabric-defaults";

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
    const options: grpc.ClientOptions = o.hostAlias !== undefined && o.hostAlias !== "" ? { "grpc.ssl_target_name_override": o.hostAlias } : {};
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

  /** Evaluates the query function over [fromDate, thruDate] and parses the JSON array it returns. */
  async query(fromDate: string, thruDate: string): Promise<Parsed<SourceRecords>> {
    let bytes: Uint8Array;
    try {
      bytes = await this.contract.evaluateTransaction(this.o.queryFunction, fromDate, thruDate);
    } catch (e) {
      return { ok: false, error: fabricError(`query ${this.o.queryFunction} on ${this.o.channel}/${this.o.chaincode} at ${this.o.peerEndpoint}`, e) };
    }
    let data: unknown;
    try {
      data = JSON.parse(Buffer.from(bytes).toString("utf8"));
    } catch (e) {
      return { ok: false, error: `Fabric query ${this.o.queryFunction}: malformed JSON (${e instanceof Error ? e.message : String(e)})` };
    }
    // The working group's chaincode wraps each record as { key, Record } in some versions.
    if (!Array.isArray(data)) return { ok: false, error: `Fabric query ${this.o.queryFunction}: expected a JSON array of records` };
    const records = data.map((d: unknown) =>
      typeof d === "object" && d !== null && "Record" in d && typeof (d as { Record: unknown }).Record === "object" ? (d as { Record: unknown }).Record : d,
    );
    return { ok: true, value: { records, where: (i) => `fabric record ${i}` } };
  }

  /** Records `tokenId` on the records `uuids` of `partyId` (idempotent on the chaincode side). */
  async writeBack(tokenId: string, partyId: string, uuids: readonly string[]): Promise<Parsed<true>> {
    try {
      await this.contract.submitTransaction(this.o.writeBackFunction, tokenId, partyId, ...uuids);
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
