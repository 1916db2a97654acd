/**
 * DAO library for the command line and the demo: proposal listing with state and tallies, vote encoding, and the
 * settings proposals that scripts/governance/proposals.ts (the proposal builders) does not cover.
 */
import { id as keccakText } from "ethers";
import type { CarbonLedger, ClimateGovernor, Timelock } from "../../../typechain-types";
import type { Proposal } from "../../governance/proposals";
import { inWindows } from "./logs";

/** What a proposal does: calls from the timelock, in order. */
export interface ProposalActions {
  targets: string[];
  values: bigint[];
  calldatas: string[];
}

/**
 * Settings the DAO changes by vote. Governor settings are built by scripts/governance/proposals.ts
 * (changeGovernorSetting); the ledger's and the timelock's by {otherSettingProposal} below.
 */
export const SETTINGS = {
  "voting-delay": { governor: "votingDelay", unit: "seconds" },
  "voting-period": { governor: "votingPeriod", unit: "seconds" },
  "proposal-threshold": { governor: "proposalThreshold", unit: "whole voting tokens" },
  "quorum-percent": { governor: "quorumNumerator", unit: "percent" },
  "late-quorum-extension": { governor: "lateQuorumExtension", unit: "seconds" },
  "timelock-delay": { governor: undefined, unit: "seconds" },
  "limited-mode": { governor: undefined, unit: "on/off" },
  "attestation-threshold": { governor: undefined, unit: "signatures" },
} as const;
export type SettingName = keyof typeof SETTINGS;

/** A proposal changing a ledger or timelock setting (the governor's own settings: changeGovernorSetting). */
export async function otherSettingProposal(
  suite: { ledger: CarbonLedger; timelock: Timelock },
  setting: "timelock-delay" | "limited-mode" | "attestation-threshold",
  value: bigint | boolean,
): Promise<Proposal> {
  const { ledger, timelock } = suite;
  const [target, calldata, shown] =
    setting === "timelock-delay"
      ? [await timelock.getAddress(), timelock.interface.encodeFunctionData("updateDelay", [value as bigint]), `${String(value)} s`]
      : setting === "limited-mode"
        ? [await ledger.getAddress(), ledger.interface.encodeFunctionData("setLimitedMode", [value as boolean]), value === true ? "on" : "off"]
        : [await ledger.getAddress(), ledger.interface.encodeFunctionData("setAttestationThreshold", [value as bigint]), `${String(value)} signatures`];
  return { targets: [target], values: [0n], calldatas: [calldata], description: `Set ${setting} to ${shown}` };
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
    inWindows(governor, fromBlock, (f, t) => governor.queryFilter(governor.filters.ProposalCreated(), f, t)),
    inWindows(governor, fromBlock, (f, t) => governor.queryFilter(governor.filters.ProposalCriteriaSet(), f, t)),
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

