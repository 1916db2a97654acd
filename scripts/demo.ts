/**
 * The whole story on Hardhat's in-process network: `npm run demo` (no setup beyond `npm ci`). Against a node started
 * for it (`npx hardhat run --network localhost scripts/demo.ts`, as `npm run demo:app` does) it leaves the story on
 * that chain and writes the deployment record to DEMO_RECORD (default deployments/localhost.json) and the names of
 * the accounts it used to DEMO_LABELS (optional), for the web app.
 *
 * Deploy the suite and hand its admin to the DAO's timelock; the DAO appoints an auditor and a REC issuer (a
 * role-change proposal) and the registrar registers the companies and a project; the oracle relays the sample
 * Fabric export (audited totals signed by the auditor, submitted by a relayer, each exactly once); the REC issuer
 * issues RECs; a DAO proposal with quality criteria issues offsets for a project (vote per criterion, time travel,
 * queue, execute); companies buy offsets from the project and retire them (and RECs) against their emissions; a
 * company submits a net-zero claim and the DAO approves it. Finally a table per company: audited emissions, retired
 * offsets and RECs, net position, claim verdict.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { id as keccakText } from "ethers";
import { deploySuite } from "../deploy/suite";
import { loadParameters } from "../deploy/parameters";
import type { DeploymentRecord } from "./lib/deployment";
import { deploymentPath, writeDeployment } from "./lib/deployment";
import { suiteContractsAt } from "./lib/suite-contracts";
import { formatAmount, parseAmount, parseDate } from "./lib/units";
import type { Proposal } from "./governance/proposals";
import {
  CRITERIA_VOTE, changeLedgerRole, encodeCriteriaVotes, issueToProject, proposalId, recordClaimVerdict, unwrap,
} from "./governance/proposals";
import { TOKEN_TYPE, tokenIdOf } from "./ledger/token-id";
import { DEMO_SALT, RELAY_DEFAULTS, SAMPLE_FILES, relay } from "./oracle/relay";
import { memoryReporter } from "./oracle/reporter";
import type { SupportName } from "./cli/lib/dao";
import { PROPOSAL_STATES, SUPPORT, descriptionHash } from "./cli/lib/dao";
import { developmentAccountKey } from "./cli/lib/accounts";
import { nameCommitment, positionOf, retirementReceipts } from "./cli/lib/ledger";
import { table } from "./cli/lib/output";
import { shortId } from "./cli/lib/args";

/** The sample export's reporting year. */
const YEAR = 2023;
const log = (line: string): void => console.log(line);
const step = (title: string): void => console.log(`\n== ${title}`);

/** The value of a Parsed<T>; the demo's inputs are constants, so this only fails on a programming error. */
function must<T>(p: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!p.ok) throw new Error(p.error);
  return p.value;
}
const tonnes = (text: string): bigint => must(parseAmount(text, "mass"));
const mwh = (text: string): bigint => must(parseAmount(text, "energy"));
const day = (text: string, end = false): number => must(parseDate(text, "date", end));
const WHOLE_YEAR = { fromDate: day(`${YEAR}-01-01`), thruDate: day(`${YEAR}-12-31`, true) };

async function mined(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
}

/** The sample's parties (Fabric party ids), the names shown and the development account that acts for each. */
const COMPANIES = [
  { partyId: "acme-manufacturing", name: "ACME Manufacturing", account: 4 },
  { partyId: "bluewater-logistics", name: "Bluewater Logistics", account: 5 },
  { partyId: "cedar-data-centers", name: "Cedar Data Centers", account: 10 },
  { partyId: "delta-foods", name: "Delta Foods", account: 11 },
  { partyId: "evergreen-retail", name: "Evergreen Retail", account: 12 },
  { partyId: "fjord-chemicals", name: "Fjord Chemicals", account: 13 },
];

/** Serves the in-process chain over JSON-RPC on a free 127.0.0.1 port while `fn` runs (the oracle speaks RPC); a node's own URL. */
async function withRpcServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const config = hre.network.config as { url?: string };
  if (hre.network.name !== "hardhat" && config.url !== undefined) return fn(config.url);
  const server: unknown = await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const s = server as { listen(): Promise<{ port: number }>; close(): Promise<void> };
  const { port } = await s.listen();
  try {
    return await fn(`http://127.0.0.1:${port}`);
  } finally {
    await s.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const signers = await hre.ethers.getSigners();
  const account = (i: number): Signer => {
    const s = signers[i];
    if (s === undefined) throw new Error(`no development account #${i}`);
    return s;
  };
  const [deployer, registrar, auditor, recIssuer, project] = [0, 1, 2, 3, 9].map(account) as [Signer, Signer, Signer, Signer, Signer];
  const RELAYER = 14; // any account may submit attestations; the oracle signs with its key
  const members = [6, 7, 8].map(account);
  const addr = (s: Signer) => s.getAddress();
  const [acme, bluewater] = [account(4), account(5)];

  step("Deploy the suite (ledger, timelock, voting token, governor, claims registry) and hand admin to the timelock");
  const parameters = must(loadParameters("hardhat"));
  // Hardhat Ignition, as `npm run deploy`; the in-process chain ends with the demo, so its journal goes to a temporary folder.
  const journal = fs.mkdtempSync(path.join(os.tmpdir(), "nes-demo-ignition-"));
  let deployed: DeploymentRecord;
  try {
    const result = await deploySuite({ hre, deployer: await deployer.getAddress(), network: "hardhat", parameters, deploymentDir: journal, log });
    if (!result.complete) throw new Error("deployment did not complete");
    deployed = result.record;
  } finally {
    fs.rmSync(journal, { recursive: true, force: true });
  }
  if (hre.network.name !== "hardhat") {
    // On a node the story stays: the record (under the node's network name) is what the app and the CLI read.
    const file = process.env["DEMO_RECORD"];
    const onNode = { ...deployed, network: hre.network.name };
    if (file !== undefined && file !== "") {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(onNode, null, 2) + "\n");
      log(`deployment record: ${file}`);
    } else {
      writeDeployment(onNode);
      log(`deployment record: ${deploymentPath(onNode.network)}`);
    }
  }
  const { ledger, governor, token, claims } = await suiteContractsAt(hre, deployed);
  const ledgerAddress = await ledger.getAddress();
  log(`ledger admin is the timelock: ${(await ledger.defaultAdmin()) === deployed.contracts.Timelock?.address}`);

  step("DAO members delegate their votes to themselves");
  for (const m of members) await mined(token.connect(m).delegate(await addr(m)));
  await time.increase(1);
  const proposer = await addr(members[0] as Signer);

  /** propose -> vote -> time travel -> queue -> execute, as members do with the `dao` commands. */
  async function pass(proposal: Proposal, votes: SupportName[][]): Promise<bigint> {
    const { targets, values, calldatas, description, criteria } = proposal;
    const first = governor.connect(members[0] as Signer);
    if (criteria === undefined) await mined(first.propose(targets, values, calldatas, description));
    else await mined(first.proposeWithCriteria(targets, values, calldatas, description, criteria));
    const id = proposalId(proposal);
    await time.increase(Number(await governor.votingDelay()) + 1);
    for (const [i, m] of members.entries()) {
      const vote = votes[i] ?? ["for"];
      const g = governor.connect(m);
      if (criteria === undefined) await mined(g.castVoteWithReason(id, SUPPORT[vote[0] ?? "for"], "demo vote"));
      else await mined(g.castVoteWithReasonAndParams(id, CRITERIA_VOTE, "demo vote", encodeCriteriaVotes(vote.map((v) => SUPPORT[v]))));
    }
    await time.increase(Number(await governor.votingPeriod()) + 1);
    await mined(governor.queue(targets, values, calldatas, descriptionHash(description)));
    await time.increase(parameters.timelock.minDelay + 1);
    await mined(governor.execute(targets, values, calldatas, descriptionHash(description)));
    log(`proposal "${description.split("\n")[0] ?? ""}": ${PROPOSAL_STATES[Number(await governor.state(id))]}`);
    return id;
  }

  step("The DAO appoints an auditor and a REC issuer; the registrar registers the companies and a project");
  const roles = [
    unwrap(changeLedgerRole({ ledger: ledgerAddress, role: "EMISSIONS_AUDITOR_ROLE", account: await addr(auditor), grant: true })),
    unwrap(changeLedgerRole({ ledger: ledgerAddress, role: "REC_ISSUER_ROLE", account: await addr(recIssuer), grant: true })),
  ];
  await pass({
    targets: roles.flatMap((r) => r.targets), values: roles.flatMap((r) => r.values), calldatas: roles.flatMap((r) => r.calldatas),
    description: `Appoint Example Audit LLP as auditor and GreenGrid as REC issuer\n\n${roles.map((r) => r.description).join("\n")}\n\n#proposer=${proposer}`,
  }, [["for"], ["for"], ["against"]]);
  for (const c of COMPANIES) await mined(ledger.connect(registrar).setParticipant(await addr(account(c.account)), true));
  await mined(ledger.connect(registrar).setParticipant(await addr(project), true));
  log(`registered ${COMPANIES.length} companies and project RF-12 (limited mode: ${await ledger.limitedMode()})`);

  step("The oracle relays the sample Fabric export: audited totals signed by the auditor, submitted by a relayer");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nes-demo-"));
  try {
    const partiesFile = path.join(work, "parties.json");
    const parties: Record<string, string> = {};
    for (const c of COMPANIES) parties[c.partyId] = await addr(account(c.account)); // raw party id -> address
    fs.writeFileSync(partiesFile, JSON.stringify({ parties }, null, 2));
    const keyOf = (i: number): string => {
      const key = developmentAccountKey(i);
      if (key === undefined) throw new Error("the hardhat network has no mnemonic accounts");
      return key;
    };
    const relayOptions = (rpcUrl: string) => ({
      ...RELAY_DEFAULTS, source: { kind: "file" as const, file: SAMPLE_FILES[0] ?? "" }, partiesFile, period: "year" as const,
      salt: undefined, rpcUrl, network: "hardhat", ledger: ledgerAddress, privateKey: keyOf(RELAYER), attesterKeys: [keyOf(2)],
      dryRun: false, writeBack: false, journalFile: path.join(work, "journal.jsonl"), quarantineFile: path.join(work, "quarantine.jsonl"),
      pollMs: 20, reporter: memoryReporter(),
    });
    const [first, again] = await withRpcServer(async (url) => [await relay(relayOptions(url)), await relay(relayOptions(url))]);
    log(`relayed ${first.recordsRead} records: ${first.minted} audited totals minted (${formatAmount(BigInt(first.totalGrams), "mass")}), ${first.quarantined} quarantined`);
    if (first.audit !== undefined) {
      const a = first.audit;
      log(`audit: ${a.audited} bills recomputed from published factors (EEA country intensity, EPA eGRID2022 state rates): ${a.withinTolerance} within ${a.tolerancePercent}%, ${a.deviating} deviating, ${a.unaudited} unaudited`);
    }
    log(`relayed again: ${again.minted} minted, ${again.skippedAlreadyMinted} already on chain (exactly once)`);
    const conflicts = (first.conflicts ?? 0) + (again.conflicts ?? 0);
    if (conflicts > 0) throw new Error(`the oracle met ${conflicts} conflicting total(s): ${JSON.stringify([...(first.conflictList ?? []), ...(again.conflictList ?? [])])}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  step("The REC issuer issues RECs to ACME");
  // A token id is its evidence hash within its type and scope: for a REC or an offset, the scope is its issuer.
  const recEvidence = keccakText(`wind farm certificate WF-7 ${YEAR}`);
  const recId = tokenIdOf(TOKEN_TYPE.REC, await addr(recIssuer), recEvidence);
  await mined(ledger.connect(recIssuer).issue({
    tokenType: TOKEN_TYPE.REC, issuee: await addr(acme), amount: mwh("250MWh"), fromDate: day(`${YEAR}-01-01`), thruDate: day(`${YEAR}-06-30`, true),
    evidenceHash: recEvidence, records: [], metadata: JSON.stringify({ facility: "WF-7", country: "DE" }),
  }));
  log(`ACME holds 250 MWh of RECs, token ${shortId(recId)}`);

  step("A DAO proposal with quality criteria issues offsets for a reforestation project");
  // The timelock issues the DAO's offsets, so the token's scope is the timelock.
  const offsetEvidence = keccakText(`reforestation project RF-12 verification report ${YEAR}`);
  const offsetId = tokenIdOf(TOKEN_TYPE.Offset, deployed.contracts.Timelock?.address ?? "", offsetEvidence);
  const offsets = unwrap(issueToProject({
    ledger: ledgerAddress, kind: "offset", project: await addr(project), projectName: "reforestation project RF-12", amount: tonnes("2500t"),
    ...WHOLE_YEAR, evidenceHash: offsetEvidence, metadata: JSON.stringify({ project: "RF-12", methodology: "VM0047" }),
    criteria: ["additionality", "permanence", "no leakage"], proposer,
  }));
  await pass(offsets, [["for", "for", "for"], ["for", "abstain", "for"], ["for", "for", "against"]]);
  log(`the project holds ${formatAmount(await ledger.balanceOf(await addr(project), offsetId), "mass")} of offsets ${shortId(offsetId)}`);

  step("Companies buy offsets from the project and retire them (and RECs) against their emissions");
  const acmeEmissions = (await positionOf(ledger, await addr(acme), YEAR)).emissions;
  const acmeOffsets = (acmeEmissions / 1_000_000n + 5n) * 1_000_000n; // whole tonnes, a little above its emissions
  const bluewaterOffsets = tonnes("200t");
  await mined(ledger.connect(project).safeTransferFrom(await addr(project), await addr(acme), offsetId, acmeOffsets, "0x"));
  await mined(ledger.connect(project).safeTransferFrom(await addr(project), await addr(bluewater), offsetId, bluewaterOffsets, "0x"));
  const salt = keccakText("demo salt: keep it to prove the beneficiary name");
  const retire = async (holder: Signer, name: string, id: bigint, amount: bigint, reason: string) =>
    mined(ledger.connect(holder).retire(await addr(holder), id, amount, {
      beneficiary: await addr(holder), beneficiaryNameCommitment: nameCommitment(name, salt), ...WHOLE_YEAR, reason,
    }));
  await retire(acme, "ACME Manufacturing", offsetId, acmeOffsets, `net zero ${YEAR}`);
  await retire(acme, "ACME Manufacturing", recId, mwh("250MWh"), "market-based scope 2");
  await retire(bluewater, "Bluewater Logistics", offsetId, bluewaterOffsets, `partial compensation ${YEAR}`);
  log(`retirement receipts: ${(await retirementReceipts(ledger, {}, 0)).length}`);

  step("ACME submits a net-zero claim for the year; the DAO decides it by the ledger's figures");
  await mined(claims.connect(acme).submitClaim({
    year: YEAR, kind: 1, value: 0, baseYear: 0, evidenceHash: keccakText(`ACME ${YEAR} climate report`), uri: `https://acme.example/climate-${YEAR}`,
  }));
  const claimId = await claims.claimCount();
  // The members vote for what the ledger bears out: approve a consistent claim, reject an inconsistent one.
  const borneOut = (await claims.claimOf(claimId)).live.consistent;
  await pass(unwrap(recordClaimVerdict({
    registry: await claims.getAddress(), claimId, approved: borneOut, proposer,
    reason: borneOut ? `ACME's ${YEAR} audited emissions are fully offset` : `ACME's ${YEAR} audited emissions exceed its retired offsets`,
  })), [["for"], ["for"], ["for"]]);

  const labelsFile = process.env["DEMO_LABELS"];
  if (labelsFile !== undefined && labelsFile !== "") {
    const names: [number, string][] = [[0, "Deployer"], [1, "Registrar"], [2, "Example Audit LLP (auditor)"], [3, "GreenGrid (REC issuer)"],
      ...COMPANIES.map((c): [number, string] => [c.account, c.name]), ...members.map((_, i): [number, string] => [6 + i, `DAO member ${i + 1}`]),
      [9, "Project RF-12"], [RELAYER, "Oracle relayer"]];
    const labels: Record<string, string> = {};
    for (const [i, name] of names) labels[await addr(account(i))] = name;
    fs.writeFileSync(labelsFile, JSON.stringify(labels, null, 2) + "\n");
  }

  step("A second offset project is proposed and left open: members vote on it per criterion (app or `dao vote`)");
  const open = unwrap(issueToProject({
    ledger: ledgerAddress, kind: "offset", project: await addr(project), projectName: "mangrove restoration project MR-3",
    amount: tonnes("800t"), ...WHOLE_YEAR, evidenceHash: keccakText("MR-3 verification report 2023"),
    metadata: JSON.stringify({ project: "MR-3", methodology: "VM0033" }), criteria: ["additionality", "permanence", "no leakage"], proposer,
  }));
  await mined(governor.connect(members[0] as Signer).proposeWithCriteria(open.targets, open.values, open.calldatas, open.description, open.criteria ?? []));
  log(`proposal "${open.description.split("\n")[0] ?? ""}": ${PROPOSAL_STATES[Number(await governor.state(proposalId(open)))]}`);

  step(`Result for ${YEAR}`);
  const verdicts = new Map<string, string>();
  for (let i = 1n; i <= (await claims.claimCount()); i++) {
    const report = await claims.claimOf(i);
    const kind = ["none", "net zero", "emissions at most", "reduction"][Number(report.claim.kind)] ?? "";
    verdicts.set(report.claim.account, `${kind}: ${["pending", "approved", "rejected"][Number(report.verdict.verdict)] ?? ""}`);
  }
  const rows: string[][] = [];
  for (const c of COMPANIES) {
    const who = await addr(account(c.account));
    const p = await positionOf(ledger, who, YEAR);
    rows.push([c.name, formatAmount(p.emissions, "mass"), formatAmount(p.offsetsRetired, "mass"), formatAmount(p.recsRetired, "energy"), formatAmount(p.netPosition, "mass"), verdicts.get(who) ?? "no claim"]);
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
