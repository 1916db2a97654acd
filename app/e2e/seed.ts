/**
 * Seeds a local node for the app's browser tests, screenshots, bench and `npm run demo:app`:
 *   npx hardhat run --network localhost app/e2e/seed.ts
 * Deploys the suite as `deploy` does (deploy/suite.ts), then tells a short story with Hardhat's default accounts
 * (#0 deployer, #1 registrar, #2 auditor, #3 REC issuer, #4 ACME, #5 Bluewater, #6-#8 DAO members, #9 project):
 * audited emissions for two years, RECs, offsets issued by a criteria proposal, transfers, retirements, a correction
 * proposal (revocation and a voided retirement), and three proposals left open for voting: a plain one, an offset
 * project with criteria, and a claim verdict. Writes the deployment record to SEED_RECORD (default
 * deployments/localhost.json) and what the tests need to SEED_OUT (default app/e2e/.seed.json).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import type {} from "@nomicfoundation/hardhat-ethers"; // the hre.ethers type extension
import type { Signer } from "ethers";
import { id as keccakText } from "ethers";
import { CarbonLedger__factory } from "../../typechain-types";
import { deploySuite } from "../../deploy/suite";
import { loadParameters } from "../../deploy/parameters";
import type { DeploymentRecord } from "../../scripts/lib/deployment";
import { writeDeployment, deploymentPath } from "../../scripts/lib/deployment";
import { suiteContractsAt } from "../../scripts/lib/suite-contracts";
import { parseAmount, parseDate } from "../../scripts/lib/units";
import { nameCommitment } from "../../scripts/lib/commitment";
import type { Proposal } from "../../scripts/governance/proposals";
import { CRITERIA_VOTE, encodeCriteriaVotes, proposalId, recordClaimVerdict, unwrap } from "../../scripts/governance/proposals";
import { tokenIdOf } from "../../scripts/ledger/token-id";

const must = <T>(p: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!p.ok) throw new Error(p.error);
  return p.value;
};
const t = (text: string): bigint => must(parseAmount(text, "mass"));
const day = (text: string, end = false): number => must(parseDate(text, "date", end));
const year = (y: number) => ({ fromDate: day(`${y}-01-01`), thruDate: day(`${y}-12-31`, true) });
const mined = async (tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> => {
  await (await tx).wait();
};
const increase = async (seconds: number): Promise<void> => {
  await hre.network.provider.send("evm_increaseTime", [seconds]);
  await hre.network.provider.send("evm_mine", []);
};

export const SEED_SALT = keccakText("seed salt of ACME Manufacturing");

async function main(): Promise<void> {
  const signers = await hre.ethers.getSigners();
  const s = (i: number): Signer => signers[i] as Signer;
  const [deployer, registrar, auditor, recIssuer, acme, bluewater] = [0, 1, 2, 3, 4, 5].map(s) as Signer[];
  const members = [6, 7, 8].map(s);
  const project = s(9);
  const addr = (x: Signer | undefined) => (x as Signer).getAddress();
  const network = hre.network.name;

  const parameters = must(loadParameters("localhost"));
  const recordFile = process.env["SEED_RECORD"];
  // Hardhat Ignition, as `npm run deploy`; the seeded node is thrown away after the tests, so is its journal.
  const journal = fs.mkdtempSync(path.join(os.tmpdir(), "nes-seed-ignition-"));
  let deployed: DeploymentRecord;
  try {
    const result = await deploySuite({ hre, deployer: await addr(deployer), network, parameters, deploymentDir: journal, log: () => undefined });
    if (!result.complete) throw new Error("deployment did not complete");
    deployed = result.record;
  } finally {
    fs.rmSync(journal, { recursive: true, force: true });
  }
  if (recordFile !== undefined && recordFile !== "") {
    fs.mkdirSync(path.dirname(recordFile), { recursive: true });
    fs.writeFileSync(recordFile, JSON.stringify(deployed, null, 2) + "\n");
  } else writeDeployment(deployed);
  const { ledger, governor, token, claims } = await suiteContractsAt(hre, deployed);
  const ledgerAddress = await ledger.getAddress();
  const iface = CarbonLedger__factory.createInterface();

  for (const m of members) await mined(token.connect(m).delegate(await addr(m)));
  for (const c of [acme, bluewater, project]) await mined(ledger.connect(registrar).setParticipant(await addr(c), true));
  await increase(1);
  const proposer = await addr(members[0]);

  const propose = async (p: Proposal): Promise<bigint> => {
    const g = governor.connect(members[0] as Signer);
    if (p.criteria === undefined) await mined(g.propose(p.targets, p.values, p.calldatas, p.description));
    else await mined(g.proposeWithCriteria(p.targets, p.values, p.calldatas, p.description, p.criteria));
    return proposalId(p);
  };
  const vote = async (id: bigint, member: number, support: number[] | number, reason: string): Promise<void> => {
    const g = governor.connect(members[member] as Signer);
    if (Array.isArray(support)) await mined(g.castVoteWithReasonAndParams(id, CRITERIA_VOTE, reason, encodeCriteriaVotes(support as (0 | 1 | 2)[])));
    else await mined(g.castVoteWithReason(id, support, reason));
  };
  const finish = async (p: Proposal): Promise<void> => {
    await increase(Number(await governor.votingPeriod()) + 1);
    const hash = keccakText(p.description);
    await mined(governor.queue(p.targets, p.values, p.calldatas, hash));
    await increase(parameters.timelock.minDelay + 1);
    await mined(governor.execute(p.targets, p.values, p.calldatas, hash));
  };
  const issueCall = (issuee: string, amount: bigint, period: { fromDate: number; thruDate: number }, evidence: string, metadata: string) =>
    iface.encodeFunctionData("issue", [{ tokenType: 2, issuee, amount, ...period, evidenceHash: evidence, records: [], metadata }]);

  // Audited emissions (the auditor issues directly with threshold 1; each names its Fabric record).
  const emissions: [Signer | undefined, number, string][] = [[acme, 2022, "1500t"], [acme, 2023, "1200t"], [bluewater, 2023, "800t"]];
  for (const [who, y, amount] of emissions) {
    await mined(ledger.connect(auditor).issue({
      tokenType: 3, issuee: await addr(who), amount: t(amount), ...year(y), evidenceHash: keccakText(`audit report ${await addr(who)} ${y}`),
      records: [keccakText(`fabric:${await addr(who)}-${y}`)], metadata: JSON.stringify({ auditor: "Example Audit LLP", year: y }),
    }));
  }
  // RECs from the REC issuer.
  const recEvidence = keccakText("wind farm certificate WF-7 2023");
  await mined(ledger.connect(recIssuer).issue({
    tokenType: 1, issuee: await addr(acme), amount: 250_000_000n, fromDate: day("2023-01-01"), thruDate: day("2023-06-30", true),
    evidenceHash: recEvidence, records: [], metadata: JSON.stringify({ facility: "WF-7", country: "DE" }),
  }));
  const recId = tokenIdOf(1, await addr(recIssuer), recEvidence);

  // Offsets for reforestation project RF-12, by a criteria proposal with reasons.
  const timelockAddress = deployed.contracts.Timelock?.address ?? "";
  const offsetEvidence = keccakText("reforestation project RF-12 verification report 2023");
  const offsetId = tokenIdOf(2, timelockAddress, offsetEvidence);
  const offsets: Proposal = {
    targets: [ledgerAddress], values: [0n],
    calldatas: [issueCall(await addr(project), t("2500t"), year(2023), offsetEvidence, JSON.stringify({ project: "RF-12", methodology: "VM0047", country: "BR" }))],
    description: `Issue 2,500 t CO2e of carbon offsets to reforestation project RF-12 for 2023\n\nVerification report hash ${offsetEvidence}\n\n#proposer=${proposer}`,
    criteria: ["additionality", "permanence", "no leakage"],
  };
  const offsetsProposal = await propose(offsets);
  await increase(Number(await governor.votingDelay()) + 1);
  await vote(offsetsProposal, 0, [1, 1, 1], "Verified by two independent bodies");
  await vote(offsetsProposal, 1, [1, 2, 1], "Permanence unclear beyond 30 years");
  await vote(offsetsProposal, 2, [1, 1, 0], "Leakage to neighbouring land not excluded");
  await finish(offsets);

  // The project sells offsets; companies retire some.
  await mined(ledger.connect(project).safeTransferFrom(await addr(project), await addr(acme), offsetId, t("1300t"), "0x"));
  await mined(ledger.connect(project).safeTransferFrom(await addr(project), await addr(bluewater), offsetId, t("300t"), "0x"));
  const retireTx = await ledger.connect(acme).retire(await addr(acme), offsetId, t("1000t"), {
    beneficiary: await addr(acme), beneficiaryNameCommitment: nameCommitment("ACME Manufacturing", SEED_SALT), ...year(2023), reason: "Net zero 2023",
  });
  const retireReceipt = await retireTx.wait();
  await mined(ledger.connect(acme).retire(await addr(acme), recId, 250_000_000n, {
    beneficiary: await addr(acme), beneficiaryNameCommitment: nameCommitment("ACME Manufacturing", SEED_SALT), ...year(2023), reason: "Market-based scope 2",
  }));
  await mined(ledger.connect(bluewater).retire(await addr(bluewater), offsetId, t("200t"), {
    beneficiary: await addr(bluewater), beneficiaryNameCommitment: nameCommitment("Bluewater Logistics", SEED_SALT), ...year(2023), reason: "Partial compensation 2023",
  }));

  // A correction after a field audit: revoke from the project and void part of Bluewater's retirement.
  const correction: Proposal = {
    targets: [ledgerAddress, ledgerAddress, ledgerAddress], values: [0n, 0n, 0n],
    calldatas: [
      // The deployment does not set the ledger's proposal source yet: without it revocations record proposal 0.
      iface.encodeFunctionData("setProposalSource", [deployed.contracts.ClimateGovernor?.address ?? ""]),
      iface.encodeFunctionData("revoke", [await addr(project), offsetId, t("10t"), "Field audit: 10 t double counted"]),
      iface.encodeFunctionData("voidRetirement", [await addr(bluewater), offsetId, await addr(bluewater), 2023, t("50t"), "Field audit: plot 7 burned"]),
    ],
    description: `Correct RF-12 after the field audit\n\nLet the ledger record the deciding proposal, revoke 10 t from the project and void 50 t of Bluewater's 2023 retirement.\n\n#proposer=${proposer}`,
  };
  const correctionProposal = await propose(correction);
  await increase(Number(await governor.votingDelay()) + 1);
  for (const m of [0, 1, 2]) await vote(correctionProposal, m, 1, "Audit findings are clear");
  await finish(correction);

  // ACME claims net zero for 2023.
  await mined(claims.connect(acme).submitClaim({
    year: 2023, kind: 1, value: 0, baseYear: 0, evidenceHash: keccakText("ACME 2023 climate report"), uri: "https://acme.example/climate-2023",
  }));
  const claimId = await claims.claimCount();

  // Open proposals: a plain one, an offset project with criteria, the claim verdict.
  const plain: Proposal = {
    targets: [ledgerAddress], values: [0n],
    calldatas: [iface.encodeFunctionData("grantRole", [keccakText("OFFSET_ISSUER_ROLE"), await addr(s(3))])],
    description: `Appoint GreenGrid as offset issuer\n\nGrant OFFSET_ISSUER_ROLE to ${await addr(s(3))}.\n\n#proposer=${proposer}`,
  };
  const mangroveEvidence = keccakText("mangrove project MG-3 verification report 2023");
  const criteria: Proposal = {
    targets: [ledgerAddress], values: [0n],
    calldatas: [issueCall(await addr(project), t("800t"), year(2023), mangroveEvidence, JSON.stringify({ project: "MG-3", methodology: "VM0033" }))],
    description: `Issue 800 t CO2e of carbon offsets to mangrove project MG-3 for 2023\n\n#proposer=${proposer}`,
    criteria: ["additionality", "permanence", "no leakage"],
  };
  const verdict = { ...unwrap(recordClaimVerdict({ registry: await claims.getAddress(), claimId, approved: true, reason: "ACME's 2023 audited emissions are fully offset", proposer })) };
  const plainId = await propose(plain);
  const criteriaId = await propose(criteria);
  const verdictId = await propose(verdict);
  await increase(Number(await governor.votingDelay()) + 1);
  await vote(criteriaId, 1, [1, 0, 1], "Permanence of mangroves under sea-level rise is not shown");

  const out = {
    record: recordFile !== undefined && recordFile !== "" ? recordFile : deploymentPath(network),
    accounts: Object.fromEntries(await Promise.all(["deployer", "registrar", "auditor", "recIssuer", "acme", "bluewater", "member1", "member2", "member3", "project"]
      .map(async (n, i) => [n, await addr(s(i))]))),
    tokens: { offset: `0x${offsetId.toString(16).padStart(64, "0")}`, rec: `0x${recId.toString(16).padStart(64, "0")}` },
    retirement: { tx: retireReceipt?.hash ?? "", logIndex: -1, name: "ACME Manufacturing", salt: SEED_SALT },
    proposals: {
      offsets: offsetsProposal.toString(), correction: correctionProposal.toString(), plain: plainId.toString(),
      criteria: criteriaId.toString(), verdict: verdictId.toString(),
    },
    claimId: claimId.toString(),
  };
  const retiredLog = (await hre.ethers.provider.getTransactionReceipt(out.retirement.tx))?.logs.find((l) => {
    try {
      return ledger.interface.parseLog(l)?.name === "Retired";
    } catch {
      return false;
    }
  });
  out.retirement.logIndex = retiredLog?.index ?? -1;
  const outFile = process.env["SEED_OUT"] ?? path.join(__dirname, ".seed.json");
  fs.writeFileSync(outFile, JSON.stringify(out, null, 2) + "\n");
  console.log(`seeded ${network}: record ${out.record}, story ${outFile}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
