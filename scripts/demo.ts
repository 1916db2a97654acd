/**
 * The whole story on Hardhat's in-process network: `npm run demo` (no setup beyond `npm ci`).
 *
 * Deploy the suite; the DAO registers an auditor and a REC issuer (a role-change proposal) and the registrar
 * registers the companies and a project; the auditor's audited emissions arrive by EIP-712 attestation, submitted
 * by a relayer; the REC issuer issues RECs; a DAO proposal with quality criteria issues offsets for a project
 * (vote per criterion, time travel, queue, execute); the project sells offsets to the companies, which retire them
 * (and RECs) against their emissions; a company submits a net-zero claim and the DAO approves it. Finally a table
 * per company: audited emissions, retired offsets and RECs, net position, claim verdict.
 */
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { id as keccakText } from "ethers";
import type { CarbonLedger, ClaimsRegistry, ClimateGovernor, VotingToken } from "../typechain-types";
import { deploySuite } from "../deploy/suite";
import { loadParameters } from "../deploy/parameters";
import type { DeploymentRecord } from "./lib/deployment";
import { attestationDomain, signAttestation } from "./ledger/attestation";
import { formatAmount, parseAmount, parseDate } from "./lib/units";
import type { Proposal } from "./governance/proposals";
import { changeLedgerRole, issueToProject, proposalId, recordClaimVerdict, unwrap } from "./governance/proposals";
import type { SupportName } from "./cli/lib/dao";
import { CRITERIA_VOTE, PROPOSAL_STATES, SUPPORT, criteriaParams, descriptionHash } from "./cli/lib/dao";
import { nameCommitment, positionOf, retirementReceipts } from "./cli/lib/ledger";
import { table } from "./cli/lib/output";
import { shortId } from "./cli/lib/args";

const YEAR = 2025;
const log = (line: string): void => console.log(line);
const step = (title: string): void => console.log(`\n== ${title}`);

/** A value of a Parsed<T>, or a thrown error: the demo's inputs are constants, so this never fails. */
function must<T>(p: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!p.ok) throw new Error(p.error);
  return p.value;
}
const t = (text: string): bigint => must(parseAmount(text, "mass"));
const mwh = (text: string): bigint => must(parseAmount(text, "energy"));
const day = (text: string, end = false): number => must(parseDate(text, "date", end));

async function mined(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
}

async function main(): Promise<void> {
  const started = Date.now();
  const signers = await hre.ethers.getSigners();
  const [deployer, registrar, auditor, recIssuer, acme, globex, , , , project] = signers as Signer[] as [
    Signer, Signer, Signer, Signer, Signer, Signer, Signer, Signer, Signer, Signer,
  ];
  const members = [signers[6], signers[7], signers[8]] as Signer[];
  const addr = (s: Signer) => s.getAddress();

  step("Deploy the suite (ledger, timelock, voting token, governor, claims registry) and hand admin to the timelock");
  const parameters = must(loadParameters("hardhat"));
  let record: DeploymentRecord | undefined;
  const result = await deploySuite({
    hre, deployer, network: "hardhat", parameters, record: undefined, save: (r) => { record = r; }, log,
  });
  if (!result.complete || record === undefined) throw new Error("deployment did not complete");
  const at = async <T>(name: "CarbonLedger" | "ClimateGovernor" | "VotingToken" | "ClaimsRegistry"): Promise<T> =>
    (await hre.ethers.getContractAt(name, (record as DeploymentRecord).contracts[name]?.address ?? "")) as unknown as T;
  const ledger = await at<CarbonLedger>("CarbonLedger");
  const governor = await at<ClimateGovernor>("ClimateGovernor");
  const token = await at<VotingToken>("VotingToken");
  const claims = await at<ClaimsRegistry>("ClaimsRegistry");
  log(`ledger admin is the timelock: ${(await ledger.defaultAdmin()) === record.contracts.Timelock?.address}`);

  step("DAO members delegate their votes to themselves");
  for (const m of members) await mined(token.connect(m).delegate(await addr(m)));
  await time.increase(1);

  /** propose -> vote -> time travel -> queue -> execute, as members would with `dao` commands. */
  async function pass(proposal: Proposal, votes: SupportName[][]): Promise<bigint> {
    const { targets, values, calldatas, description, criteria } = proposal;
    const proposer = governor.connect(members[0] as Signer);
    if (criteria === undefined) await mined(proposer.propose(targets, values, calldatas, description));
    else await mined(proposer.proposeWithCriteria(targets, values, calldatas, description, criteria));
    const id = proposalId(proposal);
    await time.increase(Number(await governor.votingDelay()) + 1);
    for (const [i, m] of members.entries()) {
      const vote = votes[i] ?? ["for"];
      const g = governor.connect(m);
      if (criteria === undefined) await mined(g.castVoteWithReason(id, SUPPORT[vote[0] ?? "for"], "demo vote"));
      else await mined(g.castVoteWithReasonAndParams(id, CRITERIA_VOTE, "demo vote", criteriaParams(vote)));
    }
    await time.increase(Number(await governor.votingPeriod()) + 1);
    await mined(governor.queue(targets, values, calldatas, descriptionHash(description)));
    await time.increase(parameters.timelock.minDelay + 1);
    await mined(governor.execute(targets, values, calldatas, descriptionHash(description)));
    log(`proposal "${description.split("\n")[0] ?? ""}": ${PROPOSAL_STATES[Number(await governor.state(id))]}`);
    return id;
  }

  step("Register an auditor and a REC issuer (DAO role change), and the companies and a project (registrar)");
  const proposer = await addr(members[0] as Signer);
  const ledgerAddress = await ledger.getAddress();
  const roles = [
    unwrap(changeLedgerRole({ ledger: ledgerAddress, role: "EMISSIONS_AUDITOR_ROLE", account: await addr(auditor), grant: true })),
    unwrap(changeLedgerRole({ ledger: ledgerAddress, role: "REC_ISSUER_ROLE", account: await addr(recIssuer), grant: true })),
  ];
  await pass({
    targets: roles.flatMap((r) => r.targets), values: roles.flatMap((r) => r.values), calldatas: roles.flatMap((r) => r.calldatas),
    description: `Appoint Example Audit LLP as auditor and GreenGrid as REC issuer\n\n${roles.map((r) => r.description).join("\n")}\n\n#proposer=${proposer}`,
  }, [["for"], ["for"], ["against"]]);
  for (const s of [acme, globex, project]) await mined(ledger.connect(registrar).setParticipant(await addr(s), true));
  log(`registered participants: ACME ${await addr(acme)}, Globex ${await addr(globex)}, project ${await addr(project)}`);

  step("Audited emissions arrive by attestation: the auditor signs, a relayer submits (what the oracle does)");
  const domain = attestationDomain((await hre.ethers.provider.getNetwork()).chainId, await ledger.getAddress());
  const deadline = BigInt(await time.latest()) + 86_400n;
  const emissions: [Signer, string, string][] = [[acme, "ACME Manufacturing", "120t"], [globex, "Globex", "45.5t"]];
  for (const [company, name, amount] of emissions) {
    const request = {
      tokenType: 3, issuee: await addr(company), amount: t(amount), fromDate: day(`${YEAR}-01-01`), thruDate: day(`${YEAR}-12-31`, true),
      evidenceHash: keccakText(`utility bills of ${name} ${YEAR}`), metadata: JSON.stringify({ factorSource: "eGRID2022", scope: 2 }),
    };
    const attestation = await signAttestation(request, deadline, [auditor], domain);
    await mined(ledger.connect(deployer).issueAttested(attestation));
    log(`${name}: ${formatAmount(request.amount, "mass")} audited emissions, token ${shortId(request.evidenceHash)}`);
  }

  step("The REC issuer issues RECs to ACME");
  const recId = keccakText("wind farm certificate WF-7 2025");
  await mined(ledger.connect(recIssuer).issue({
    tokenType: 1, issuee: await addr(acme), amount: mwh("250MWh"), fromDate: day(`${YEAR}-01-01`), thruDate: day(`${YEAR}-06-30`, true),
    evidenceHash: recId, metadata: JSON.stringify({ facility: "WF-7", country: "DE" }),
  }));
  log(`ACME holds 250 MWh of RECs, token ${shortId(recId)}`);

  step("A DAO proposal with quality criteria issues offsets for a reforestation project");
  const offsetId = keccakText("reforestation project RF-12 verification report 2025");
  const criteria = ["additionality", "permanence", "no leakage"];
  const offsets = unwrap(issueToProject({
    ledger: ledgerAddress, kind: "offset", project: await addr(project), projectName: "reforestation project RF-12", amount: t("200t"),
    fromDate: day(`${YEAR}-01-01`), thruDate: day(`${YEAR}-12-31`, true), evidenceHash: offsetId,
    metadata: JSON.stringify({ project: "RF-12", methodology: "VM0047" }), criteria, proposer,
  }));
  await pass(offsets, [["for", "for", "for"], ["for", "abstain", "for"], ["for", "for", "against"]]);
  log(`project holds ${formatAmount(await ledger.balanceOf(await addr(project), offsetId), "mass")} of offsets ${shortId(offsetId)}`);

  step("The project sells offsets; the companies retire offsets (and RECs) against their emissions");
  await mined(ledger.connect(project).safeTransferFrom(await addr(project), await addr(acme), offsetId, t("125t"), "0x"));
  await mined(ledger.connect(project).safeTransferFrom(await addr(project), await addr(globex), offsetId, t("30t"), "0x"));
  const salt = keccakText("demo salt: keep it to prove the beneficiary name");
  const retire = async (holder: Signer, name: string, id: string, amount: bigint, reason: string) => mined(ledger.connect(holder).retire(await addr(holder), id, amount, {
    beneficiary: await addr(holder), beneficiaryNameCommitment: nameCommitment(name, salt),
    fromDate: day(`${YEAR}-01-01`), thruDate: day(`${YEAR}-12-31`, true), reason,
  }));
  await retire(acme, "ACME Manufacturing", offsetId, t("125t"), "net zero 2025");
  await retire(acme, "ACME Manufacturing", recId, mwh("250MWh"), "market-based scope 2");
  await retire(globex, "Globex", offsetId, t("30t"), "partial compensation 2025");
  log(`retirement receipts: ${(await retirementReceipts(ledger, {}, 0)).length}`);

  step("ACME submits a net-zero claim for the year; the DAO approves it");
  await mined(claims.connect(acme).submitClaim({ year: YEAR, kind: 1, value: 0, baseYear: 0, evidenceHash: keccakText("ACME 2025 climate report"), uri: "https://acme.example/climate-2025" }));
  const claimId = await claims.claimCount();
  await pass(unwrap(recordClaimVerdict({
    registry: await claims.getAddress(), claimId, approved: true, reason: `ACME's ${YEAR} audited emissions are fully offset`, proposer,
  })), [["for"], ["for"], ["for"]]);

  step(`Result for ${YEAR}`);
  const verdicts = new Map<string, string>();
  for (let i = 1n; i <= (await claims.claimCount()); i++) {
    const report = await claims.claimOf(i);
    verdicts.set(report.claim.account, `${["none", "net zero", "emissions at most", "reduction"][Number(report.claim.kind)]}: ${["pending", "approved", "rejected"][Number(report.verdict.verdict)]}`);
  }
  const rows: string[][] = [];
  for (const [company, name] of emissions) {
    const p = await positionOf(ledger, await addr(company), YEAR);
    rows.push([name, formatAmount(p.emissions, "mass"), formatAmount(p.offsetsRetired, "mass"), formatAmount(p.recsRetired, "energy"), formatAmount(p.netPosition, "mass"), verdicts.get(await addr(company)) ?? "no claim"]);
  }
  for (const line of table(["company", "audited emissions", "retired offsets", "retired RECs", "net position", "claim verdict"], rows)) log(line);
  log(`\ndemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
