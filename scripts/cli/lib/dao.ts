/**
 * DAO library for the command line and the demo: proposal actions for the suite's governed acts, proposal
 * listing with state and tallies, and the proposal lifecycle (propose, vote, queue, execute) on typed contracts.
 */
import { id as keccakText } from "ethers";
import type { CarbonLedger, ClaimsRegistry, ClimateGovernor, Timelock } from "../../../typechain-types";
import type { IssueRequest } from "../../ledger/attestation";

/** What a proposal does: calls from the timelock, in order. */
export interface ProposalActions {
  targets: string[];
  values: bigint[];
  calldatas: string[];
}

/** A proposal to create: actions, description (its first line is the title), optional quality criteria. */
export interface ProposalPlan extends ProposalActions {
  description: string;
  criteria: string[];
}

const one = async (contract: { getAddress(): Promise<string> }, calldata: string): Promise<ProposalActions> => ({
  targets: [await contract.getAddress()], values: [0n], calldatas: [calldata],
});

/** Actions: the timelock issues offsets (or RECs) to a project. */
export const issueForProjectActions = (ledger: CarbonLedger, request: IssueRequest): Promise<ProposalActions> =>
  one(ledger, ledger.interface.encodeFunctionData("issue", [request]));

/** Actions: record the DAO's verdict on a claim (proposalId 0: the verdict's proposal is found from the event). */
export const claimVerdictActions = (claims: ClaimsRegistry, claimId: bigint, approved: boolean, reason: string): Promise<ProposalActions> =>
  one(claims, claims.interface.encodeFunctionData("recordVerdict", [claimId, approved, 0n, keccakText(reason)]));

/** Actions: revoke an amount of a token from a holder. */
export const revocationActions = (ledger: CarbonLedger, holder: string, id: bigint, amount: bigint, reason: string): Promise<ProposalActions> =>
  one(ledger, ledger.interface.encodeFunctionData("revoke", [holder, id, amount, reason]));

/** Actions: grant or revoke a ledger role. */
export const roleChangeActions = (ledger: CarbonLedger, grant: boolean, role: string, account: string): Promise<ProposalActions> =>
  one(ledger, grant
    ? ledger.interface.encodeFunctionData("grantRole", [role, account])
    : ledger.interface.encodeFunctionData("revokeRole", [role, account]));

/** Settings the DAO changes by vote, and where each lives. */
export const SETTINGS = {
  "voting-delay": { contract: "governor", fn: "setVotingDelay", unit: "seconds" },
  "voting-period": { contract: "governor", fn: "setVotingPeriod", unit: "seconds" },
  "proposal-threshold": { contract: "governor", fn: "setProposalThreshold", unit: "whole voting tokens" },
  "quorum-percent": { contract: "governor", fn: "updateQuorumNumerator", unit: "percent" },
  "late-quorum-extension": { contract: "governor", fn: "setLateQuorumVoteExtension", unit: "seconds" },
  "timelock-delay": { contract: "timelock", fn: "updateDelay", unit: "seconds" },
  "limited-mode": { contract: "ledger", fn: "setLimitedMode", unit: "on/off" },
  "attestation-threshold": { contract: "ledger", fn: "setAttestationThreshold", unit: "signatures" },
} as const;
export type SettingName = keyof typeof SETTINGS;

/** Actions: change one setting (the value already parsed to what the function takes). */
export async function settingActions(
  suite: { ledger: CarbonLedger; governor: ClimateGovernor; timelock: Timelock }, setting: SettingName, value: bigint | boolean,
): Promise<ProposalActions> {
  const s = SETTINGS[setting];
  const contract = suite[s.contract];
  return one(contract, contract.interface.encodeFunctionData(s.fn as never, [value] as never));
}

/** Governor.ProposalState names, by code. */
export const PROPOSAL_STATES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"] as const;

export interface Tally { against: bigint; for: bigint; abstain: bigint }

/** A proposal as the commands show it. */
export interface ProposalView {
  id: string;
  proposer: string;
  title: string;
  description: string;
  state: string;
  voteStart: number;
  voteEnd: number;
  actions: ProposalActions;
  criteria: string[];
  /** Plain proposals: one tally; criteria proposals: one per criterion. */
  tallies: (Tally & { criterion?: string })[];
  quorum: bigint;
  quorumVotes: bigint;
  eta: number;
}

/** Every proposal since `fromBlock`, newest last, with state and tallies. */
export async function listProposals(governor: ClimateGovernor, fromBlock: number): Promise<ProposalView[]> {
  const [created, criteriaSet] = await Promise.all([
    governor.queryFilter(governor.filters.ProposalCreated(), fromBlock),
    governor.queryFilter(governor.filters.ProposalCriteriaSet(), fromBlock),
  ]);
  const criteriaOf = new Map<bigint, string[]>();
  for (const e of criteriaSet) criteriaOf.set(e.args.proposalId, [...e.args.criteria]);
  const views: ProposalView[] = [];
  for (const e of created) {
    const a = e.args;
    const id = a.proposalId;
    const criteria = criteriaOf.get(id) ?? [];
    const [state, snapshot, quorumVotes, eta] = await Promise.all([
      governor.state(id), governor.proposalSnapshot(id), governor.proposalQuorumVotes(id), governor.proposalEta(id),
    ]);
    let quorum = 0n;
    try {
      quorum = await governor.quorum(snapshot);
    } catch {
      // snapshot in the future: quorum not known yet
    }
    const tallies: (Tally & { criterion?: string })[] = [];
    if (criteria.length === 0) {
      const [against, forVotes, abstain] = await governor.proposalVotes(id);
      tallies.push({ against, for: forVotes, abstain });
    } else {
      for (const [i, criterion] of criteria.entries()) {
        const [against, forVotes, abstain] = await governor.criterionVotes(id, i);
        tallies.push({ criterion, against, for: forVotes, abstain });
      }
    }
    views.push({
      id: id.toString(), proposer: a.proposer, title: a.description.split("\n")[0] ?? "", description: a.description,
      state: PROPOSAL_STATES[Number(state)] ?? String(state), voteStart: Number(a.voteStart), voteEnd: Number(a.voteEnd),
      // By position: `values` of an ethers Result is its method, not the event argument.
      actions: { targets: [...(a[2] as string[])], values: [...(a[3] as bigint[])], calldatas: [...(a[5] as string[])] },
      criteria, tallies, quorum, quorumVotes, eta: Number(eta),
    });
  }
  return views;
}

/** The description hash the governor uses to identify a proposal's description. */
export const descriptionHash = (description: string): string => keccakText(description);

/** Governor `support` values. */
export const SUPPORT = { against: 0, for: 1, abstain: 2 } as const;
export type SupportName = keyof typeof SUPPORT;
/** Support value of a criteria vote: one byte per criterion in params. */
export const CRITERIA_VOTE = 255;

/** The params bytes of a criteria vote: one support byte per criterion. */
export function criteriaParams(votes: SupportName[]): string {
  return `0x${votes.map((v) => SUPPORT[v].toString(16).padStart(2, "0")).join("")}`;
}
