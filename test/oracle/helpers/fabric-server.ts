/**
 * A stand-in Fabric Gateway for tests: the Gateway gRPC service of @hyperledger/fabric-protos (Evaluate, Endorse,
 * Submit, CommitStatus) on 127.0.0.1 with TLS, backed by an in-memory utility emissions channel that behaves as the
 * deployed chaincode does (../shared/FABRIC.md):
 *
 * - queries answer `[{ Key: uuid, Record }]` (`getEmissionsData` one bare record);
 * - date ranges compare the stored TEXT: `fromDate >= from` and `thruDate <= thru`, bounds used as given (no padding);
 * - party ids given to `getAllEmissionsData`, `getAllEmissionsDataByDateRangeAndParty` and
 *   `updateEmissionsMintedToken` are hashed with SHA-256 by the chaincode; the write-back stores the hash of what it
 *   is sent as the records' partyId (so sending a stored hash corrupts them, as on the real chaincode);
 * - one unpaginated response per query, limited by the server's send limit (default gRPC's 4 MiB): a larger one is
 *   answered RESOURCE_EXHAUSTED, as the client's receive limit would;
 * - `getValidEmissions(...uuids)`: the records whose tokenId is null, in the chaincode's output shape.
 *
 * It records every call and fails an unknown function as a peer does (chaincode response 500). Certificates are
 * made here.
 */
import "reflect-metadata"; // @peculiar/x509 (tsyringe) needs it loaded first
import { createHash, webcrypto } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { common, gateway, peer } from "@hyperledger/fabric-protos";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type Key = webcrypto.CryptoKey;
type KeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface Pem {
  cert: string;
  key: string;
}

async function keyPem(key: Key): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
}

/** A CA, a server certificate it signs for `host` and 127.0.0.1, and a client identity (EC P-256). */
export async function makePki(host: string): Promise<{ ca: Pem; server: Pem; client: Pem }> {
  const now = new Date(Date.now() - 60_000);
  const later = new Date(Date.now() + 86_400_000);
  const caKeys = await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]) as KeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01", name: "CN=Test Fabric CA", notBefore: now, notAfter: later, keys: caKeys, signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const leaf = async (serial: string, cn: string, san: boolean) => {
    const keys = await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]) as KeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial, subject: `CN=${cn}`, issuer: caCert.subject, notBefore: now, notAfter: later,
      signingAlgorithm: ALG, publicKey: keys.publicKey, signingKey: caKeys.privateKey,
      extensions: san ? [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: host }, { type: "ip", value: "127.0.0.1" }])] : [],
    });
    return { cert: cert.toString("pem"), key: await keyPem(keys.privateKey) };
  };
  return { ca: { cert: caCert.toString("pem"), key: await keyPem(caKeys.privateKey) }, server: await leaf("02", host, true), client: await leaf("03", "User1@auditor1", false) };
}

export interface Call {
  kind: "evaluate" | "endorse";
  channel: string;
  chaincode: string;
  fn: string;
  args: string[];
}

/** Reads function and arguments out of a signed proposal, as a peer does. */
function invocation(signed: peer.SignedProposal | undefined): { chaincode: string; fn: string; args: string[]; header: Uint8Array } {
  if (signed === undefined) throw new Error("no proposal");
  const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()).getChaincodeSpec();
  const args = (spec?.getInput()?.getArgsList_asU8() ?? []).map((a) => Buffer.from(a).toString("utf8"));
  return { chaincode: spec?.getChaincodeId()?.getName() ?? "", fn: args[0] ?? "", args: args.slice(1), header: proposal.getHeader_asU8() };
}

/** The prepared transaction a gateway returns from Endorse, carrying the chaincode's response payload. */
function envelope(header: Uint8Array, result: Uint8Array): common.Envelope {
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(result);
  const action = new peer.ChaincodeAction();
  action.setResponse(response);
  const prp = new peer.ProposalResponsePayload();
  prp.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prp.serializeBinary());
  const cap = new peer.ChaincodeActionPayload();
  cap.setAction(endorsed);
  const ta = new peer.TransactionAction();
  ta.setPayload(cap.serializeBinary());
  const tx = new peer.Transaction();
  tx.setActionsList([ta]);
  const payload = new common.Payload();
  payload.setHeader(common.Header.deserializeBinary(header));
  payload.setData(tx.serializeBinary());
  const env = new common.Envelope();
  env.setPayload(payload.serializeBinary());
  return env;
}

/** A gRPC error as a peer's gateway returns it: the status message is in `details`. */
function chaincodeError(code: grpc.status, text: string): grpc.ServiceError {
  return Object.assign(new Error(text), { code, details: text, metadata: new grpc.Metadata() });
}

export interface StandIn {
  port: number;
  /** The world state, in insertion order (updated in place by the write-back). */
  records: Record<string, unknown>[];
  calls: Call[];
  /** Write-backs that changed something, per uuid. */
  tokenised: Map<string, string>;
  stop(): Promise<void>;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** gRPC's default message limit (4 MiB). */
export const GRPC_DEFAULT_LIMIT = 4 * 1024 * 1024;

/** Starts the stand-in on 127.0.0.1 (a free port) with the given TLS key pair. */
export async function startFabric(pki: { server: Pem }, records: Record<string, unknown>[], options: { sendLimitBytes?: number } = {}): Promise<StandIn> {
  const calls: Call[] = [];
  const tokenised = new Map<string, string>();
  const pending = new Map<string, () => Uint8Array>();
  const byUuid = new Map<string, Record<string, unknown>>(records.map((r) => [String(r.uuid), r]));
  const notFound = (uuid: string | undefined) => chaincodeError(grpc.status.UNKNOWN, `chaincode response 500, the state ${String(uuid)} does not exist`);
  const listed = (rs: Record<string, unknown>[]) => Buffer.from(JSON.stringify(rs.map((r) => ({ Key: String(r.uuid), Record: r }))));
  const inRange = (r: Record<string, unknown>, from: string | undefined, thru: string | undefined) =>
    String(r.fromDate) >= String(from) && String(r.thruDate) <= String(thru);

  const run = (fn: string, args: string[]): Uint8Array | grpc.ServiceError => {
    switch (fn) {
      case "getAllEmissionsDataByDateRange": {
        const [from, thru] = args;
        return listed(records.filter((r) => inRange(r, from, thru)));
      }
      case "getAllEmissionsDataByDateRangeAndParty": {
        const [from, thru, party] = args;
        return listed(records.filter((r) => inRange(r, from, thru) && r.partyId === sha256(String(party))));
      }
      case "getAllEmissionsData": {
        const [utilityId, party] = args;
        return listed(records.filter((r) => r.utilityId === utilityId && r.partyId === sha256(String(party))));
      }
      case "getEmissionsData": {
        const r = byUuid.get(String(args[0]));
        return r === undefined ? notFound(args[0]) : Buffer.from(JSON.stringify(r));
      }
      case "getValidEmissions": {
        const found: Record<string, unknown>[] = [];
        for (const uuid of args) {
          const r = byUuid.get(uuid);
          if (r === undefined) return notFound(uuid);
          if (r.tokenId !== null) continue;
          found.push(r);
        }
        const keys = found.map((r) => String(r.uuid));
        const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
        return Buffer.from(JSON.stringify({ keys, output_to_client: b64(found), output_to_store: { validUUIDs: b64(keys) } }));
      }
      case "updateEmissionsMintedToken": {
        const [tokenId, partyId, ...uuids] = args;
        for (const uuid of uuids) if (!byUuid.has(uuid)) return notFound(uuid);
        for (const uuid of uuids) {
          const r = byUuid.get(uuid) as Record<string, unknown>;
          if (r.tokenId !== tokenId) tokenised.set(uuid, String(tokenId));
          r.tokenId = tokenId;
          r.partyId = sha256(String(partyId));
        }
        return Buffer.from(JSON.stringify({ keys: uuids }));
      }
      default:
        return chaincodeError(grpc.status.UNKNOWN, `chaincode response 500, Function ${fn} not found in contract emissions`);
    }
  };

  const server = new grpc.Server({ "grpc.max_send_message_length": options.sendLimitBytes ?? GRPC_DEFAULT_LIMIT });
  const impl: gateway.IGatewayServer = {
    evaluate: (call, callback) => {
      const inv = invocation(call.request.getProposedTransaction());
      calls.push({ kind: "evaluate", channel: call.request.getChannelId(), chaincode: inv.chaincode, fn: inv.fn, args: inv.args });
      const out = run(inv.fn === "updateEmissionsMintedToken" ? "(submit only)" : inv.fn, inv.args);
      if (!(out instanceof Uint8Array)) return callback(out);
      const response = new peer.Response();
      response.setStatus(200);
      response.setPayload(out);
      const reply = new gateway.EvaluateResponse();
      reply.setResult(response);
      callback(null, reply);
    },
    endorse: (call, callback) => {
      const inv = invocation(call.request.getProposedTransaction());
      calls.push({ kind: "endorse", channel: call.request.getChannelId(), chaincode: inv.chaincode, fn: inv.fn, args: inv.args });
      if (inv.fn !== "updateEmissionsMintedToken") {
        const failed = run(inv.fn, inv.args);
        if (!(failed instanceof Uint8Array)) return callback(failed);
      }
      pending.set(call.request.getTransactionId(), () => {
        const out = run(inv.fn, inv.args);
        if (!(out instanceof Uint8Array)) throw out;
        return out;
      });
      const reply = new gateway.EndorseResponse();
      reply.setPreparedTransaction(envelope(inv.header, new Uint8Array()));
      callback(null, reply);
    },
    submit: (call, callback) => {
      const apply = pending.get(call.request.getTransactionId());
      if (apply === undefined) return callback(chaincodeError(grpc.status.NOT_FOUND, "unknown transaction"));
      try {
        apply();
      } catch (e) {
        return callback(e as grpc.ServiceError);
      }
      callback(null, new gateway.SubmitResponse());
    },
    commitStatus: (_call, callback) => {
      const reply = new gateway.CommitStatusResponse();
      reply.setResult(peer.TxValidationCode.VALID);
      reply.setBlockNumber(1);
      callback(null, reply);
    },
    chaincodeEvents: (call) => {
      call.emit("error", { code: grpc.status.UNIMPLEMENTED, details: "not in the stand-in" });
    },
  };
  server.addService(gateway.GatewayService, impl);
  const credentials = grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(pki.server.key), cert_chain: Buffer.from(pki.server.cert) }], false);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", credentials, (e, p) => (e !== null ? reject(e) : resolve(p))));
  return {
    port,
    records,
    calls,
    tokenised,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
