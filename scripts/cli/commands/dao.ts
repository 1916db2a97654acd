/** DAO member commands: delegate, proposals, proposal, propose (issue, verdict, revoke, void, role, setting), vote, queue, execute. */
import fs from "node:fs";
import type { Command } from "commander";
import { formatUnits, parseUnits } from "ethers";
import type { CarbonLedger, ClaimsRegistry, ClimateGovernor, Timelock, VotingToken } from "../../../typechain-types";
import type { Proposal } from "../../governance/proposals";
import type { Parsed } from "../../lib/units";
import { existingIssuance } from "../../ledger/existing";
import {
  ROLES, idHex, parseAddress, parseAmountFor, parseBytes32, parseInteger, parsePeriod, parseRole, parseSwitch, parseText, parseTokenId,
  parseTokenType, parseYear,
} from "../lib/args";
import { action, opt, optional, withCommon } from "../lib/command";
import type { Context, GlobalOptions } from "../lib/context";
import { abiOf, connect, sendTx, suiteContract } from "../lib/context";
import type { ContractName } from "../../lib/deployment";
import { UsageError, need } from "../lib/errors";
import type { ProposalView, SettingName, SupportName } from "../lib/dao";
import { SETTINGS, SUPPORT, descriptionHash, listProposals, otherSettingProposal } from "../lib/dao";

/** The proposal builders, loaded when a command needs them (they load every TypeChain factory: slow to start). */
const builders = () => import("../../governance/proposals");
import { documentHash, humanAmount, quantityOf } from "../lib/ledger";
import { emit, table, toJson } from "../lib/output";
import { addressBook, labelled } from "../lib/address-book";
import type { KnownContract } from "../lib/proposal-view";
import { decodeAction, duration, idsInActions, resolvePrefix, uniquePrefixes, votesOf } from "../lib/proposal-view";
import { formatAmount } from "../../lib/units";
import { ledgerOf, requireToken } from "../lib/suite";

/** Reads a file named by an option, or a usage error naming the option. */
function readFileArg(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new UsageError(`${what} "${file}": cannot read the file`);
  }
}

const governorOf = (ctx: Context) => suiteContract<ClimateGovernor>(ctx, "ClimateGovernor");
const governorBlock = (ctx: Context): number => ctx.record?.contracts.ClimateGovernor?.block ?? 0;

/** A proposal id: the governor's uint256, in decimal or 0x hex. */
export function parseProposalId(text: string, what = "--proposal"): Parsed<bigint> {
  const t = text.trim();
  if (/^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(t) && BigInt(t) > 0n && BigInt(t) < 2n ** 256n) return { ok: true, value: BigInt(t) };
  return { ok: false, error: `${what} "${text}": expected a proposal id (decimal, as \`dao proposals\` lists it)` };
}

/** for, against or abstain. */
export function parseSupport(text: string, what = "--support"): Parsed<SupportName> {
  const t = text.trim().toLowerCase();
  return t in SUPPORT ? { ok: true, value: t as SupportName } : { ok: false, error: `${what} "${text}": expected for, against or abstain` };
}

/** A comma-separated list of for/against/abstain, one per criterion. */
export function parseCriteriaVotes(text: string, what = "--criteria-votes"): Parsed<SupportName[]> {
  const votes: SupportName[] = [];
  for (const part of text.split(",")) {
    const p = parseSupport(part, what);
    if (!p.ok) return { ok: false, error: `${what} "${text}": expected for, against or abstain per criterion, comma-separated` };
    votes.push(p.value);
  }
  return { ok: true, value: votes };
}

/** A comma-separated list of criterion names. */
export function parseCriteria(text: string | undefined, what = "--criteria"): Parsed<string[]> {
  if (text === undefined) return { ok: true, value: [] };
  const names = text.split(",").map((s) => s.trim());
  if (names.some((n) => n === "") || names.length > 16) return { ok: false, error: `${what} "${text}": expected 1 to 16 comma-separated criterion names` };
  return { ok: true, value: names };
}

/** The proposal `text` names: its full id or any unique prefix of it (as `dao proposals` shows it). */
async function findProposal(ctx: Context, governor: ClimateGovernor, text: string): Promise<ProposalView> {
  const all = await listProposals(governor, governorBlock(ctx));
  const id = need(resolvePrefix(text, all.map((p) => p.id)));
  return all.find((p) => p.id === id) as ProposalView;
}

const votes = (v: bigint): string => formatUnits(v, 18).replace(/\.0$/, "");
const when = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

/** The state with what comes next: time left to the vote's start or end, or to the timelock's eta. */
function stateLine(p: ProposalView, now: number): string {
  if (p.state === "Pending") return `Pending: voting starts in ${duration(p.voteStart - now)} (${when(p.voteStart)})`;
  if (p.state === "Active") return `Active: voting ends in ${duration(p.voteEnd - now)} (${when(p.voteEnd)})`;
  if (p.state === "Queued") return p.eta > now ? `Queued: executable in ${duration(p.eta - now)} (eta ${when(p.eta)})` : `Queued: executable now (eta ${when(p.eta)})`;
  return `${p.state} (voting ${when(p.voteStart)} .. ${when(p.voteEnd)})`;
}

/** Everything a voter needs about one proposal, for people and for --json. */
async function proposalDetail(ctx: Context, governor: ClimateGovernor, p: ProposalView): Promise<{ json: Record<string, unknown>; lines: string[] }> {
  const book = addressBook(ctx.record);
  const label = (a: string) => labelled(book, a);
  const known = new Map<string, KnownContract>();
  for (const [name, entry] of Object.entries(ctx.record?.contracts ?? {})) {
    if (entry !== undefined) known.set(entry.address.toLowerCase(), { name, abi: abiOf(name as ContractName) });
  }
  const ledger = await ledgerOf(ctx);
  const quantities = new Map<bigint, ReturnType<typeof quantityOf>>();
  for (const id of idsInActions(p.actions.targets, p.actions.calldatas, known)) {
    if (await ledger.exists(id)) quantities.set(id, quantityOf(Number((await ledger.recordOf(id)).tokenType)));
  }
  const actions = p.actions.targets.map((t, i) => decodeAction(t, p.actions.calldatas[i] as string, known, (id) => quantities.get(id), label));
  const cast = await votesOf(governor, governorBlock(ctx), BigInt(p.id), p.criteria);
  const now = (await ctx.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
  // A verdict proposal: the claim it decides, and whether the ledger's figures bear the claim out.
  const verdictLines: string[] = [];
  let verdict: Record<string, unknown> | undefined;
  const registry = ctx.record?.contracts.ClaimsRegistry?.address.toLowerCase();
  for (const [i, target] of p.actions.targets.entries()) {
    if (target.toLowerCase() !== registry) continue;
    const claims = await suiteContract<ClaimsRegistry>(ctx, "ClaimsRegistry");
    const call = claims.interface.parseTransaction({ data: p.actions.calldatas[i] as string });
    if (call?.name !== "recordVerdict") continue;
    const claimId = call.args[0] as bigint;
    const r = await claims.claimOf(claimId);
    const t = r.live.totals;
    verdict = { claim: claimId, approve: call.args[1] as boolean, account: r.claim.account, year: Number(r.claim.year), emissions: t.emissions, offsetsRetired: t.offsetsRetired, netPosition: t.netPosition, consistent: r.live.consistent };
    verdictLines.push(
      `  claim ${claimId} by ${label(r.claim.account)} for ${r.claim.year}; this proposal would ${call.args[1] === true ? "approve" : "reject"} it`,
      `  the ledger: emissions ${formatAmount(t.emissions, "mass")}, retired offsets ${formatAmount(t.offsetsRetired, "mass")}, net ${formatAmount(t.netPosition, "mass")}; bears the claim out: ${r.live.consistent ? "yes" : "no"}`,
    );
  }
  const lines = [
    `proposal ${p.id}`,
    `  ${p.title}`,
    `  by ${label(p.proposer)}; state ${stateLine(p, now)}${p.eta > 0 ? `; eta ${when(p.eta)}` : ""}`,
    "description:",
    ...p.description.split("\n").map((l) => `  ${l}`),
    "actions:",
    ...actions.map((a, i) => `  ${i + 1}. ${a}${p.actions.values[i] !== 0n ? ` with ${formatUnits(p.actions.values[i] as bigint, 18)} native` : ""}`),
    ...(verdictLines.length > 0 ? ["verdict:", ...verdictLines] : []),
    `quorum: ${votes(p.quorumVotes)} votes counted / ${votes(p.quorum)} needed${p.quorumVotes >= p.quorum && p.quorum > 0n ? " (reached)" : ""}`,
    ...table(["criterion", "for", "against", "abstain"], p.tallies.map((t) => [t.criterion ?? "(plain vote)", votes(t.for), votes(t.against), votes(t.abstain)])),
    `votes (${cast.length}):`,
    ...(cast.length === 0 ? ["  (none yet)"] : table(["voter", "weight", "vote", "reason"], cast.map((v) => [label(v.voter), votes(v.weight), v.support, v.reason])).map((l) => `  ${l}`)),
  ];
  return { json: { ...p, shortId: uniquePrefixes([p.id]).get(p.id), decodedActions: actions, votes: cast, verdict: verdict ?? null, now }, lines };
}

/** Common options of every `dao propose` command. */
const proposeOptions = (cmd: Command): Command =>
  withCommon(cmd)
    .option("--title <text>", "a title placed before the builder's description")
    .option("--criteria <list>", "quality criteria voted separately, comma-separated (e.g. additionality,permanence)");

/** The builder's proposal with the command's title and criteria applied. */
function shaped(opts: Record<string, unknown>, built: Proposal, defaultCriteria?: readonly string[]): Proposal {
  const criteria = need(parseCriteria(optional(opts, "criteria")));
  const titleText = optional(opts, "title");
  const title = titleText === undefined ? undefined : need(parseText(titleText, "--title", 200));
  const chosen = criteria.length > 0 ? criteria : defaultCriteria === undefined ? undefined : [...defaultCriteria];
  const { criteria: _ignored, ...plain } = built;
  void _ignored;
  return {
    ...plain,
    // The `#proposer=` suffix of the builder's description stays at the end.
    description: title === undefined ? built.description : `${title}\n\n${built.description}`,
    ...(chosen === undefined ? {} : { criteria: chosen }),
  };
}

/** The token a revoke or void proposal is about: connects, checks that `id` names a token, and reads its type. */
async function tokenToPropose(g: GlobalOptions, id: bigint): Promise<{ ctx: Context; ledger: CarbonLedger; tokenType: number }> {
  const ctx = await connect(g);
  const ledger = await ledgerOf(ctx);
  await requireToken(ledger, id);
  const tokenType = Number((await ledger.recordOf(id)).tokenType);
  return { ctx, ledger, tokenType };
}

/** Sends a proposal after checking the proposer's votes; prints its id (and `extra` fields, e.g. the token id). */
async function propose(ctx: Context, proposal: Proposal, extra: Record<string, unknown> = {}): Promise<void> {
  const governor = await governorOf(ctx);
  const now = await governor.clock();
  const [votes, threshold] = await Promise.all([governor.getVotes(ctx.from, now - 1n), governor.proposalThreshold()]);
  if (votes < threshold) {
    throw new UsageError(`--from ${ctx.from}: has ${formatUnits(votes, 18)} votes, proposing needs ${formatUnits(threshold, 18)} (delegate first: dao delegate)`);
  }
  const { targets, values, calldatas, description, criteria } = proposal;
  const summary = description.split("\n")[0] ?? description;
  const plan = criteria === undefined
    ? { contract: governor, method: "propose", args: [targets, values, calldatas, description], summary }
    : { contract: governor, method: "proposeWithCriteria", args: [targets, values, calldatas, description, criteria], summary };
  const tx = await sendTx(ctx, plan);
  const id = (await builders()).proposalId(proposal);
  emit(ctx.options.json === true, { proposal: id.toString(), ...extra, description, criteria: criteria ?? [], transaction: tx.hash, block: tx.block },
    () => [`proposed ${id}`, `  commands take any unique prefix of the id, e.g. --proposal ${id.toString().slice(0, 8)}`, `  ${summary} (tx ${tx.hash})`, ...Object.entries(extra).map(([k, v]) => `  ${k} ${String(v)}`)]);
}

export function registerDao(program: Command): void {
  const dao = program.command("dao").description("DAO member: delegate, proposals, propose, vote, queue, execute");

  withCommon(dao.command("delegate").description("delegate your voting power (to yourself to vote directly)"))
    .option("--to <address>", "delegate (default: yourself)")
    .action(action(async (opts, g) => {
      const to = optional(opts, "to");
      const delegatee = to === undefined ? undefined : need(parseAddress(to, "--to"));
      const ctx = await connect(g);
      const token = await suiteContract<VotingToken>(ctx, "VotingToken");
      const target = delegatee ?? ctx.from;
      const tx = await sendTx(ctx, { contract: token, method: "delegate", args: [target], summary: `delegate votes to ${target}` });
      const balance = await token.balanceOf(ctx.from);
      emit(g.json === true, { delegate: target, balance, transaction: tx.hash }, () => [`delegated ${formatUnits(balance, 18)} votes to ${target} (tx ${tx.hash})`]);
    }));

  withCommon(dao.command("proposals").description("list proposals with state and tallies"))
    .action(action(async (_opts, g) => {
      const ctx = await connect(g);
      const proposals = await listProposals(await governorOf(ctx), governorBlock(ctx));
      // Ids as their shortest unique prefix: any --proposal accepts it. Tallies per criterion, never summed.
      const prefixes = uniquePrefixes(proposals.map((p) => p.id));
      const tally = (p: ProposalView, k: "for" | "against" | "abstain") => p.tallies.map((t) => votes(t[k])).join(" / ");
      emit(g.json === true, { proposals: proposals.map((p) => ({ ...p, shortId: prefixes.get(p.id) })) }, () => table(
        ["id", "state", "title", "for", "against", "abstain", "quorum"],
        proposals.map((p) => [prefixes.get(p.id) ?? p.id, p.state, p.title, tally(p, "for"), tally(p, "against"), tally(p, "abstain"), `${votes(p.quorumVotes)} / ${votes(p.quorum)}`]),
      ));
    }));

  withCommon(dao.command("proposal").description("show one proposal"))
    .requiredOption("--proposal <id>", "proposal id or a unique prefix of it (as dao proposals shows it)")
    .action(action(async (opts, g) => {
      const text = opt(opts, "proposal");
      const ctx = await connect(g);
      const governor = await governorOf(ctx);
      const detail = await proposalDetail(ctx, governor, await findProposal(ctx, governor, text));
      emit(g.json === true, detail.json, () => detail.lines);
    }));

  const proposeCmd = dao.command("propose").description("propose a governed act: issue, verdict, revoke, void, role, setting");

  proposeOptions(proposeCmd.command("issue").description("the timelock issues offsets or RECs to a project (voted on the DAO's default quality criteria unless --criteria)"))
    .requiredOption("--type <type>", "offset or rec")
    .requiredOption("--to <address>", "project account receiving the tokens")
    .requiredOption("--project-name <name>", "project name, shown in the proposal")
    .requiredOption("--amount <amount>", "12.5t (offsets) or 4.2MWh (RECs)")
    .requiredOption("--from-date <YYYY-MM-DD>", "first day of the period")
    .requiredOption("--thru-date <YYYY-MM-DD>", "last day of the period")
    .option("--document <file...>", "project documents; the evidence hash is computed from them and the metadata (the token id from it and the timelock)")
    .option("--evidence-hash <hash>", "evidence hash instead of --document")
    .option("--metadata <json|uri>", "metadata of the issuance", "")
    .action(action(async (opts, g) => {
      const tokenType = need(parseTokenType(opt(opts, "type")));
      if (tokenType === 3) throw new UsageError(`--type "${opt(opts, "type")}": the DAO issues offset or rec; emissions come from auditors`);
      const project = need(parseAddress(opt(opts, "to"), "--to"));
      const projectName = need(parseText(opt(opts, "projectName"), "--project-name", 200));
      const amount = need(parseAmountFor(tokenType, opt(opts, "amount")));
      const period = need(parsePeriod(opt(opts, "fromDate"), opt(opts, "thruDate")));
      const metadata = optional(opts, "metadata") ?? "";
      const docs = Array.isArray(opts["document"]) ? (opts["document"] as string[]) : [];
      const hashText = optional(opts, "evidenceHash");
      if ((docs.length === 0) === (hashText === undefined)) throw new UsageError("--document: give the project documents or --evidence-hash (one of them)");
      const { DEFAULT_CRITERIA, issueToProject, projectEvidenceHash } = await builders();
      const evidenceHash = hashText !== undefined
        ? need(parseBytes32(hashText, "--evidence-hash"))
        : projectEvidenceHash(docs.map((d) => documentHash(readFileArg(d, "--document"))), metadata);
      need(parseCriteria(optional(opts, "criteria")));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      // The timelock issues, so the token's scope (and id) is the timelock's.
      const timelock = ctx.record?.contracts.Timelock?.address;
      if (timelock === undefined) throw new UsageError(`--network ${g.network}: the deployment record has no Timelock`);
      const request = { tokenType, issuee: project, amount, fromDate: period.fromDate, thruDate: period.thruDate, evidenceHash, records: [], metadata };
      const existing = await existingIssuance(ledger, request, timelock);
      const id = idHex(existing.id);
      if (existing.status === "minted") {
        emit(g.json === true, { id, status: "minted", evidenceHash, proposal: null }, () => [`already issued: ${id} (nothing proposed)`]);
        return 0;
      }
      if (existing.status === "conflict") {
        if (g.json === true) process.stdout.write(`${toJson({ id, status: "conflict", evidenceHash, differences: existing.differences })}\n`);
        console.error(`error: conflict with token ${id} (evidence ${evidenceHash}); nothing proposed:`);
        for (const d of existing.differences) console.error(`  - ${d}`);
        return 1;
      }
      const built = need(issueToProject({
        ledger: await ledger.getAddress(), kind: tokenType === 2 ? "offset" : "rec", project, projectName, amount,
        fromDate: period.fromDate, thruDate: period.thruDate, evidenceHash, metadata, criteria: null, proposer: ctx.from,
      }));
      await propose(ctx, shaped(opts, built, DEFAULT_CRITERIA), { id });
      return 0;
    }));

  proposeOptions(proposeCmd.command("verdict").description("approve or reject a climate claim"))
    .requiredOption("--claim <id>", "claim id")
    .requiredOption("--verdict <approve|reject>", "approve or reject")
    .requiredOption("--reason <text>", "published reasons (their hash is recorded)")
    .action(action(async (opts, g) => {
      const claimId = BigInt(need(parseInteger(opt(opts, "claim"), "--claim", 1, Number.MAX_SAFE_INTEGER)));
      const v = opt(opts, "verdict").trim().toLowerCase();
      if (v !== "approve" && v !== "reject") throw new UsageError(`--verdict "${opt(opts, "verdict")}": expected approve or reject`);
      const reason = need(parseText(opt(opts, "reason"), "--reason"));
      need(parseCriteria(optional(opts, "criteria")));
      const ctx = await connect(g);
      const claims = await suiteContract<ClaimsRegistry>(ctx, "ClaimsRegistry");
      if (claimId > (await claims.claimCount())) throw new UsageError(`--claim ${claimId}: no such claim`);
      const { recordClaimVerdict } = await builders();
      const built = need(recordClaimVerdict({ registry: await claims.getAddress(), claimId, approved: v === "approve", reason, proposer: ctx.from }));
      await propose(ctx, shaped(opts, built));
    }));

  proposeOptions(proposeCmd.command("revoke").description("revoke tokens (fraud, error)"))
    .requiredOption("--holder <address>", "holder of the tokens")
    .requiredOption("--id <id>", "token id")
    .requiredOption("--amount <amount>", "amount to revoke")
    .requiredOption("--reason <text>", "why")
    .action(action(async (opts, g) => {
      const holder = need(parseAddress(opt(opts, "holder"), "--holder"));
      const id = need(parseTokenId(opt(opts, "id")));
      const reason = need(parseText(opt(opts, "reason"), "--reason"));
      need(parseCriteria(optional(opts, "criteria")));
      const { ctx, ledger, tokenType } = await tokenToPropose(g, id);
      const amount = need(parseAmountFor(tokenType, opt(opts, "amount")));
      const { revokeIssuance } = await builders();
      const built = need(revokeIssuance({
        ledger: await ledger.getAddress(), holder, id, amount, quantity: quantityOf(tokenType), reason, proposer: ctx.from,
      }));
      await propose(ctx, shaped(opts, built));
    }));

  proposeOptions(proposeCmd.command("void").description("void a retirement found fraudulent or wrong: it leaves the beneficiary's totals for that year"))
    .requiredOption("--holder <address>", "the account that retired (as on the receipt)")
    .requiredOption("--id <id>", "token id of the retired REC or offset")
    .requiredOption("--beneficiary <address>", "the beneficiary of the retirement (as on the receipt)")
    .requiredOption("--year <YYYY>", "the year the retirement counts towards (as `holder receipts` lists it)")
    .requiredOption("--amount <amount>", "amount to void: 4.2MWh (RECs), 12.5t or 830kg (offsets)")
    .requiredOption("--reason <text>", "why (published in the proposal and the RetirementVoided event)")
    .action(action(async (opts, g) => {
      const holder = need(parseAddress(opt(opts, "holder"), "--holder"));
      const id = need(parseTokenId(opt(opts, "id")));
      const beneficiary = need(parseAddress(opt(opts, "beneficiary"), "--beneficiary"));
      const year = need(parseYear(opt(opts, "year")));
      if (year > 65_535) throw new UsageError(`--year "${opt(opts, "year")}": expected a year such as 2025`);
      const reason = need(parseText(opt(opts, "reason"), "--reason"));
      need(parseCriteria(optional(opts, "criteria")));
      const { ctx, ledger, tokenType } = await tokenToPropose(g, id);
      if (tokenType === 3) throw new UsageError(`--id ${idHex(id)}: audited emissions are never retired; revoke them with \`dao propose revoke\``);
      const amount = need(parseAmountFor(tokenType, opt(opts, "amount")));
      const left = await ledger.retiredFor(id, holder, beneficiary, year);
      if (left < amount) {
        throw new UsageError(`--amount "${opt(opts, "amount")}": ${holder} retired ${humanAmount(tokenType, left)} of this token for ${beneficiary} in ${year} that is not voided; at most that can be voided`);
      }
      const { voidRetirement } = await builders();
      const built = need(voidRetirement({
        ledger: await ledger.getAddress(), holder, id, beneficiary, year, amount, quantity: quantityOf(tokenType), reason, proposer: ctx.from,
      }));
      await propose(ctx, shaped(opts, built));
    }));

  proposeOptions(proposeCmd.command("role").description("grant or revoke a ledger role"))
    .requiredOption("--change <grant|revoke>", "grant or revoke")
    .requiredOption("--role <role>", "role: rec-issuer, offset-issuer, auditor, revoker, pauser, registrar")
    .requiredOption("--account <address>", "account")
    .action(action(async (opts, g) => {
      const change = opt(opts, "change").trim().toLowerCase();
      if (change !== "grant" && change !== "revoke") throw new UsageError(`--change "${opt(opts, "change")}": expected grant or revoke`);
      const role = need(parseRole(opt(opts, "role")));
      if (role === "admin") throw new UsageError('--role "admin": the admin role moves only by the two-step transfer, not by a role change');
      const account = need(parseAddress(opt(opts, "account"), "--account"));
      need(parseCriteria(optional(opts, "criteria")));
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const { changeLedgerRole } = await builders();
      const built = need(changeLedgerRole({ ledger: await ledger.getAddress(), role: ROLES[role], account, grant: change === "grant", proposer: ctx.from }));
      await propose(ctx, shaped(opts, built));
    }));

  proposeOptions(proposeCmd.command("setting").description("change a governed setting"))
    .requiredOption("--name <setting>", `setting: ${Object.keys(SETTINGS).join(", ")}`)
    .requiredOption("--value <value>", "new value (seconds, percent, whole tokens, on/off, signatures)")
    .action(action(async (opts, g) => {
      const name = opt(opts, "name").trim();
      if (!(name in SETTINGS)) throw new UsageError(`--name "${name}": expected one of ${Object.keys(SETTINGS).join(", ")}`);
      const setting = name as SettingName;
      const text = opt(opts, "value");
      let value: bigint | boolean;
      if (setting === "limited-mode") value = need(parseSwitch(text, "--value"));
      else if (setting === "proposal-threshold") {
        if (!/^\d+(\.\d{1,18})?$/.test(text.trim())) throw new UsageError(`--value "${text}": expected whole voting tokens, e.g. 10`);
        value = parseUnits(text.trim(), 18);
      } else if (setting === "quorum-percent") value = BigInt(need(parseInteger(text, "--value", 1, 100)));
      else if (setting === "attestation-threshold") value = BigInt(need(parseInteger(text, "--value", 1, 255)));
      else value = BigInt(need(parseInteger(text, "--value", setting === "voting-period" ? 1 : 0, 2 ** 32 - 1)));
      need(parseCriteria(optional(opts, "criteria")));
      const ctx = await connect(g);
      const governorSetting = SETTINGS[setting].governor;
      const { changeGovernorSetting } = await builders();
      const built = governorSetting !== undefined
        ? need(changeGovernorSetting({ governor: await (await governorOf(ctx)).getAddress(), setting: governorSetting, value: value as bigint, proposer: ctx.from }))
        : await otherSettingProposal(
          { ledger: await ledgerOf(ctx), timelock: await suiteContract<Timelock>(ctx, "Timelock") },
          setting as "timelock-delay" | "limited-mode" | "attestation-threshold", value,
        );
      await propose(ctx, shaped(opts, built));
    }));

  withCommon(dao.command("vote").description("vote for, against or abstain (per criterion where the proposal has criteria)"))
    .requiredOption("--proposal <id>", "proposal id or a unique prefix of it (as dao proposals shows it)")
    .option("--support <for|against|abstain>", "your vote (on a criteria proposal: the same on every criterion)")
    .option("--criteria-votes <list>", "one vote per criterion, comma-separated, e.g. for,for,against")
    .option("--reason <text>", "reason, recorded in the vote event", "")
    .action(action(async (opts, g) => {
      const text = opt(opts, "proposal");
      const supportText = optional(opts, "support");
      const perCriterionText = optional(opts, "criteriaVotes");
      if (supportText === undefined && perCriterionText === undefined) throw new UsageError("--support: required (or --criteria-votes)");
      const support = supportText === undefined ? undefined : need(parseSupport(supportText));
      const perCriterion = perCriterionText === undefined ? undefined : need(parseCriteriaVotes(perCriterionText));
      const reason = optional(opts, "reason") ?? "";
      const ctx = await connect(g);
      const governor = await governorOf(ctx);
      const p = await findProposal(ctx, governor, text);
      const id = BigInt(p.id);
      if (p.state !== "Active") throw new UsageError(`--proposal ${id}: is ${p.state}, votes are taken while Active (${new Date(p.voteStart * 1000).toISOString()} .. ${new Date(p.voteEnd * 1000).toISOString()})`);
      const weight = await governor.getVotes(ctx.from, p.voteStart);
      if (weight === 0n) throw new UsageError(`--from ${ctx.from}: had no voting power at the proposal's snapshot (delegate before proposals start)`);
      let args: unknown[];
      if (p.criteria.length === 0) {
        if (perCriterion !== undefined) throw new UsageError(`--criteria-votes: proposal ${id} has no criteria; use --support`);
        args = [id, SUPPORT[support as SupportName], reason, "0x"];
      } else {
        const votes = perCriterion ?? p.criteria.map(() => support as SupportName);
        if (votes.length !== p.criteria.length) {
          throw new UsageError(`--criteria-votes: proposal ${id} has ${p.criteria.length} criteria (${p.criteria.join(", ")}); give one vote each`);
        }
        const { CRITERIA_VOTE, encodeCriteriaVotes } = await builders();
        args = [id, CRITERIA_VOTE, reason, encodeCriteriaVotes(votes.map((v) => SUPPORT[v]))];
      }
      const tx = await sendTx(ctx, { contract: governor, method: "castVoteWithReasonAndParams", args, summary: `vote on proposal ${p.title}` });
      emit(g.json === true, { proposal: id.toString(), voter: ctx.from, weight, criteria: p.criteria, transaction: tx.hash },
        () => [`voted on ${id} with ${formatUnits(weight, 18)} votes (tx ${tx.hash})`]);
    }));

  for (const verb of ["queue", "execute"] as const) {
    withCommon(dao.command(verb).description(verb === "queue" ? "queue a succeeded proposal in the timelock" : "execute a queued proposal once its delay passed"))
      .requiredOption("--proposal <id>", "proposal id or a unique prefix of it (as dao proposals shows it)")
      .action(action(async (opts, g) => {
        const ctx = await connect(g);
        const governor = await governorOf(ctx);
        const p = await findProposal(ctx, governor, opt(opts, "proposal"));
        const id = BigInt(p.id);
        const expected = verb === "queue" ? "Succeeded" : "Queued";
        if (p.state !== expected) throw new UsageError(`--proposal ${id}: is ${p.state}; ${verb} needs ${expected}`);
        const { targets, values, calldatas } = p.actions;
        const tx = await sendTx(ctx, { contract: governor, method: verb, args: [targets, values, calldatas, descriptionHash(p.description)], summary: `${verb} proposal ${p.title}` });
        const state = await governor.state(id);
        emit(g.json === true, { proposal: id.toString(), state: ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"][Number(state)], transaction: tx.hash },
          () => [`${verb === "queue" ? "queued" : "executed"} proposal ${id} (tx ${tx.hash})`]);
      }));
  }

  withCommon(dao.command("cancel").description("cancel your own proposal while it is Pending (before voting starts)"))
    .requiredOption("--proposal <id>", "proposal id or a unique prefix of it")
    .action(action(async (opts, g) => {
      const ctx = await connect(g);
      const governor = await governorOf(ctx);
      const p = await findProposal(ctx, governor, opt(opts, "proposal"));
      if (p.proposer.toLowerCase() !== ctx.from.toLowerCase()) {
        throw new UsageError(`--from ${ctx.from}: only the proposer (${p.proposer}) may cancel proposal ${p.id}`);
      }
      if (p.state !== "Pending") throw new UsageError(`--proposal ${p.id}: is ${p.state}; the proposer may cancel only while Pending (before voting starts)`);
      const { targets, values, calldatas } = p.actions;
      const tx = await sendTx(ctx, { contract: governor, method: "cancel", args: [targets, values, calldatas, descriptionHash(p.description)], summary: `cancel proposal ${p.title}` });
      emit(g.json === true, { proposal: p.id, state: "Canceled", transaction: tx.hash }, () => [`canceled proposal ${p.id} (tx ${tx.hash})`]);
    }));
}
