/** Holder and company commands: balances, show, transfer, retire, receipts, net position. */
import type { Command } from "commander";
import { hexlify, randomBytes } from "ethers";
import { formatAmount } from "../../lib/units";
import {
  TOKEN_TYPE_NAMES, idHex, parseAddress, parseAmountFor, parseBytes32, parsePeriod, parseText, parseTokenId, parseYear, shortId,
} from "../lib/args";
import { action, opt, optional, withCommon } from "../lib/command";
import { connect, sendTx } from "../lib/context";
import { UsageError, need } from "../lib/errors";
import { balancesOf, humanAmount, nameCommitment, positionOf, readToken, retirementReceipts } from "../lib/ledger";
import { emit, table } from "../lib/output";
import { ledgerBlock, ledgerOf, requireToken } from "../lib/suite";

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
  const holder = program.command("holder").description("holder or company: balances, tokens, transfer, retire, receipts, net position");

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
    .requiredOption("--id <id>", "token id (full 0x evidence hash)")
    .action(action(async (opts, g) => {
      const id = need(parseTokenId(opt(opts, "id")));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const token = await readToken(ledger, id);
      if (token === undefined) throw new UsageError(`--id ${idHex(id)}: unknown token (no issuance has this evidence hash)`);
      const uri = decodeUri(await ledger.uri(id));
      emit(g.json === true, { ...token, uri }, () => [
        `${token.typeName} ${token.id}`,
        `  issuer   ${token.issuer}`,
        `  issuee   ${token.issuee}`,
        `  period   ${token.fromDate} .. ${token.thruDate}   created ${token.createdAt}`,
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
    .requiredOption("--from-date <YYYY-MM-DD>", "first day of the period the retirement is claimed for")
    .requiredOption("--thru-date <YYYY-MM-DD>", "last day of that period")
    .option("--salt <hash>", "salt for the name commitment (0x + 64 hex); default random, printed")
    .option("--holder <address>", "retire from this holder's balance (you must be approved); default the sender")
    .action(action(async (opts, g) => {
      const id = need(parseTokenId(opt(opts, "id")));
      const amountText = opt(opts, "amount");
      const beneficiary = need(parseAddress(opt(opts, "beneficiary"), "--beneficiary"));
      const name = need(parseText(opt(opts, "beneficiaryName"), "--beneficiary-name", 200));
      const reason = need(parseText(opt(opts, "reason"), "--reason", 500));
      const period = need(parsePeriod(opt(opts, "fromDate"), opt(opts, "thruDate")));
      const saltText = optional(opts, "salt");
      const salt = saltText === undefined ? hexlify(randomBytes(32)) : need(parseBytes32(saltText, "--salt"));
      const holderText = optional(opts, "holder");
      const holderAddress = holderText === undefined ? undefined : need(parseAddress(holderText, "--holder"));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      await requireToken(ledger, id);
      const tokenType = Number((await ledger.recordOf(id)).tokenType);
      if (tokenType === 3) throw new UsageError(`--id ${idHex(id)}: audited emissions cannot be retired; retire offsets against them`);
      const amount = need(parseAmountFor(tokenType, amountText));
      const from = holderAddress ?? ctx.from;
      const commitment = nameCommitment(name, salt);
      const retirement = { beneficiary, beneficiaryNameCommitment: commitment, fromDate: period.fromDate, thruDate: period.thruDate, reason };
      const tx = await sendTx(ctx, {
        contract: ledger, method: "retire", args: [from, id, amount, retirement],
        summary: `retire ${humanAmount(tokenType, amount)} of ${shortId(id)} for ${beneficiary}`,
      });
      emit(g.json === true, {
        id: idHex(id), holder: from, beneficiary, amount, beneficiaryNameCommitment: commitment, salt,
        fromDate: opt(opts, "fromDate"), thruDate: opt(opts, "thruDate"), reason, transaction: tx.hash, block: tx.block,
      }, () => [
        `retired ${humanAmount(tokenType, amount)} of ${shortId(id)} for ${beneficiary} (tx ${tx.hash})`,
        `  name commitment ${commitment}; keep the salt to prove the name: ${salt}`,
      ]);
    }));

  withCommon(holder.command("receipts").description("list retirement receipts"))
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
        ["id", "type", "amount", "holder", "beneficiary", "year", "reason"],
        receipts.map((r) => [shortId(r.id), TOKEN_TYPE_NAMES[r.tokenType] ?? "", humanAmount(r.tokenType, r.amount), r.holder, r.beneficiary, String(r.year), r.reason]),
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
}
