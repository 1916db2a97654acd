/** Holder and company commands: balances, show, transfer, retire, receipts, net position, climate claims. */
import fs from "node:fs";
import type { Command } from "commander";
import { hexlify, randomBytes } from "ethers";
import { attributedYear, formatAmount, formatDate } from "../../lib/units";
import type { ClaimsRegistry } from "../../../typechain-types";
import {
  TOKEN_TYPE_NAMES, idHex, parseAddress, parseAmountFor, parseBytes32, parseInteger, parsePeriod, parseText, parseTokenId, parseYear,
  shortId,
} from "../lib/args";
import { action, opt, optional, withCommon } from "../lib/command";
import { connect, sendTx, suiteContract } from "../lib/context";
import { UsageError, need } from "../lib/errors";
import { balancesOf, documentHash, humanAmount, nameCommitment, positionOf, readToken, retirementReceipts } from "../lib/ledger";
import { emit, table } from "../lib/output";
import { ledgerBlock, ledgerOf, requireToken } from "../lib/suite";

/** Claim kinds of IClaimsRegistry.ClaimKind. */
export const CLAIM_KINDS = { "net-zero": 1, "emissions-at-most": 2, reduction: 3 } as const;
const KIND_NAMES = ["none", "net-zero", "emissions-at-most", "reduction"];
const VERDICTS = ["pending", "approved", "rejected"];

/** Decodes a `data:application/json;base64,` URI; other URIs are returned as they are. */
function decodeUri(uri: string): unknown {
  const prefix = "data:application/json;base64,";
  if (!uri.startsWith(prefix)) return uri;
  try {
    return JSON.parse(Buffer.from(uri.slice(prefix.length), "base64").toString("utf8")) as unknown;
  } catch {
    return uri;
  }
}

export function registerHolder(program: Command): void {
  const holder = program.command("holder").description("holder or company: balances, show, transfer, retire, receipts, net position, claims");

  withCommon(holder.command("balances").description("list the tokens an account holds or retired"))
    .option("--account <address>", "account to list (default: the sender)")
    .action(action(async (opts, g) => {
      const accountText = optional(opts, "account");
      const account = accountText === undefined ? undefined : need(parseAddress(accountText, "--account"));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const who = account ?? ctx.from;
      const holdings = await balancesOf(ledger, who, ledgerBlock(ctx));
      emit(g.json === true, { account: who, holdings }, () => [
        `balances of ${who}`,
        ...table(["id", "type", "balance", "retired by holder", "period"], holdings.map((h) => [
          shortId(h.id), h.typeName, humanAmount(h.tokenType, h.balance), humanAmount(h.tokenType, h.retiredByHolder), `${h.fromDate}..${h.thruDate}`,
        ])),
      ]);
    }));

  withCommon(holder.command("show").description("show a token: record, metadata, totals"))
    .requiredOption("--id <id>", "token id (0x + 64 hex digits)")
    .action(action(async (opts, g) => {
      const id = need(parseTokenId(opt(opts, "id")));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const token = await readToken(ledger, id, ledgerBlock(ctx));
      if (token === undefined) throw new UsageError(`--id ${idHex(id)}: unknown token (no issuance has this id)`);
      const uri = decodeUri(await ledger.uri(id));
      emit(g.json === true, { ...token, uri }, () => [
        `${token.typeName} ${token.id}`,
        `  issuer   ${token.issuer}`,
        `  issuee   ${token.issuee}`,
        `  period   ${token.fromDate} .. ${token.thruDate} (year ${token.year})   created ${token.createdAt}`,
        `  evidence ${token.evidenceHash === "" ? "(Issued log out of reach)" : token.evidenceHash}`,
        `  issued ${humanAmount(token.tokenType, token.issued)}; available ${humanAmount(token.tokenType, token.available)}; retired ${humanAmount(token.tokenType, token.retired)}; revoked ${humanAmount(token.tokenType, token.revoked)}`,
        `  metadata ${token.metadata === "" ? "(none)" : token.metadata}`,
      ]);
    }));

  withCommon(holder.command("transfer").description("transfer RECs or offsets"))
    .requiredOption("--id <id>", "token id")
    .requiredOption("--to <address>", "recipient")
    .requiredOption("--amount <amount>", "amount: 4.2MWh (RECs), 12.5t or 830kg (offsets)")
    .action(action(async (opts, g) => {
      const id = need(parseTokenId(opt(opts, "id")));
      const to = need(parseAddress(opt(opts, "to"), "--to"));
      const amountText = opt(opts, "amount");
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      await requireToken(ledger, id);
      const tokenType = Number((await ledger.recordOf(id)).tokenType);
      const amount = need(parseAmountFor(tokenType, amountText));
      const tx = await sendTx(ctx, {
        contract: ledger, method: "safeTransferFrom", args: [ctx.from, to, id, amount, "0x"],
        summary: `transfer ${humanAmount(tokenType, amount)} of ${shortId(id)} to ${to}`,
      });
      emit(g.json === true, { id: idHex(id), from: ctx.from, to, amount, transaction: tx.hash, block: tx.block },
        () => [`transferred ${humanAmount(tokenType, amount)} of ${shortId(id)} to ${to} (tx ${tx.hash})`]);
    }));

  withCommon(holder.command("retire").description("retire RECs or offsets for a beneficiary and period; leaves a receipt"))
    .requiredOption("--id <id>", "token id")
    .requiredOption("--amount <amount>", "amount: 4.2MWh (RECs), 12.5t or 830kg (offsets)")
    .requiredOption("--beneficiary <address>", "account whose footprint the retirement counts towards")
    .requiredOption("--beneficiary-name <name>", "beneficiary's name; only a salted hash goes on chain")
    .requiredOption("--reason <text>", "reason (no personal data)")
    .option("--from-date <YYYY-MM-DD>", "first day of the period the retirement is claimed for (default: the token's period)")
    .option("--thru-date <YYYY-MM-DD>", "last day of that period, already ended (default: the token's period)")
    .option("--salt <hash>", "salt for the name commitment (0x + 64 hex); default random, printed")
    .option("--holder <address>", "retire from this holder's balance (you must be approved); default the sender")
    .action(action(async (opts, g) => {
      const id = need(parseTokenId(opt(opts, "id")));
      const amountText = opt(opts, "amount");
      const beneficiary = need(parseAddress(opt(opts, "beneficiary"), "--beneficiary"));
      const name = need(parseText(opt(opts, "beneficiaryName"), "--beneficiary-name", 200));
      const reason = need(parseText(opt(opts, "reason"), "--reason", 500));
      const fromText = optional(opts, "fromDate");
      const thruText = optional(opts, "thruDate");
      if ((fromText === undefined) !== (thruText === undefined)) {
        throw new UsageError(`${fromText === undefined ? "--from-date" : "--thru-date"}: give both --from-date and --thru-date, or neither (the token's own period)`);
      }
      const given = fromText === undefined || thruText === undefined ? undefined : need(parsePeriod(fromText, thruText));
      const saltText = optional(opts, "salt");
      const salt = saltText === undefined ? hexlify(randomBytes(32)) : need(parseBytes32(saltText, "--salt"));
      const holderText = optional(opts, "holder");
      const holderAddress = holderText === undefined ? undefined : need(parseAddress(holderText, "--holder"));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      await requireToken(ledger, id);
      const record = await ledger.recordOf(id);
      const tokenType = Number(record.tokenType);
      if (tokenType === 3) throw new UsageError(`--id ${idHex(id)}: audited emissions cannot be retired; retire offsets against them`);
      const amount = need(parseAmountFor(tokenType, amountText));
      const from = holderAddress ?? ctx.from;
      // The claimed period: given, or the token's own (its year is the token's year, always within the gap).
      const period = given ?? { fromDate: Number(record.fromDate), thruDate: Number(record.thruDate) };
      const periodWhat = given === undefined ? "the token's period (default)" : "--thru-date";
      const now = (await ctx.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
      if (period.thruDate > now) {
        throw new UsageError(`${periodWhat} ${formatDate(period.fromDate)}..${formatDate(period.thruDate)}: has not ended; a retirement is claimed for a period that has ended`);
      }
      const [claimedYear, tokenYear, gap] = [attributedYear(period.fromDate, period.thruDate), Number(record.year), Number(await ledger.claimYearGap())];
      if (Math.abs(claimedYear - tokenYear) > gap) {
        throw new UsageError(`${given === undefined ? periodWhat : "--from-date"} ${formatDate(period.fromDate)}..${formatDate(period.thruDate)}: counts towards ${claimedYear}, more than ${gap} years from the token's year ${tokenYear}`);
      }
      const commitment = nameCommitment(name, salt);
      const retirement = { beneficiary, beneficiaryNameCommitment: commitment, fromDate: period.fromDate, thruDate: period.thruDate, reason };
      const tx = await sendTx(ctx, {
        contract: ledger, method: "retire", args: [from, id, amount, retirement],
        summary: `retire ${humanAmount(tokenType, amount)} of ${shortId(id)} for ${beneficiary}`,
      });
      emit(g.json === true, {
        id: idHex(id), holder: from, beneficiary, amount, beneficiaryNameCommitment: commitment, salt,
        fromDate: formatDate(period.fromDate), thruDate: formatDate(period.thruDate), year: claimedYear, reason, transaction: tx.hash, block: tx.block,
      }, () => [
        `retired ${humanAmount(tokenType, amount)} of ${shortId(id)} for ${beneficiary} in ${claimedYear} (tx ${tx.hash})`,
        `  name commitment ${commitment}; keep the salt to prove the name: ${salt}`,
      ]);
    }));

  withCommon(holder.command("receipts").description("list retirement receipts (voided ones marked)"))
    .option("--holder <address>", "only retirements from this holder")
    .option("--beneficiary <address>", "only retirements for this beneficiary")
    .option("--id <id>", "only retirements of this token")
    .action(action(async (opts, g) => {
      const h = optional(opts, "holder");
      const b = optional(opts, "beneficiary");
      const i = optional(opts, "id");
      const filter = {
        holder: h === undefined ? undefined : need(parseAddress(h, "--holder")),
        beneficiary: b === undefined ? undefined : need(parseAddress(b, "--beneficiary")),
        id: i === undefined ? undefined : need(parseTokenId(i)),
      };
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const receipts = await retirementReceipts(ledger, filter, ledgerBlock(ctx));
      emit(g.json === true, { receipts }, () => table(
        ["id", "type", "amount", "holder", "beneficiary", "year", "status", "reason"],
        receipts.map((r) => [
          shortId(r.id), TOKEN_TYPE_NAMES[r.tokenType] ?? "", humanAmount(r.tokenType, r.amount), r.holder, r.beneficiary, String(r.year),
          r.status === "partly voided" ? `partly voided (${humanAmount(r.tokenType, r.voided)})` : r.status, r.reason,
        ]),
      ));
    }));

  withCommon(holder.command("net").description("net position of an account for a year: audited emissions minus retired offsets"))
    .requiredOption("--year <YYYY>", "calendar year (UTC)")
    .option("--account <address>", "account (default: the sender)")
    .action(action(async (opts, g) => {
      const year = need(parseYear(opt(opts, "year")));
      const a = optional(opts, "account");
      const account = a === undefined ? undefined : need(parseAddress(a, "--account"));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const p = await positionOf(ledger, account ?? ctx.from, year);
      emit(g.json === true, p, () => [
        `${p.account} in ${year}`,
        `  audited emissions  ${formatAmount(p.emissions, "mass")}`,
        `  retired offsets    ${formatAmount(p.offsetsRetired, "mass")}`,
        `  net position       ${formatAmount(p.netPosition, "mass")}`,
        `  retired RECs       ${formatAmount(p.recsRetired, "energy")}`,
      ]);
    }));

  const claim = holder.command("claim").description("climate claims: submit one about yourself, show one with its verdict");

  withCommon(claim.command("submit").description("submit a climate claim for a year (registered companies)"))
    .requiredOption("--year <YYYY>", "reporting year (UTC)")
    .requiredOption("--kind <kind>", "net-zero, emissions-at-most or reduction")
    .option("--value <value>", "emissions-at-most: ceiling such as 40t; reduction: percent such as 12.5")
    .option("--base-year <YYYY>", "reduction: the earlier year compared with")
    .option("--evidence-hash <hash>", "hash of your evidence (0x + 64 hex)")
    .option("--document <file>", "evidence document to hash instead")
    .requiredOption("--uri <uri>", "where the claim is published")
    .action(action(async (opts, g) => {
      const year = need(parseYear(opt(opts, "year")));
      const kindText = opt(opts, "kind").trim().toLowerCase();
      const kind = (CLAIM_KINDS as Record<string, number>)[kindText];
      if (kind === undefined) throw new UsageError(`--kind "${opt(opts, "kind")}": expected net-zero, emissions-at-most or reduction`);
      const valueText = optional(opts, "value");
      let value = 0n;
      if (kind === 2) {
        if (valueText === undefined) throw new UsageError("--value: required for emissions-at-most, e.g. 40t");
        value = need(parseAmountFor(3, valueText, "--value"));
      } else if (kind === 3) {
        const m = valueText === undefined ? null : /^(\d{1,3})(?:\.(\d{1,2}))?%?$/.exec(valueText.trim());
        const bp = m === null ? 0 : Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
        if (bp < 1 || bp > 10_000) throw new UsageError(`--value "${valueText ?? ""}": expected a reduction percent from 0.01 to 100`);
        value = BigInt(bp);
      } else if (valueText !== undefined) throw new UsageError("--value: not used with net-zero");
      const baseText = optional(opts, "baseYear");
      const baseYear = baseText === undefined ? 0 : need(parseYear(baseText, "--base-year"));
      if (kind === 3 && (baseText === undefined || baseYear >= year)) throw new UsageError("--base-year: a reduction needs a base year before --year");
      const doc = optional(opts, "document");
      const hashText = optional(opts, "evidenceHash");
      const evidenceHash = doc !== undefined
        ? documentHash(fs.readFileSync(doc))
        : need(parseBytes32(hashText ?? "", "--evidence-hash"));
      const uri = need(parseText(opt(opts, "uri"), "--uri", 500));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      if (!(await ledger.isParticipant(ctx.from))) throw new UsageError(`--from ${ctx.from}: not a registered company (ask a registrar: admin register)`);
      const claims = await suiteContract<ClaimsRegistry>(ctx, "ClaimsRegistry");
      const request = { year, kind, value, baseYear, evidenceHash, uri };
      const tx = await sendTx(ctx, { contract: claims, method: "submitClaim", args: [request], summary: `submit a ${kindText} claim for ${year}` });
      const claimId = tx.returned as bigint;
      emit(g.json === true, { claim: claimId, account: ctx.from, year, kind: kindText, value, transaction: tx.hash },
        () => [`submitted claim ${claimId}: ${kindText} for ${year} (tx ${tx.hash})`, "  the DAO decides it: dao propose verdict --claim " + claimId.toString()]);
    }));

  withCommon(claim.command("show").description("show a claim with its verdict and the ledger's figures"))
    .requiredOption("--claim <id>", "claim id")
    .action(action(async (opts, g) => {
      const claimId = BigInt(need(parseInteger(opt(opts, "claim"), "--claim", 1, Number.MAX_SAFE_INTEGER)));
      const ctx = await connect(g);
      const claims = await suiteContract<ClaimsRegistry>(ctx, "ClaimsRegistry");
      if (claimId > (await claims.claimCount())) throw new UsageError(`--claim ${claimId}: no such claim`);
      const r = await claims.claimOf(claimId);
      const view = {
        claim: claimId, account: r.claim.account, year: Number(r.claim.year), kind: KIND_NAMES[Number(r.claim.kind)], value: r.claim.value,
        baseYear: Number(r.claim.baseYear), evidenceHash: r.claim.evidenceHash, uri: r.claim.uri,
        verdict: VERDICTS[Number(r.verdict.verdict)], proposal: r.verdict.proposalId, reasonHash: r.verdict.reasonHash,
        // live: the ledger now; frozen: the figures the verdict was based on (zero while pending)
        emissions: r.live.totals.emissions, offsetsRetired: r.live.totals.offsetsRetired, recsRetired: r.live.totals.recsRetired, netPosition: r.live.totals.netPosition,
        consistent: r.live.consistent,
        frozenEmissions: r.frozen.totals.emissions, frozenOffsetsRetired: r.frozen.totals.offsetsRetired, frozenRecsRetired: r.frozen.totals.recsRetired,
        frozenNetPosition: r.frozen.totals.netPosition, frozenConsistent: r.frozen.consistent, changedSinceVerdict: r.changedSinceVerdict,
      };
      const decided = Number(r.verdict.verdict) !== 0;
      emit(g.json === true, view, () => [
        `claim ${claimId}: ${view.kind ?? ""} for ${view.year} by ${view.account}; verdict ${view.verdict ?? ""}`,
        ...(decided ? [`  at the verdict: emissions ${formatAmount(view.frozenEmissions, "mass")}, retired offsets ${formatAmount(view.frozenOffsetsRetired, "mass")}, net ${formatAmount(view.frozenNetPosition, "mass")}; consistent with the claim: ${view.frozenConsistent ? "yes" : "no"}`] : []),
        `  ledger now: emissions ${formatAmount(view.emissions, "mass")}, retired offsets ${formatAmount(view.offsetsRetired, "mass")}, net ${formatAmount(view.netPosition, "mass")}; consistent with the claim: ${view.consistent ? "yes" : "no"}${view.changedSinceVerdict ? " (changed since the verdict)" : ""}`,
      ]);
    }));
}
