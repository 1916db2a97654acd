/**
 * Whether a deployment record still describes the chain a command talks to: the same chain id, and code at every
 * recorded address. A development node that was restarted keeps the old record but none of its contracts.
 */
import path from "node:path";
import type { Provider } from "ethers";
import type { ContractName, DeploymentRecord } from "../../lib/deployment";

/** Chains whose state is thrown away with the node: a stale record there is simply deployed over. */
export const DEVELOPMENT_CHAIN_IDS: readonly bigint[] = [31337n, 1337n];

export const isDevelopmentChain = (chainId: bigint): boolean => DEVELOPMENT_CHAIN_IDS.includes(chainId);

/** The recorded contracts that have no code on the chain. */
export async function missingContracts(provider: Provider, record: DeploymentRecord): Promise<ContractName[]> {
  const entries = Object.entries(record.contracts) as [ContractName, { address: string } | undefined][];
  const codes = await Promise.all(entries.map(async ([name, entry]) => [name, entry === undefined ? "" : await provider.getCode(entry.address)] as const));
  return codes.filter(([, code]) => code === "0x").map(([name]) => name);
}

/**
 * Why `record` (read from `file`) does not describe the chain `chainId`, and what to do; undefined when it does.
 */
export async function staleRecordProblem(
  provider: Provider, record: DeploymentRecord, chainId: bigint, file: string, network: string,
): Promise<string | undefined> {
  const shown = path.relative(process.cwd(), file) || file;
  const redeploy = `run \`npm run -s deploy -- --network ${network}\` again`;
  if (BigInt(record.chainId) !== chainId) {
    return `${shown} is for chain ${record.chainId}, the node is chain ${chainId}: ${isDevelopmentChain(chainId) ? redeploy : "check the network's RPC URL"}`;
  }
  const missing = await missingContracts(provider, record);
  if (missing.length === 0) return undefined;
  return isDevelopmentChain(chainId)
    ? `${shown} names contracts that are not on this chain (node restarted?): ${redeploy}`
    : `${shown} names contracts with no code on chain ${chainId} (${missing.join(", ")}): check the network's RPC URL and the record`;
}
