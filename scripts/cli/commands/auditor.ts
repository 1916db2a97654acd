/** Auditor commands: issue, attestations (sign, cosign, submit), verify a token against its evidence. */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { getAddress, verifyTypedData } from "ethers";
import type { Attestation, IssueRequest } from "../../ledger/attestation";
import { ATTESTATION_TYPES, attestationDomain, attestationValue, signAttestation } from "../../ledger/attestation";
import type { AuditedTotal } from "../../oracle/aggregate";
import type { RelaySummary } from "../../oracle/relay";
import { formatAmount, formatDate, parseDate } from "../../lib/units";
import type { Parsed } from "../../lib/units";
import {
  TOKEN_TYPE_NAMES, idHex, parseAddress, parseAmountFor, parseBytes32, parsePeriod, parseTokenId, parseTokenType,
  shortId,
} from "../lib/args";
import { action, opt, optional, withCommon } from "../lib/command";
import { DEFAULT_KEY_VAR, connect, sendTx } from "../lib/context";
import { developmentAccountKey } from "../lib/accounts";
import { CommandError, UsageError, need } from "../lib/errors";
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

/**
 * The audited totals of an export file that may back token `id` (the oracle's aggregation of the file's valid
 * records with the party salt): the total whose evidence hash is `id`, else all totals of `--party`.
 */
async function totalsFromRecords(file: string, period: string, party: string | undefined, id: bigint): Promise<AuditedTotal[]> {
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
  const exact = totals.find((t) => BigInt(t.evidenceHash) === id);
  if (exact !== undefined) return [exact];
  if (party === undefined) {
    throw new UsageError(`--records ${file}: no ${period} total of these records has evidence hash ${idHex(id)}; name the expected party with --party to see what differs`);
  }
  const ofParty = totals.filter((t) => t.partyId === party);
  if (ofParty.length === 0) throw new UsageError(`--party "${party}": no valid records of this party in ${file}`);
  return ofParty;
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

  withCommon(auditor.command("verify").description("recompute a token's evidence hash from its records or documents and compare its record"))
    .requiredOption("--id <id>", "token id (full 0x evidence hash)")
    .option("--records <file>", "Fabric export (JSON or CSV) the oracle relayed; salt from ORACLE_PARTY_SALT")
    .option("--period <kind>", "with --records: the relay's reporting period, month, year or range", "month")
    .option("--party <partyId>", "with --records: the party whose total this token should be")
    .option("--evidence-hash <hash>", "evidence hash you computed yourself")
    .option("--document <file...>", "evidence document(s) to hash")
    .option("--type <type>", "expected token type: rec, offset or emissions")
    .option("--to <address>", "expected issuee")
    .option("--amount <amount>", "expected amount issued")
    .option("--from-date <YYYY-MM-DD>", "expected first day of the period")
    .option("--thru-date <YYYY-MM-DD>", "expected last day of the period")
    .action(action(async (opts, g) => {
      const id = need(parseTokenId(opt(opts, "id")));
      const recordsFile = optional(opts, "records");
      const expectType = optional(opts, "type");
      const tokenType = expectType === undefined ? undefined : need(parseTokenType(expectType));
      const to = optional(opts, "to");
      const issuee = to === undefined ? undefined : need(parseAddress(to, "--to"));
      const amountText = optional(opts, "amount");
      const from = optional(opts, "fromDate");
      const thru = optional(opts, "thruDate");
      let fromDate = from === undefined ? undefined : need(parseDate(from, "--from-date"));
      let thruDate = thru === undefined ? undefined : need(parseDate(thru, "--thru-date", true));
      // The oracle's evidence: the same records, party commitment and period always give the same hash.
      const candidates = recordsFile === undefined ? undefined : await totalsFromRecords(recordsFile, opt(opts, "period"), optional(opts, "party"), id);
      let computed = candidates === undefined ? evidenceFrom(opts) : "";
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const token = await readToken(ledger, id);
      if (token === undefined) throw new UsageError(`--id ${idHex(id)}: unknown token (no issuance has this evidence hash)`);
      let expectedGrams: bigint | undefined;
      let party: string | undefined;
      if (candidates !== undefined) {
        const total = candidates.find((t) => formatDate(t.fromDate) === token.fromDate) ?? (candidates[0] as AuditedTotal);
        computed = total.evidenceHash;
        expectedGrams = total.grams;
        party = total.partyId;
        fromDate ??= total.fromDate;
        thruDate ??= total.thruDate;
      }
      const differences: { field: string; expected: string; onChain: string }[] = [];
      if (BigInt(computed) !== id) differences.push({ field: "evidenceHash", expected: computed, onChain: idHex(id) });
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
      emit(g.json === true, { id: idHex(id), match, computedEvidenceHash: computed, party, differences }, () => [
        `${match ? "match" : "mismatch"}: token ${shortId(id)}${party === undefined ? "" : ` (records of party ${party})`}${match ? " is backed by this evidence" : ""}`,
        ...(match ? [] : table(["field", "expected", "on chain"], differences.map((d) => [d.field, d.expected, d.onChain]))),
      ]);
      return match ? 0 : 1;
    }));

  withCommon(auditor.command("relay").description("relay audited emissions from a Fabric export file through the oracle, each total exactly once"))
    .option("--file <path>", "JSON or CSV export of Fabric records (default: the bundled sample)")
    .option("--parties <path>", "JSON map raw party id -> address (default: the sample's; env ORACLE_PARTIES_FILE)")
    .option("--period <kind>", "reporting period of a total: month, year or range", "month")
    .option("--dry-run", "show what would be minted; send nothing")
    .option("--journal <path>", "journal file (default .oracle/journal-<chainId>-<ledger>.jsonl)")
    .option("--quarantine <path>", "quarantine file for invalid records (JSON lines)")
    .action(action(async (opts, g) => {
      const period = opt(opts, "period");
      if (period !== "month" && period !== "year" && period !== "range") throw new UsageError(`--period "${period}": expected month, year or range`);
      // The oracle is loaded only for this command.
      const [{ OracleError, RELAY_DEFAULTS, SAMPLE_FILES, SAMPLE_PARTIES, relay }, { jsonReporter }] = await Promise.all([
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
        const index = (await ctx.hre.ethers.getSigners()).findIndex((s) => s.address === ctx.from);
        privateKey = index < 0 ? undefined : developmentAccountKey(ctx.hre, index);
      }
      if (privateKey === undefined || privateKey === "") throw new UsageError(`--from ${ctx.from}: no private key for this account; use --key-env`);
      if (opts["dryRun"] !== true) await requireRole(ledger, "auditor", ctx.from);
      const networkConfig = ctx.hre.network.config;
      const rpcUrl = "url" in networkConfig ? networkConfig.url : undefined;
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
        if (error instanceof OracleError) throw error.exitCode === 2 ? new UsageError(error.message) : new CommandError(error.message);
        throw error;
      }
      emit(g.json === true, summary, () => [
        `${summary.dryRun ? "would mint" : "minted"} ${summary.dryRun ? summary.totals - summary.zeroTotals - summary.skippedAlreadyMinted : summary.minted} audited totals (${formatAmount(BigInt(summary.totalGrams), "mass")}) from ${summary.recordsRead} records`,
        `  already minted ${summary.skippedAlreadyMinted}; quarantined ${summary.quarantined}${summary.quarantined > 0 ? ` (${summary.quarantineFile})` : ""}; ${summary.transactions} transactions`,
      ]);
      return summary.quarantined > 0 ? 3 : 0;
    }));
}
