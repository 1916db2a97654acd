/** Reads that need logs or several calls: one query each, through the page's public client (react-query). */
import { useQuery } from "@tanstack/react-query";
import type { Address, Hex, PublicClient } from "viem";
import { decodeFunctionData } from "viem";
import { usePublicClient } from "wagmi";
import { formatArgs, PROPOSAL_STATE_NAMES } from "@shared/format";
import type { HumanContext } from "@shared/format";
import { ABIS, contractNameOf, useDeployment, useHumanContext, useSuite } from "./chain";
import type { Deployment } from "./config";

export type Suite = ReturnType<typeof useSuite>;

function useClient(): PublicClient {
  const c = usePublicClient();
  if (c === undefined) throw new Error("no public client");
  return c as PublicClient;
}

export interface TokenRecord {
  id: bigint;
  tokenType: number;
  issuer: Address;
  issuee: Address;
  fromDate: number;
  thruDate: number;
  createdAt: number;
  year: number;
  metadata: string;
}

export async function readRecord(client: PublicClient, suite: Suite, id: bigint): Promise<TokenRecord> {
  const r = await client.readContract({ ...suite.ledger, functionName: "recordOf", args: [id] });
  return {
    id, tokenType: Number(r.tokenType), issuer: r.issuer, issuee: r.issuee, fromDate: Number(r.fromDate), thruDate: Number(r.thruDate),
    createdAt: Number(r.createdAt), year: Number(r.year), metadata: r.metadata,
  };
}

/** Every issuance, from Issued logs (with its evidence hash and amount), oldest first. */
export function useIssuances() {
  const client = useClient();
  const suite = useSuite();
  return useQuery({
    queryKey: ["issuances"],
    queryFn: async () => {
      const logs = await client.getContractEvents({ ...suite.ledger, eventName: "Issued", fromBlock: suite.fromBlock });
      return logs.map((l) => ({
        id: l.args.id as bigint, issuer: l.args.issuer as Address, issuee: l.args.issuee as Address, tokenType: Number(l.args.tokenType),
        amount: l.args.amount as bigint, fromDate: Number(l.args.fromDate), thruDate: Number(l.args.thruDate),
        evidenceHash: l.args.evidenceHash as Hex, block: l.blockNumber, tx: l.transactionHash,
      }));
    },
  });
}

export interface Holding { record: TokenRecord; balance: bigint }

/** Tokens `account` holds now (ids it ever received, non-zero balance), with their records. */
export function useHoldings(account: Address | undefined) {
  const client = useClient();
  const suite = useSuite();
  return useQuery({
    queryKey: ["holdings", account],
    enabled: account !== undefined,
    queryFn: async (): Promise<Holding[]> => {
      const logs = await client.getContractEvents({ ...suite.ledger, eventName: "TransferSingle", args: { to: account }, fromBlock: suite.fromBlock });
      const ids = [...new Set(logs.map((l) => l.args.id as bigint))];
      const out = await Promise.all(ids.map(async (id) => {
        const [balance, record] = await Promise.all([
          client.readContract({ ...suite.ledger, functionName: "balanceOf", args: [account as Address, id] }), readRecord(client, suite, id),
        ]);
        return { record, balance };
      }));
      return out.filter((h) => h.balance > 0n).sort((a, b) => a.record.tokenType - b.record.tokenType || a.record.year - b.record.year);
    },
  });
}

export interface Figures { emissions: bigint; offsetsRetired: bigint; recsRetired: bigint; netPosition: bigint }

/** Year totals of `account` for every year it has emissions or retirements in, plus `extra` years. */
export function useYearTotals(account: Address | undefined) {
  const client = useClient();
  const suite = useSuite();
  return useQuery({
    queryKey: ["yearTotals", account],
    enabled: account !== undefined,
    queryFn: async () => {
      const [issued, retired] = await Promise.all([
        client.getContractEvents({ ...suite.ledger, eventName: "Issued", args: { issuee: account }, fromBlock: suite.fromBlock }),
        client.getContractEvents({ ...suite.ledger, eventName: "Retired", args: { beneficiary: account }, fromBlock: suite.fromBlock }),
      ]);
      const years = new Set<number>();
      const yearOf = (from: number, thru: number) => new Date((from + Math.floor((thru - from) / 2)) * 1000).getUTCFullYear();
      for (const l of issued) if (Number(l.args.tokenType) === 3) years.add(yearOf(Number(l.args.fromDate), Number(l.args.thruDate)));
      for (const l of retired) years.add(yearOf(Number(l.args.fromDate), Number(l.args.thruDate)));
      const sorted = [...years].sort();
      const totals = await Promise.all(sorted.map((y) => client.readContract({ ...suite.ledger, functionName: "yearTotals", args: [account as Address, y] })));
      return sorted.map((year, i) => ({ year, ...(totals[i] as Figures) }));
    },
  });
}

/** A retirement receipt (the Retired log) of an account, newest first. */
export function useRetirements(filter: { holder?: Address; beneficiary?: Address; id?: bigint }) {
  const client = useClient();
  const suite = useSuite();
  return useQuery({
    queryKey: ["retirements", filter.holder, filter.beneficiary, filter.id?.toString()],
    queryFn: async () => {
      const logs = await client.getContractEvents({ ...suite.ledger, eventName: "Retired", args: filter, fromBlock: suite.fromBlock });
      return logs.reverse().map((l) => ({ ...l.args, tx: l.transactionHash, logIndex: l.logIndex, block: l.blockNumber }));
    },
  });
}

export interface Action { target: Address; contract?: string; fn: string; args: { name: string; value: string }[]; raw?: { functionName: string; args: readonly unknown[] } }

/** A proposal action decoded with the ABI of its target (contract name from the deployment record). */
export function decodeAction(d: Deployment, target: Address, calldata: Hex, ctx: HumanContext): Action {
  const name = contractNameOf(d, target);
  if (name === undefined) return { target, fn: `call ${calldata.slice(0, 10)}`, args: [{ name: "data", value: calldata }] };
  try {
    const decoded = decodeFunctionData({ abi: ABIS[name], data: calldata });
    const item = ABIS[name].find((x) => x.type === "function" && x.name === decoded.functionName && x.inputs.length === (decoded.args?.length ?? 0));
    const inputs = item !== undefined && "inputs" in item ? item.inputs : [];
    return { target, contract: name, fn: decoded.functionName, args: formatArgs(inputs, decoded.args ?? [], ctx, true), raw: { functionName: decoded.functionName, args: decoded.args ?? [] } };
  } catch {
    return { target, contract: name, fn: `unknown ${calldata.slice(0, 10)}`, args: [] };
  }
}

export interface ProposalSummary {
  id: bigint;
  proposer: Address;
  title: string;
  description: string;
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
  voteStart: number;
  voteEnd: number;
  criteria: string[];
  state: string;
  eta: number;
  block: bigint;
}

/** Every proposal (ProposalCreated, ProposalCriteriaSet), with its state, newest first. */
export function useProposals() {
  const client = useClient();
  const suite = useSuite();
  return useQuery({
    queryKey: ["proposals"],
    queryFn: async (): Promise<ProposalSummary[]> => {
      const [created, criteria] = await Promise.all([
        client.getContractEvents({ ...suite.governor, eventName: "ProposalCreated", fromBlock: suite.fromBlock }),
        client.getContractEvents({ ...suite.governor, eventName: "ProposalCriteriaSet", fromBlock: suite.fromBlock }),
      ]);
      const criteriaOf = new Map(criteria.map((c) => [c.args.proposalId as bigint, [...(c.args.criteria ?? [])]]));
      const out = await Promise.all(created.map(async (e) => {
        const a = e.args;
        const id = a.proposalId as bigint;
        const [state, deadline, eta] = await Promise.all([
          client.readContract({ ...suite.governor, functionName: "state", args: [id] }),
          client.readContract({ ...suite.governor, functionName: "proposalDeadline", args: [id] }),
          client.readContract({ ...suite.governor, functionName: "proposalEta", args: [id] }),
        ]);
        const description = a.description ?? "";
        return {
          id, proposer: a.proposer as Address, title: description.split("\n")[0] ?? "", description,
          targets: [...(a.targets ?? [])], values: [...(a.values ?? [])], calldatas: [...(a.calldatas ?? [])],
          voteStart: Number(a.voteStart), voteEnd: Number(deadline), criteria: criteriaOf.get(id) ?? [],
          state: PROPOSAL_STATE_NAMES[Number(state)] ?? String(state), eta: Number(eta), block: e.blockNumber,
        };
      }));
      return out.reverse();
    },
  });
}

export function useProposalContext() {
  return { deployment: useDeployment().deployment, ctx: useHumanContext() };
}
