/** Auditor commands: issue, attestations (sign, cosign, submit), verify a token against its evidence. */
import fs from "node:fs";
import type { Command } from "commander";
import { getAddress, verifyTypedData } from "ethers";
import type { Attestation, IssueRequest } from "../../ledger/attestation";
import { ATTESTATION_TYPES, attestationDomain, attestationValue, signAttestation } from "../../ledger/attestation";
import { formatDate, parseDate } from "../../lib/units";
import type { Parsed } from "../../lib/units";
import {
  TOKEN_TYPE_NAMES, idHex, parseAddress, parseAmountFor, parseBytes32, parsePeriod, parseTokenId, parseTokenType,
  shortId,
} from "../lib/args";
import { action, opt, optional, withCommon } from "../lib/command";
import { connect, sendTx } from "../lib/context";
import { UsageError, need } from "../lib/errors";
import { documentHash, documentsEvidenceHash, humanAmount, issuerRoleOf, readToken } from "../lib/ledger";
import { emit, table } from "../lib/output";
import { ledgerOf, requireRole } from "../lib/suite";

/** Reads a file named by an option, or a usage error naming the option. */
function readFileArg(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new UsageError(`${what} "${file}": cannot read the file`);
  }
}

/** The evidence hash from --evidence-hash or the hash of the --document files. */
function evidenceFrom(opts: Record<string, unknown>): string {
  const hash = optional(opts, "evidenceHash");
  const docs = Array.isArray(opts["document"]) ? (opts["document"] as string[]) : [];
  if (hash !== undefined && docs.length > 0) throw new UsageError("--evidence-hash: give either --evidence-hash or --document, not both");
  if (hash !== undefined) return need(parseBytes32(hash, "--evidence-hash"));
  if (docs.length === 0) throw new UsageError("--evidence-hash: required (or --document <file> to hash the evidence document)");
  return documentsEvidenceHash(docs.map((d) => documentHash(readFileArg(d, "--document"))));
}

/** Metadata: a JSON object (validated) or a URI. */
function parseMetadata(text: string | undefined): Parsed<string> {
  if (text === undefined) return { ok: true, value: "" };
  const t = text.trim();
  if (t.startsWith("{")) {
    try {
      const v: unknown = JSON.parse(t);
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
      return { ok: true, value: JSON.stringify(v) };
    } catch {
      return { ok: false, error: `--metadata "${text}": expected a JSON object or a URI` };
    }
  }
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(t)) return { ok: false, error: `--metadata "${text}": expected a JSON object or a URI` };
  return { ok: true, value: t };
}

/** Parses the options describing an issuance. */
function issueRequestFrom(opts: Record<string, unknown>): IssueRequest {
  const tokenType = need(parseTokenType(opt(opts, "type")));
  const issuee = need(parseAddress(opt(opts, "to"), "--to"));
  const amount = need(parseAmountFor(tokenType, opt(opts, "amount")));
  const period = need(parsePeriod(opt(opts, "fromDate"), opt(opts, "thruDate")));
  const evidenceHash = evidenceFrom(opts);
  const metadata = need(parseMetadata(optional(opts, "metadata")));
  return { tokenType, issuee, amount, fromDate: period.fromDate, thruDate: period.thruDate, evidenceHash, metadata };
}

const requestOptions = (cmd: Command): Command =>
  cmd
    .requiredOption("--to <address>", "the emitter (emissions) or first holder (RECs, offsets)")
    .requiredOption("--amount <amount>", "amount: 4.2MWh for RECs; 12.5t or 830kg for offsets and emissions")
    .requiredOption("--from-date <YYYY-MM-DD>", "first day of the period (UTC)")
    .requiredOption("--thru-date <YYYY-MM-DD>", "last day of the period (UTC)")
    .option("--evidence-hash <hash>", "evidence hash (0x + 64 hex digits); becomes the token id")
    .option("--document <file...>", "evidence document(s); their hash becomes the token id")
    .option("--metadata <json|uri>", "metadata: a JSON object or a URI (no personal data)");

/** JSON form of an attestation file. */
interface AttestationFile {
  format: "carbon-ledger-attestation/1";
  chainId: string;
  ledger: string;
  request: Omit<IssueRequest, "amount"> & { amount: string };
  deadline: string;
  signers: string[];
  signatures: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Type guard for an attestation file read from disk. */
export function parseAttestationFile(text: string, what = "--in"): Parsed<AttestationFile> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, error: `${what}: not JSON` };
  }
  const bad = (field: string): Parsed<AttestationFile> => ({ ok: false, error: `${what}: field "${field}" is missing or malformed` });
  if (!isRecord(v) || v["format"] !== "carbon-ledger-attestation/1") return bad("format");
  const r = v["request"];
  if (!isRecord(r)) return bad("request");
  const strings = (a: unknown) => Array.isArray(a) && a.every((x) => typeof x === "string");
  for (const f of ["issuee", "amount", "evidenceHash", "metadata"]) if (typeof r[f] !== "string") return bad(`request.${f}`);
  for (const f of ["tokenType", "fromDate", "thruDate"]) if (typeof r[f] !== "number") return bad(`request.${f}`);
  for (const f of ["chainId", "ledger", "deadline"]) if (typeof v[f] !== "string") return bad(f);
  if (!strings(v["signers"])) return bad("signers");
  if (!strings(v["signatures"])) return bad("signatures");
  return { ok: true, value: v as unknown as AttestationFile };
}

const toAttestation = (f: AttestationFile): Attestation => ({
  request: { ...f.request, amount: BigInt(f.request.amount) },
  deadline: BigInt(f.deadline),
  signatures: f.signatures,
});

export function registerAuditor(program: Command): void {
  const auditor = program.command("auditor").description("auditor: issue tokens, sign and submit attestations, verify tokens against evidence");

  withCommon(requestOptions(auditor.command("issue").description("issue a REC, offset or audited-emissions token")))
    .requiredOption("--type <type>", "token type: rec, offset or emissions")
    .action(action(async (opts, g) => {
      const request = issueRequestFrom(opts);
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      await requireRole(ledger, issuerRoleOf(request.tokenType), ctx.from);
      const [used] = await ledger.evidenceUsed([request.evidenceHash]);
      if (used === true) throw new UsageError(`--evidence-hash ${request.evidenceHash}: already backs token ${request.evidenceHash}`);
      const typeName = TOKEN_TYPE_NAMES[request.tokenType] ?? "";
      const tx = await sendTx(ctx, {
        contract: ledger, method: "issue", args: [request],
        summary: `issue ${humanAmount(request.tokenType, request.amount)} of ${typeName} to ${request.issuee}`,
      });
      const id = idHex(BigInt(request.evidenceHash));
      emit(g.json === true, { id, tokenType: typeName, issuee: request.issuee, amount: request.amount, transaction: tx.hash, block: tx.block },
        () => [`issued ${typeName} ${id}`, `  ${humanAmount(request.tokenType, request.amount)} to ${request.issuee} (tx ${tx.hash})`]);
    }));

  const attest = auditor.command("attest").description("EIP-712 attestations of audited emissions: sign, cosign, submit");

  withCommon(requestOptions(attest.command("sign").description("sign an emissions attestation to a file (anyone may submit it)")))
    .requiredOption("--out <file>", "where to write the attestation")
    .option("--deadline <YYYY-MM-DD>", "last day the attestation may be submitted (UTC); default in 30 days")
    .action(action(async (opts, g) => {
      const request = { ...issueRequestFrom({ ...opts, type: "emissions" }) };
      const deadlineText = optional(opts, "deadline");
      const deadline = deadlineText === undefined ? undefined : BigInt(need(parseDate(deadlineText, "--deadline", true)));
      const out = opt(opts, "out");
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      await requireRole(ledger, "auditor", ctx.from);
      const now = BigInt((await ctx.hre.ethers.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000));
      const until = deadline ?? now + 30n * 86_400n;
      if (until < now) throw new UsageError(`--deadline "${deadlineText ?? ""}": already passed on chain`);
      const domain = attestationDomain(ctx.chainId, await ledger.getAddress());
      const signed = await signAttestation(request, until, [ctx.signer], domain);
      const file: AttestationFile = {
        format: "carbon-ledger-attestation/1", chainId: ctx.chainId.toString(), ledger: await ledger.getAddress(),
        request: { ...request, amount: request.amount.toString() }, deadline: until.toString(),
        signers: [ctx.from], signatures: signed.signatures,
      };
      fs.writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
      emit(g.json === true, { file: out, id: request.evidenceHash, signers: file.signers, deadline: formatDate(until) },
        () => [`signed attestation for ${request.evidenceHash} by ${ctx.from}`, `  written to ${out}; submit it with: auditor attest submit --in ${out}`]);
    }));

  withCommon(attest.command("cosign").description("add your signature to an attestation file"))
    .requiredOption("--in <file>", "attestation file to add a signature to")
    .action(action(async (opts, g) => {
      const file = opt(opts, "in");
      const parsed = need(parseAttestationFile(readFileArg(file, "--in").toString("utf8")));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      if (BigInt(parsed.chainId) !== ctx.chainId || getAddress(parsed.ledger) !== (await ledger.getAddress())) {
        throw new UsageError(`--in ${file}: signed for chain ${parsed.chainId} ledger ${parsed.ledger}, not this deployment`);
      }
      await requireRole(ledger, "auditor", ctx.from);
      if (parsed.signers.some((s) => s.toLowerCase() === ctx.from.toLowerCase())) throw new UsageError(`--from ${ctx.from}: already signed ${file}`);
      const a = toAttestation(parsed);
      const domain = attestationDomain(ctx.chainId, parsed.ledger);
      const mine = await signAttestation(a.request, a.deadline, [ctx.signer], domain);
      const pairs = [...parsed.signers.map((s, i) => ({ s, sig: parsed.signatures[i] as string })), { s: ctx.from, sig: mine.signatures[0] as string }]
        .sort((x, y) => (BigInt(x.s) < BigInt(y.s) ? -1 : 1));
      const updated: AttestationFile = { ...parsed, signers: pairs.map((p) => p.s), signatures: pairs.map((p) => p.sig) };
      fs.writeFileSync(file, `${JSON.stringify(updated, null, 2)}\n`);
      emit(g.json === true, { file, signers: updated.signers }, () => [`added signature of ${ctx.from}; ${updated.signers.length} signer(s)`]);
    }));

  withCommon(attest.command("submit").description("submit a signed attestation (any account may)"))
    .requiredOption("--in <file>", "attestation file")
    .action(action(async (opts, g) => {
      const file = opt(opts, "in");
      const parsed = need(parseAttestationFile(readFileArg(file, "--in").toString("utf8")));
      const a = toAttestation(parsed);
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const domain = attestationDomain(ctx.chainId, await ledger.getAddress());
      for (const [i, sig] of a.signatures.entries()) {
        const signer = verifyTypedData(domain, ATTESTATION_TYPES, attestationValue(a.request, a.deadline), sig);
        if (signer.toLowerCase() !== (parsed.signers[i] ?? "").toLowerCase()) {
          throw new UsageError(`--in ${file}: signature ${i + 1} is not by ${parsed.signers[i] ?? "?"} for this chain and ledger`);
        }
      }
      const tx = await sendTx(ctx, {
        contract: ledger, method: "issueAttested", args: [a],
        summary: `submit attestation of ${humanAmount(3, a.request.amount)} emissions for ${a.request.issuee}`,
      });
      emit(g.json === true, { id: a.request.evidenceHash, signers: parsed.signers, transaction: tx.hash, block: tx.block },
        () => [`issued emissions ${a.request.evidenceHash} by attestation (tx ${tx.hash})`]);
    }));

  withCommon(auditor.command("verify").description("recompute a token's evidence hash from its documents and compare its record"))
    .requiredOption("--id <id>", "token id (full 0x evidence hash)")
    .option("--evidence-hash <hash>", "evidence hash you computed yourself")
    .option("--document <file...>", "evidence document(s) to hash")
    .option("--type <type>", "expected token type: rec, offset or emissions")
    .option("--to <address>", "expected issuee")
    .option("--amount <amount>", "expected amount issued")
    .option("--from-date <YYYY-MM-DD>", "expected first day of the period")
    .option("--thru-date <YYYY-MM-DD>", "expected last day of the period")
    .action(action(async (opts, g) => {
      const id = need(parseTokenId(opt(opts, "id")));
      const computed = evidenceFrom(opts);
      const expectType = optional(opts, "type");
      const tokenType = expectType === undefined ? undefined : need(parseTokenType(expectType));
      const to = optional(opts, "to");
      const issuee = to === undefined ? undefined : need(parseAddress(to, "--to"));
      const amountText = optional(opts, "amount");
      const from = optional(opts, "fromDate");
      const thru = optional(opts, "thruDate");
      const fromDate = from === undefined ? undefined : need(parseDate(from, "--from-date"));
      const thruDate = thru === undefined ? undefined : need(parseDate(thru, "--thru-date", true));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const token = await readToken(ledger, id);
      if (token === undefined) throw new UsageError(`--id ${idHex(id)}: unknown token (no issuance has this evidence hash)`);
      const differences: { field: string; expected: string; onChain: string }[] = [];
      if (BigInt(computed) !== id) differences.push({ field: "evidenceHash", expected: computed, onChain: idHex(id) });
      if (tokenType !== undefined && tokenType !== token.tokenType) {
        differences.push({ field: "tokenType", expected: TOKEN_TYPE_NAMES[tokenType] ?? "", onChain: token.typeName });
      }
      if (issuee !== undefined && issuee !== token.issuee) differences.push({ field: "issuee", expected: issuee, onChain: token.issuee });
      if (amountText !== undefined) {
        const amount = need(parseAmountFor(token.tokenType, amountText));
        if (amount !== token.issued) {
          differences.push({ field: "amount", expected: humanAmount(token.tokenType, amount), onChain: humanAmount(token.tokenType, token.issued) });
        }
      }
      if (fromDate !== undefined && formatDate(fromDate) !== token.fromDate) differences.push({ field: "fromDate", expected: formatDate(fromDate), onChain: token.fromDate });
      if (thruDate !== undefined && formatDate(thruDate) !== token.thruDate) differences.push({ field: "thruDate", expected: formatDate(thruDate), onChain: token.thruDate });
      const match = differences.length === 0;
      emit(g.json === true, { id: idHex(id), match, computedEvidenceHash: computed, differences }, () => [
        match ? `match: token ${shortId(id)} is backed by this evidence` : `mismatch: token ${shortId(id)}`,
        ...(match ? [] : table(["field", "expected", "on chain"], differences.map((d) => [d.field, d.expected, d.onChain]))),
      ]);
      return match ? 0 : 1;
    }));

}
