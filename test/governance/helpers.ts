/**
 * Test helpers for the climate DAO: the named fixtures (ledger + DAO wired as in production, members delegated)
 * and ProposalHelper, which runs a proposal through propose -> vote -> queue -> execute with time travel.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract, ContractTransactionResponse, Signer } from "ethers";
import type { ClimateGovernor } from "../../typechain-types";
import { CarbonLedger__factory } from "../../typechain-types";
import type { Proposal, VoteSupport } from "../../scripts/governance/proposals";
import {
  CRITERIA_VOTE,
  encodeCriteriaVotes,
  issueToProject,
  projectEvidenceHash,
  proposalId,
  unwrap,
} from "../../scripts/governance/proposals";
import type { DaoParameters } from "../../scripts/governance/wiring";
import { wireDao } from "../../scripts/governance/wiring";

export const DAY = 86_400n;
export const TOKEN = 10n ** 18n;

/** Settings of the test DAO. Quorum 10% of 1,000 tokens = 100 tokens. */
export const SETTINGS = {
  votingDelay: DAY,
  votingPeriod: 7n * DAY,
  proposalThreshold: 10n * TOKEN,
  quorumNumerator: 10n,
  lateQuorumExtension: 2n * DAY,
  timelockDelay: 2n * DAY,
  ledgerAdminDelay: 3_600n,
};

/** Initial voting tokens: alice 400, bob 300, carol 200, dave 60, erin 40 (total 1,000). */
export const HOLDINGS = [400n, 300n, 200n, 60n, 40n].map((n) => n * TOKEN);

async function deploy(quadratic: boolean, transferable: boolean) {
  const [deployer, alice, bob, carol, dave, erin, company, project, relayer, registrar, auditor, outsider] =
    await ethers.getSigners();
  const ledger = await new CarbonLedger__factory(deployer).deploy(deployer.address, SETTINGS.ledgerAdminDelay);
  // Roles the deployment gives to other parties before handing the ledger to the DAO.
  await ledger.grantRole(await ledger.REGISTRAR_ROLE(), registrar.address);
  await ledger.grantRole(await ledger.EMISSIONS_AUDITOR_ROLE(), auditor.address);

  const members = [alice, bob, carol, dave, erin];
  const params: DaoParameters = {
    ledger: await ledger.getAddress(),
    token: {
      name: "Climate DAO",
      symbol: "CDAO",
      holders: members.map((m) => m.address),
      amounts: HOLDINGS,
      transferable,
    },
    governor: {
      votingDelay: SETTINGS.votingDelay,
      votingPeriod: SETTINGS.votingPeriod,
      proposalThreshold: SETTINGS.proposalThreshold,
      quorumNumerator: SETTINGS.quorumNumerator,
      lateQuorumExtension: SETTINGS.lateQuorumExtension,
      quadratic,
    },
    timelockDelay: SETTINGS.timelockDelay,
  };
  const steps: string[] = [];
  const dao = await wireDao(deployer, params, {
    onStep: (step) => {
      steps.push(step);
    },
    waitUntil: async (timestamp) => {
      if (BigInt(await time.latest()) <= timestamp) await time.increaseTo(timestamp + 1n);
    },
  });
  for (const m of members) await dao.token.connect(m).delegate(m.address);
  await ledger.connect(registrar).setParticipant(company.address, true);
  await time.increase(1); // delegations are in the past for every later snapshot
  return {
    ...dao,
    ledger: dao.ledger,
    params,
    steps,
    deployer, alice, bob, carol, dave, erin, members, company, project, relayer, registrar, auditor, outsider,
  };
}

/** The DAO as deployed by default: linear tally, non-transferable membership. */
export async function deployDao() {
  return deploy(false, false);
}
/** The same DAO with a quadratic tally. */
export async function deployQuadraticDao() {
  return deploy(true, false);
}
/** The same DAO with a transferable token. */
export async function deployTransferableDao() {
  return deploy(false, true);
}
export type Dao = Awaited<ReturnType<typeof deployDao>>;

/** A plain vote (0 against, 1 for, 2 abstain) or a criteria vote (one support per criterion). */
export type Ballot = VoteSupport | readonly VoteSupport[];

/** Runs one proposal through its lifecycle; each step is also callable alone. */
export class ProposalHelper {
  constructor(
    readonly governor: ClimateGovernor,
    readonly proposal: Proposal,
  ) {}

  get id(): bigint {
    return proposalId(this.proposal);
  }

  get descriptionHash(): string {
    return ethers.id(this.proposal.description);
  }

  /** The salt of the proposal's timelock operation (GovernorTimelockControl: governor address ^ description hash). */
  get timelockSalt(): string {
    return ethers.toBeHex((BigInt(this.governor.target as string) << 96n) ^ BigInt(this.descriptionHash), 32);
  }

  propose(signer: Signer): Promise<ContractTransactionResponse> {
    const g = this.governor.connect(signer);
    const p = this.proposal;
    return p.criteria === undefined
      ? g.propose(p.targets, p.values, p.calldatas, p.description)
      : g.proposeWithCriteria(p.targets, p.values, p.calldatas, p.description, p.criteria);
  }

  vote(signer: Signer, ballot: Ballot, reason = ""): Promise<ContractTransactionResponse> {
    const g = this.governor.connect(signer);
    if (typeof ballot === "number") {
      return reason === "" ? g.castVote(this.id, ballot) : g.castVoteWithReason(this.id, ballot, reason);
    }
    return g.castVoteWithReasonAndParams(this.id, CRITERIA_VOTE, reason, encodeCriteriaVotes(ballot));
  }

  /** Moves time so that the next transaction is the first one inside the voting period. */
  async waitForSnapshot(): Promise<void> {
    await time.increaseTo(await this.governor.proposalSnapshot(this.id));
  }

  /** Moves time past the (possibly extended) deadline: the vote is over for calls and transactions. */
  async waitForDeadline(): Promise<void> {
    await time.increaseTo((await this.governor.proposalDeadline(this.id)) + 1n);
  }

  queue(signer?: Signer): Promise<ContractTransactionResponse> {
    const g = signer ? this.governor.connect(signer) : this.governor;
    const p = this.proposal;
    return g.queue(p.targets, p.values, p.calldatas, this.descriptionHash);
  }

  /** Moves time to the timelock's eta. */
  async waitForEta(): Promise<void> {
    await time.increaseTo(await this.governor.proposalEta(this.id));
  }

  execute(signer?: Signer): Promise<ContractTransactionResponse> {
    const g = signer ? this.governor.connect(signer) : this.governor;
    const p = this.proposal;
    return g.execute(p.targets, p.values, p.calldatas, this.descriptionHash);
  }

  /** propose -> votes (in order) -> deadline: the vote is over, the outcome decided. */
  async proposeAndVote(proposer: Signer, votes: ReadonlyArray<readonly [Signer, Ballot]>): Promise<void> {
    await this.propose(proposer);
    await this.waitForSnapshot();
    for (const [voter, ballot] of votes) await this.vote(voter, ballot);
    await this.waitForDeadline();
  }

  /** propose -> votes -> deadline -> queue -> eta: ready to execute. */
  async queueForExecution(proposer: Signer, votes: ReadonlyArray<readonly [Signer, Ballot]>): Promise<void> {
    await this.proposeAndVote(proposer, votes);
    await this.queue();
    await this.waitForEta();
  }

  /** propose -> votes -> deadline -> queue -> eta -> execute. */
  async run(proposer: Signer, votes: ReadonlyArray<readonly [Signer, Ballot]>): Promise<ContractTransactionResponse> {
    await this.queueForExecution(proposer, votes);
    return this.execute();
  }
}

export const JAN_2024 = 1_704_067_200;
export const DEC_2024_END = 1_735_689_599;

/** A proposal to issue 12.5 t of offsets to the fixture's project (default criteria unless `criteria` given). */
export function offsetsProposal(dao: Dao, n = 1, criteria?: readonly string[] | null): Proposal {
  const metadata = JSON.stringify({ project: "Mangrove restoration", registry: "VCS", n });
  return unwrap(
    issueToProject({
      ledger: dao.ledger.target as string,
      kind: "offset",
      project: dao.project.address,
      projectName: "Mangrove restoration",
      amount: 12_500_000n,
      fromDate: JAN_2024,
      thruDate: DEC_2024_END,
      evidenceHash: projectEvidenceHash([ethers.id(`pdd ${n}`), ethers.id(`verification report ${n}`)], metadata),
      metadata,
      criteria,
    }),
  );
}

/** The evidence hash (= token id) inside an encoded `issue` call. */
export function unwrapEvidence(calldata: string, dao: Dao): string {
  const [request] = dao.ledger.interface.decodeFunctionData("issue", calldata);
  return (request as { evidenceHash: string }).evidenceHash;
}

/** Each call, made in turn, is refused with the custom error `error` of `contract`. */
export async function expectEachRefused(
  contract: BaseContract,
  error: string,
  calls: ReadonlyArray<() => Promise<unknown>>,
): Promise<void> {
  for (const call of calls) await expect(call()).to.be.revertedWithCustomError(contract, error);
}

/** Integer square root (floor), as OpenZeppelin's Math.sqrt. */
export function sqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}
