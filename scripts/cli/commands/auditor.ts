/** Auditor commands: issue, attestations (sign, cosign, submit), verify a token against its evidence. */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { getAddress, verifyTypedData } from "ethers";
import type { Attestation, IssueRequest } from "../../ledger/attestation";
import { ATTESTATION_TYPES, assembleAttestation, attestationDomain, attestationValue, signAttestation } from "../../ledger/attestation";
import type { Existing } from "../../ledger/existing";
import { existingIssuance } from "../../ledger/existing";
import { TOKEN_TYPE, fabricRecordKey, scopeOf, tokenIdOf } from "../../ledger/token-id";
import type { AuditedTotal } from "../../oracle/aggregate";
import type { RelaySummary } from "../../oracle/relay";
// The oracle's defaults are the command line's: one period rule for `auditor relay` and `npm run oracle`.
import { RELAY_DEFAULTS } from "../../oracle/relay";
import { formatAmount, formatDate, parseDate } from "../../lib/units";
import type { Parsed } from "../../lib/units";
import type { CarbonLedger } from "../../../typechain-types";
import {
  TOKEN_TYPE_NAMES, idHex, parseAddress, parseAmountFor, parseBytes32, parsePeriod, parseRecordKeys, parseTokenId, parseTokenType,
  shortId,
} from "../lib/args";
import { action, opt, optional, withCommon } from "../lib/command";
import { DEFAULT_KEY_VAR, connect, sendTx } from "../lib/context";
import { developmentAccountKey } from "../lib/accounts";
import { CommandError, UsageError, need } from "../lib/errors";
import { documentHash, documentsEvidenceHash, humanAmount, issuerRoleOf, readToken } from "../lib/ledger";
import { emit, table, toJson } from "../lib/output";
import { inWindows } from "../lib/logs";
import { ledgerBlock, ledgerOf, requireRole } from "../lib/suite";

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

/**
 * The audited totals of an export file that may back token `id` of emitter `issuee` (the oracle's aggregation of the
 * file's valid records with the party salt): the total whose token id is `id`, else all totals of `--party`.
 */
async function totalsFromRecords(file: string, period: string, party: string | undefined, id: bigint, issuee: string): Promise<AuditedTotal[]> {
  const [{ aggregate }, { readExportFile }, { validateRecords }, { DEMO_SALT, SAMPLE_FILES, SAMPLE_PARTIES }, { mapParties, readPartyBook }] = await Promise.all([
    import("../../oracle/aggregate"), import("../../oracle/file-source"), import("../../oracle/records"), import("../../oracle/relay"), import("../../oracle/parties"),
  ]);
  if (period !== "month" && period !== "year" && period !== "range") throw new UsageError(`--period "${period}": expected month, year or range`);
  const read = readExportFile(file);
  if (!read.ok) throw new UsageError(read.error.replace(/^--file/, "--records"));
  const envSalt = process.env["ORACLE_PARTY_SALT"]?.trim();
  const isSample = SAMPLE_FILES.includes(path.resolve(file));
  if ((envSalt === undefined || envSalt === "") && !isSample) {
    throw new UsageError("--records: set ORACLE_PARTY_SALT, the salt the oracle used (only the bundled sample uses the demo salt)");
  }
  const salt = envSalt === undefined || envSalt === "" ? DEMO_SALT : envSalt;
  // As the oracle does: Fabric's SHA-256 party ids resolved to raw ids through the party mapping, records that
  // carry a tokenId left out.
  const partiesFile = process.env["ORACLE_PARTIES_FILE"]?.trim() || SAMPLE_PARTIES;
  const book = readPartyBook(partiesFile);
  if (!book.ok) throw new UsageError(book.error.replace(/^--parties/, "ORACLE_PARTIES_FILE"));
  const valid = validateRecords(read.value.records, read.value.where).valid.filter((r) => r.tokenId === undefined);
  const totals = aggregate(mapParties(valid, book.value, partiesFile).mapped, period, salt);
  const exact = totals.find((t) => tokenIdOf(TOKEN_TYPE.Emissions, issuee, t.evidenceHash) === id);
  if (exact !== undefined) return [exact];
  if (party === undefined) {
    throw new UsageError(`--records ${file}: no ${period} total of these records gives token ${idHex(id)}; name the expected party with --party to see what differs`);
  }
  const ofParty = totals.filter((t) => t.partyId === party);
  if (ofParty.length === 0) throw new UsageError(`--party "${party}": no valid records of this party in ${file}`);
  return ofParty;
}

type AuditResult = ReturnType<typeof import("../../oracle/audit").auditRecords>;

/** The audit of an export file's valid records (scripts/oracle/audit.ts: the oracle's own audit). */
async function auditRecordsOf(file: string, tolerance: string | undefined, factorsDir: string | undefined): Promise<AuditResult> {
  const [{ readExportFile }, { validateRecords }, { auditRecords, loadFactors, parsePolicy }] = await Promise.all([
    import("../../oracle/file-source"), import("../../oracle/records"), import("../../oracle/audit"),
  ]);
  const read = readExportFile(file);
  if (!read.ok) throw new UsageError(read.error.replace(/^--file/, "--records"));
  const policy = parsePolicy("flag", tolerance ?? process.env["ORACLE_AUDIT_TOLERANCE"]?.trim());
  if (!policy.ok) throw new UsageError(policy.error);
  let factors;
  try {
    factors = loadFactors(factorsDir);
  } catch (e) {
    throw new UsageError(`--factors: ${e instanceof Error ? e.message : String(e)}`);
  }
  return auditRecords(validateRecords(read.value.records, read.value.where).valid, factors, policy.value);
}

function narrowAudit(a: AuditResult, uuids: Set<string>): AuditResult {
  const entries = a.entries.filter((e) => uuids.has(e.uuid));
  const n = (s: string) => entries.filter((e) => e.status === s).length;
  return { entries, summary: { ...a.summary, audited: entries.length - n("unaudited"), withinTolerance: n("within"), deviating: n("deviating"), unaudited: n("unaudited"), quarantined: 0 } };
}

function auditLines(a: AuditResult): string[] {
  const s = a.summary;
  return [
    `audit: ${s.audited} audited (${s.withinTolerance} within ${s.tolerancePercent}%, ${s.deviating} deviating), ${s.unaudited} unaudited`,
    ...table(["record", "utility", "region", "factor", "declared", "recomputed", "deviation", "status"], a.entries.map((e) => [
      e.uuid, e.utilityId, e.region === undefined ? "-" : `${e.region.kind} ${e.region.region}`,
      e.factor === undefined ? "-" : `${e.factor.gPerKwh} g/kWh ${e.factor.edition} ${e.factor.year}`,
      formatAmount(BigInt(e.declaredGrams), "mass"), e.recomputedGrams === undefined ? "-" : formatAmount(BigInt(e.recomputedGrams), "mass"),
      e.deviationPpm === undefined ? "-" : e.deviationPpm === null ? "n/a" : `${e.deviationPpm} ppm`, e.status === "unaudited" ? `unaudited: ${(e.note ?? "").replace(/^unaudited: /, "")}` : e.status,
    ])),
  ];
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

/** Parses the options describing an issuance; audited emissions need at least one --record. */
function issueRequestFrom(opts: Record<string, unknown>): IssueRequest {
  const tokenType = need(parseTokenType(opt(opts, "type")));
  const issuee = need(parseAddress(opt(opts, "to"), "--to"));
  const amount = need(parseAmountFor(tokenType, opt(opts, "amount")));
  const period = need(parsePeriod(opt(opts, "fromDate"), opt(opts, "thruDate")));
  const evidenceHash = evidenceFrom(opts);
  const records = need(parseRecordKeys(Array.isArray(opts["record"]) ? (opts["record"] as string[]) : []));
  if (tokenType === TOKEN_TYPE.Emissions && records.length === 0) {
    throw new UsageError("--record: audited emissions must name the records they total, at least one --record <key-or-uuid> (repeat it per record)");
  }
  const metadata = need(parseMetadata(optional(opts, "metadata")));
  return { tokenType, issuee, amount, fromDate: period.fromDate, thruDate: period.thruDate, evidenceHash, records, metadata };
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const requestOptions = (cmd: Command): Command =>
  cmd
    .requiredOption("--to <address>", "the emitter (emissions) or first holder (RECs, offsets)")
    .requiredOption("--amount <amount>", "amount: 4.2MWh for RECs; 12.5t or 830kg for offsets and emissions")
    .requiredOption("--from-date <YYYY-MM-DD>", "first day of the period (UTC)")
    .requiredOption("--thru-date <YYYY-MM-DD>", "last day of the period (UTC)")
    .option("--evidence-hash <hash>", "evidence hash (0x + 64 hex digits); with the type and scope it gives the token id")
    .option("--document <file...>", "evidence document(s) to hash instead of --evidence-hash")
    .option("--record <key-or-text>", "an underlying record (repeatable; emissions need one or more): 0x + 64 hex is the key itself, other text (a Fabric uuid) is hashed as the oracle does", collect)
    .option("--metadata <json|uri>", "metadata: a JSON object or a URI (no personal data)");

/** The id a request gets when `issuer` issues it (emissions: the emitter's scope, whoever signs). */
const idOf = (request: IssueRequest, issuer: string): bigint =>
  tokenIdOf(request.tokenType, scopeOf(request.tokenType, issuer, request.issuee), request.evidenceHash);

/**
 * What the chain already holds for `request`: undefined when it is new (go on); otherwise the exit code after
 * reporting it: `minted` says "already issued" (0, nothing sent), `conflict` lists every difference (1, nothing sent).
 */
async function reportExisting(ledger: CarbonLedger, request: IssueRequest, issuer: string, json: boolean): Promise<number | undefined> {
  const existing: Existing = await existingIssuance(ledger, request, issuer);
  const id = idHex(existing.id);
  if (existing.status === "new") return undefined;
  if (existing.status === "minted") {
    emit(json, { id, status: "minted", evidenceHash: request.evidenceHash, transaction: null }, () => [`already issued: ${id} (nothing sent)`]);
    return 0;
  }
  if (json) process.stdout.write(`${toJson({ id, status: "conflict", evidenceHash: request.evidenceHash, differences: existing.differences })}\n`);
  console.error(`error: conflict with token ${id} (evidence ${request.evidenceHash}); nothing sent:`);
  for (const d of existing.differences) console.error(`  - ${d}`);
  return 1;
}

/** The attestation file format: version 2 carries the records (signed over) and the signers. */
const ATTESTATION_FORMAT = "carbon-ledger-attestation/2";

/** JSON form of an attestation file. */
interface AttestationFile {
  format: typeof ATTESTATION_FORMAT;
  chainId: string;
  ledger: string;
  /** The token id the attestation issues (informational; recomputed from the request). */
  id?: string;
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
  if (isRecord(v) && v["format"] === "carbon-ledger-attestation/1") {
    return { ok: false, error: `${what}: an attestation of the old format (no records); its signatures are no longer valid, sign it again with --record` };
  }
  if (!isRecord(v) || v["format"] !== ATTESTATION_FORMAT) return bad("format");
  const r = v["request"];
  if (!isRecord(r)) return bad("request");
  const strings = (a: unknown) => Array.isArray(a) && a.every((x) => typeof x === "string");
  const hashes = (a: unknown) => Array.isArray(a) && a.every((x) => typeof x === "string" && /^0x[0-9a-fA-F]{64}$/.test(x));
  for (const f of ["issuee", "amount", "evidenceHash", "metadata"]) if (typeof r[f] !== "string") return bad(`request.${f}`);
  for (const f of ["tokenType", "fromDate", "thruDate"]) if (typeof r[f] !== "number") return bad(`request.${f}`);
  if (!/^[0-9]+$/.test(r["amount"] as string)) return bad("request.amount");
  if (!hashes(r["records"]) || (r["records"] as string[]).length === 0) return bad("request.records");
  for (const f of ["chainId", "ledger", "deadline"]) if (typeof v[f] !== "string") return bad(f);
  if (!/^[0-9]+$/.test(v["deadline"] as string)) return bad("deadline");
  if (!strings(v["signers"]) || !(v["signers"] as string[]).every((s) => /^0x[0-9a-fA-F]{40}$/.test(s))) return bad("signers");
  if (!strings(v["signatures"]) || (v["signatures"] as string[]).length !== (v["signers"] as string[]).length) return bad("signatures");
  return { ok: true, value: v as unknown as AttestationFile };
}

const toAttestation = (f: AttestationFile): Attestation =>
  assembleAttestation(
    { ...f.request, amount: BigInt(f.request.amount), records: [...f.request.records] },
    BigInt(f.deadline),
    f.signers.map((signer, i) => ({ signer, signature: f.signatures[i] as string })),
  );

export function registerAuditor(program: Command): void {
  const auditor = program.command("auditor").description("auditor: issue tokens, sign and submit attestations, verify tokens against evidence");

  withCommon(requestOptions(auditor.command("issue").description("issue a REC, offset or audited-emissions token")))
    .requiredOption("--type <type>", "token type: rec, offset or emissions")
    .action(action(async (opts, g) => {
      const request = issueRequestFrom(opts);
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      await requireRole(ledger, issuerRoleOf(request.tokenType), ctx.from);
      if (request.tokenType === TOKEN_TYPE.Emissions) {
        const threshold = Number(await ledger.attestationThreshold());
        if (threshold > 1) {
          throw new UsageError(`--type emissions: the ledger records audited emissions only by attestation of ${threshold} auditors; use \`auditor attest sign\`, \`auditor attest cosign\` and \`auditor attest submit\``);
        }
      }
      const done = await reportExisting(ledger, request, ctx.from, g.json === true);
      if (done !== undefined) return done;
      const typeName = TOKEN_TYPE_NAMES[request.tokenType] ?? "";
      const tx = await sendTx(ctx, {
        contract: ledger, method: "issue", args: [request],
        summary: `issue ${humanAmount(request.tokenType, request.amount)} of ${typeName} to ${request.issuee}`,
      });
      const id = idHex(idOf(request, ctx.from));
      emit(g.json === true, {
        id, status: "issued", tokenType: typeName, issuee: request.issuee, amount: request.amount, evidenceHash: request.evidenceHash,
        records: request.records, transaction: tx.hash, block: tx.block,
      }, () => [`issued ${typeName} ${id}`, `  ${humanAmount(request.tokenType, request.amount)} to ${request.issuee}, evidence ${request.evidenceHash} (tx ${tx.hash})`]);
    }));

  const attest = auditor.command("attest").description("EIP-712 attestations of audited emissions: sign, cosign, submit");

  withCommon(requestOptions(attest.command("sign").description("sign an emissions attestation to a file (anyone may submit it)")))
    .requiredOption("--out <file>", "where to write the attestation")
    .option("--deadline <YYYY-MM-DD>", "last day the attestation may be submitted (UTC); default in 30 days")
    .action(action(async (opts, g) => {
      const request = issueRequestFrom({ ...opts, type: "emissions" });
      const deadlineText = optional(opts, "deadline");
      const deadline = deadlineText === undefined ? undefined : BigInt(need(parseDate(deadlineText, "--deadline", true)));
      const out = opt(opts, "out");
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      await requireRole(ledger, "auditor", ctx.from);
      const done = await reportExisting(ledger, request, ctx.from, g.json === true);
      if (done !== undefined) return done;
      const now = BigInt((await ctx.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000));
      const until = deadline ?? now + 30n * 86_400n;
      if (until < now) throw new UsageError(`--deadline "${deadlineText ?? ""}": already passed on chain`);
      const domain = attestationDomain(ctx.chainId, await ledger.getAddress());
      const signed = await signAttestation(request, until, [ctx.signer], domain);
      const id = idHex(idOf(request, ctx.from));
      const threshold = Number(await ledger.attestationThreshold());
      const file: AttestationFile = {
        format: ATTESTATION_FORMAT, chainId: ctx.chainId.toString(), ledger: await ledger.getAddress(), id,
        request: { ...request, amount: request.amount.toString() }, deadline: until.toString(),
        signers: signed.signers, signatures: signed.signatures,
      };
      fs.writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
      const next = threshold > 1 ? `${threshold - 1} more auditor(s) must add theirs: auditor attest cosign --in ${out}` : `submit it with: auditor attest submit --in ${out}`;
      emit(g.json === true, { file: out, id, evidenceHash: request.evidenceHash, records: request.records, signers: file.signers, threshold, deadline: formatDate(until) },
        () => [`signed attestation for token ${id} by ${ctx.from}`, `  written to ${out}; ${next}`]);
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
      const all = assembleAttestation(a.request, a.deadline, [
        ...a.signers.map((signer, i) => ({ signer, signature: a.signatures[i] as string })),
        { signer: ctx.from, signature: mine.signatures[0] as string },
      ]);
      const updated: AttestationFile = { ...parsed, signers: all.signers, signatures: all.signatures };
      fs.writeFileSync(file, `${JSON.stringify(updated, null, 2)}\n`);
      const threshold = Number(await ledger.attestationThreshold());
      emit(g.json === true, { file, signers: updated.signers, threshold },
        () => [`added signature of ${ctx.from}; ${updated.signers.length} of ${threshold} signer(s) needed`]);
    }));

  withCommon(attest.command("submit").description("submit a signed attestation (any account may)"))
    .requiredOption("--in <file>", "attestation file")
    .action(action(async (opts, g) => {
      const file = opt(opts, "in");
      const parsed = need(parseAttestationFile(readFileArg(file, "--in").toString("utf8")));
      const a = toAttestation(parsed);
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      if (BigInt(parsed.chainId) !== ctx.chainId || getAddress(parsed.ledger) !== (await ledger.getAddress())) {
        throw new UsageError(`--in ${file}: signed for chain ${parsed.chainId} ledger ${parsed.ledger}, not this deployment`);
      }
      const domain = attestationDomain(ctx.chainId, await ledger.getAddress());
      for (const [i, sig] of a.signatures.entries()) {
        const expected = a.signers[i] ?? "?";
        let signer = "";
        try {
          signer = verifyTypedData(domain, ATTESTATION_TYPES, attestationValue(a.request, a.deadline), sig);
        } catch {
          // not an ECDSA signature: perhaps a smart-contract wallet's (ERC-1271), checked by the simulation
        }
        const isContract = (await ctx.provider.getCode(expected)) !== "0x";
        if (signer.toLowerCase() !== expected.toLowerCase() && !isContract) {
          throw new UsageError(`--in ${file}: signature ${i + 1} is not by ${expected} for this chain and ledger`);
        }
      }
      const threshold = Number(await ledger.attestationThreshold());
      if (a.signers.length < threshold) {
        throw new UsageError(`--in ${file}: ${a.signers.length} signature(s), the ledger needs ${threshold}; more auditors add theirs with: auditor attest cosign --in ${file}`);
      }
      const done = await reportExisting(ledger, a.request, a.signers[0] ?? ctx.from, g.json === true);
      if (done !== undefined) return done;
      const tx = await sendTx(ctx, {
        contract: ledger, method: "issueAttested", args: [a],
        summary: `submit attestation of ${humanAmount(3, a.request.amount)} emissions for ${a.request.issuee}`,
      });
      const id = idHex(idOf(a.request, ctx.from));
      emit(g.json === true, { id, status: "issued", evidenceHash: a.request.evidenceHash, signers: a.signers, transaction: tx.hash, block: tx.block },
        () => [`issued emissions ${id} by attestation of ${a.signers.length} auditor(s) (tx ${tx.hash})`]);
    }));

  withCommon(auditor.command("verify").description("recompute a token's evidence hash (and id) from its records or documents and compare its record; with --records, audit each record against the published emission factors"))
    .option("--id <id>", "token id (0x + 64 hex digits); without it, --records only audits the records")
    .option("--records <file>", "Fabric export (JSON or CSV) the oracle relayed; salt from ORACLE_PARTY_SALT")
    .option("--period <kind>", "with --records: the relay's reporting period, month, year or range", RELAY_DEFAULTS.period)
    .option("--party <partyId>", "with --records: the party whose total this token should be")
    .option("--evidence-hash <hash>", "evidence hash you computed yourself")
    .option("--document <file...>", "evidence document(s) to hash")
    .option("--type <type>", "expected token type: rec, offset or emissions")
    .option("--to <address>", "expected issuee")
    .option("--amount <amount>", "expected amount issued")
    .option("--from-date <YYYY-MM-DD>", "expected first day of the period")
    .option("--thru-date <YYYY-MM-DD>", "expected last day of the period")
    .option("--audit-tolerance <percent>", "with --records: allowed deviation from the recomputation, percent (env ORACLE_AUDIT_TOLERANCE, default 1)")
    .option("--factors <dir>", "with --records: emission-factor tables (default data/emission-factors)")
    .action(action(async (opts, g) => {
      const recordsFile = optional(opts, "records");
      // The per-record audit, the same module as the oracle's audit stage.
      const audit = recordsFile === undefined ? undefined : await auditRecordsOf(recordsFile, optional(opts, "auditTolerance"), optional(opts, "factors"));
      if (optional(opts, "id") === undefined) {
        if (audit === undefined) throw new UsageError("--id: required (or --records <file> to audit the records only)");
        emit(g.json === true, { audit: audit.summary, records: audit.entries }, () => auditLines(audit));
        return audit.summary.deviating > 0 ? 1 : 0;
      }
      const id = need(parseTokenId(opt(opts, "id")));
      const expectType = optional(opts, "type");
      const tokenType = expectType === undefined ? undefined : need(parseTokenType(expectType));
      const to = optional(opts, "to");
      const issuee = to === undefined ? undefined : need(parseAddress(to, "--to"));
      const amountText = optional(opts, "amount");
      const from = optional(opts, "fromDate");
      const thru = optional(opts, "thruDate");
      let fromDate = from === undefined ? undefined : need(parseDate(from, "--from-date"));
      let thruDate = thru === undefined ? undefined : need(parseDate(thru, "--thru-date", true));
      let computed = recordsFile === undefined ? evidenceFrom(opts) : "";
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const token = await readToken(ledger, id, ledgerBlock(ctx));
      if (token === undefined) throw new UsageError(`--id ${idHex(id)}: unknown token (no issuance has this id)`);
      // The oracle's evidence: the same records, party commitment and period always give the same hash.
      const candidates = recordsFile === undefined ? undefined : await totalsFromRecords(recordsFile, opt(opts, "period"), optional(opts, "party"), id, token.issuee);
      let expectedGrams: bigint | undefined;
      let party: string | undefined;
      let expectedRecords: string[] | undefined;
      if (candidates !== undefined) {
        const total = candidates.find((t) => formatDate(t.fromDate) === token.fromDate) ?? (candidates[0] as AuditedTotal);
        computed = total.evidenceHash;
        expectedGrams = total.grams;
        party = total.partyId;
        expectedRecords = total.uuids.map(fabricRecordKey);
        fromDate ??= total.fromDate;
        thruDate ??= total.thruDate;
      }
      const differences: { field: string; expected: string; onChain: string }[] = [];
      // The id is the evidence hash within the token's type and scope (emitter for emissions, issuer otherwise).
      const computedId = tokenIdOf(token.tokenType, scopeOf(token.tokenType, token.issuer, token.issuee), computed);
      if (computedId !== id) differences.push({ field: "evidenceHash", expected: computed, onChain: token.evidenceHash === "" ? `(token ${idHex(id)})` : token.evidenceHash });
      if (expectedRecords !== undefined) {
        const bound = await inWindows(ledger, ledgerBlock(ctx), (f, t) => ledger.queryFilter(ledger.filters.RecordsBound(id), f, t));
        const onChain = bound.flatMap((e) => [...e.args.records]).map((r) => r.toLowerCase()).sort();
        const expected = expectedRecords.map((r) => r.toLowerCase()).sort();
        if (onChain.join() !== expected.join()) {
          differences.push({ field: "records", expected: `${expected.length} record(s)`, onChain: `${onChain.length} record(s)${onChain.length === expected.length ? ", other keys" : ""}` });
        }
      }
      if (tokenType !== undefined && tokenType !== token.tokenType) {
        differences.push({ field: "tokenType", expected: TOKEN_TYPE_NAMES[tokenType] ?? "", onChain: token.typeName });
      }
      if (issuee !== undefined && issuee !== token.issuee) differences.push({ field: "issuee", expected: issuee, onChain: token.issuee });
      const amount = amountText !== undefined ? need(parseAmountFor(token.tokenType, amountText)) : expectedGrams;
      if (amount !== undefined && amount !== token.issued) {
        differences.push({ field: "amount", expected: humanAmount(token.tokenType, amount), onChain: humanAmount(token.tokenType, token.issued) });
      }
      if (fromDate !== undefined && formatDate(fromDate) !== token.fromDate) differences.push({ field: "fromDate", expected: formatDate(fromDate), onChain: token.fromDate });
      if (thruDate !== undefined && formatDate(thruDate) !== token.thruDate) differences.push({ field: "thruDate", expected: formatDate(thruDate), onChain: token.thruDate });
      const match = differences.length === 0;
      // With --records: the audit of the records behind this total (all of the file's records if none matched).
      const behind = candidates?.find((t) => t.evidenceHash === computed);
      const audited = audit === undefined ? undefined : behind === undefined ? audit : narrowAudit(audit, new Set(behind.uuids));
      emit(g.json === true, { id: idHex(id), match, computedEvidenceHash: computed, computedId: idHex(computedId), party, differences, ...(audited ? { audit: audited.summary, records: audited.entries } : {}) }, () => [
        `${match ? "match" : "mismatch"}: token ${shortId(id)}${party === undefined ? "" : ` (records of party ${party})`}${match ? " is backed by this evidence" : ""}`,
        ...(match ? [] : table(["field", "expected", "on chain"], differences.map((d) => [d.field, d.expected, d.onChain]))),
        ...(audited ? auditLines(audited) : []),
      ]);
      return match ? 0 : 1;
    }));

  withCommon(auditor.command("relay").description("relay audited emissions from a Fabric export file through the oracle, each total exactly once"))
    .option("--file <path>", "JSON or CSV export of Fabric records (default: the bundled sample)")
    .option("--parties <path>", "JSON map raw party id -> address (default: the sample's; env ORACLE_PARTIES_FILE)")
    .option("--period <kind>", "reporting period of a total: month, year or range (the oracle's default)", RELAY_DEFAULTS.period)
    .option("--dry-run", "show what would be minted; send nothing")
    .option("--journal <path>", "journal file (default .oracle/journal-<chainId>-<ledger>.jsonl)")
    .option("--quarantine <path>", "quarantine file for invalid records (JSON lines)")
    .action(action(async (opts, g) => {
      const period = opt(opts, "period");
      if (period !== "month" && period !== "year" && period !== "range") throw new UsageError(`--period "${period}": expected month, year or range`);
      // The oracle is loaded only for this command.
      const [{ OracleError, SAMPLE_FILES, SAMPLE_PARTIES, relay }, { jsonReporter }] = await Promise.all([
        import("../../oracle/relay"), import("../../oracle/reporter"),
      ]);
      const file = optional(opts, "file") ?? SAMPLE_FILES[0] ?? "";
      if (!fs.existsSync(file)) throw new UsageError(`--file "${file}": no such file`);
      const partiesFile = optional(opts, "parties") ?? process.env["ORACLE_PARTIES_FILE"] ?? SAMPLE_PARTIES;
      if (!fs.existsSync(partiesFile)) throw new UsageError(`--parties "${partiesFile}": no such file`);
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      // The oracle signs with a key: the --key-env variable on live networks, the development account locally.
      let privateKey: string | undefined;
      if (ctx.live || g.keyEnv !== undefined) privateKey = process.env[g.keyEnv ?? DEFAULT_KEY_VAR]?.trim();
      else {
        const index = ctx.accounts.indexOf(ctx.from);
        privateKey = index < 0 ? undefined : developmentAccountKey(index);
      }
      if (privateKey === undefined || privateKey === "") throw new UsageError(`--from ${ctx.from}: no private key for this account; use --key-env`);
      if (opts["dryRun"] !== true) await requireRole(ledger, "auditor", ctx.from);
      const rpcUrl = ctx.rpcUrl;
      if (rpcUrl === undefined) throw new UsageError(`--network ${g.network}: has no JSON-RPC URL to relay to (use localhost)`);
      const secrets = [privateKey, process.env["ORACLE_PARTY_SALT"] ?? ""].filter((s) => s.length >= 8);
      const reporter = jsonReporter(secrets, (line) => process.stderr.write(`${line}\n`));
      let summary: RelaySummary;
      try {
        summary = await relay({
          ...RELAY_DEFAULTS, source: { kind: "file", file }, partiesFile, period, salt: process.env["ORACLE_PARTY_SALT"]?.trim() || undefined,
          rpcUrl, network: g.network, ledger: await ledger.getAddress(), privateKey, attesterKeys: [], dryRun: opts["dryRun"] === true,
          writeBack: false, journalFile: optional(opts, "journal"), quarantineFile: optional(opts, "quarantine") ?? RELAY_DEFAULTS.quarantineFile,
          reporter,
        });
      } catch (error) {
        if (error instanceof OracleError) {
          const message = error.message.replace(/^(oracle:\s*)+/i, "");
          throw error.exitCode === 2 ? new UsageError(message) : new CommandError(message);
        }
        throw error;
      }
      const conflicts = summary.conflictList ?? [];
      const { humanSummary } = await import("../../oracle/summary");
      emit(g.json === true, summary, () => humanSummary(summary));
      // Conflicts (evidence or records spent on chain by something else) are never minted: report each, exit 1.
      for (const c of conflicts) {
        console.error(`error: conflict: evidence ${c.evidenceHash} (token ${c.id}) was not minted:`);
        for (const d of c.differences) console.error(`  - ${d}`);
      }
      if ((summary.conflicts ?? 0) > 0) return 1;
      return summary.quarantined > 0 ? 3 : 0;
    }));
}
