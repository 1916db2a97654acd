/** The deployment record the app runs against (deployment.json beside index.html) and the chain it names. */
import type { Address, Chain } from "viem";
import { defineChain } from "viem";
import { gnosis, gnosisChiado, hardhat, sepolia } from "viem/chains";

export type ContractName = "CarbonLedger" | "VotingToken" | "ClimateGovernor" | "Timelock" | "ClaimsRegistry";

export interface Deployment {
  network: string;
  chainId: number;
  contracts: Record<ContractName, { address: Address; block: number }>;
  /** JSON-RPC endpoint ("/rpc" when served with a local node); else the chain's public endpoint. */
  rpcUrl?: string;
  /** Optional names of accounts (the demo's companies, members...). */
  labels?: Record<string, string>;
}

const KNOWN: Record<number, Chain> = { 31337: hardhat, 100: gnosis, 10200: gnosisChiado, 11155111: sepolia };

export function chainOf(d: Deployment): Chain {
  const base = KNOWN[d.chainId] ?? defineChain({
    id: d.chainId, name: `Chain ${d.chainId}`, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [] } },
  });
  const url = d.rpcUrl === undefined ? base.rpcUrls.default.http[0] : new URL(d.rpcUrl, window.location.href).toString();
  return { ...base, rpcUrls: { default: { http: url === undefined ? [] : [url] } } };
}

/** A development chain: Hardhat's node, where the app offers the node's accounts. */
export const isDevChain = (d: Deployment): boolean => d.chainId === 31337;

export async function loadDeployment(): Promise<Deployment> {
  // index.html starts the request before the app's code arrives; fetch it here when it did not (dev server, tests).
  const early = (window as { __deployment?: Promise<Response | undefined> }).__deployment;
  const res = (early !== undefined ? await early : undefined) ?? await fetch("./deployment.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`deployment.json: ${res.status} — deploy the suite first (npm run deploy -- --network localhost)`);
  return (await res.json()) as Deployment;
}
