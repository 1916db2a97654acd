/**
 * Event queries from a deployment block to the latest block, in block windows: public JSON-RPC endpoints refuse
 * `eth_getLogs` over long ranges (often 10,000 blocks), and a live deployment outgrows one range within days.
 */
import type { BaseContract } from "ethers";

/** Blocks per eth_getLogs request; NES_LOG_WINDOW overrides it for endpoints with other limits. */
export function logWindow(): number {
  const v = Number(process.env["NES_LOG_WINDOW"]);
  return Number.isInteger(v) && v > 0 ? v : 10_000;
}

/**
 * Runs `query(from, to)` over consecutive windows from `fromBlock` to the latest block and concatenates the
 * results in block order. `query` is typically a TypeChain `queryFilter`, so the events keep their types.
 */
export async function inWindows<T>(
  contract: BaseContract, fromBlock: number, query: (from: number, to: number) => Promise<T[]>, window = logWindow(),
): Promise<T[]> {
  const provider = contract.runner?.provider ?? null;
  if (provider === null) throw new Error("inWindows: the contract is not connected to a provider");
  const latest = await provider.getBlockNumber();
  const results: T[] = [];
  for (let from = fromBlock; from <= latest; from += window) results.push(...(await query(from, Math.min(from + window - 1, latest))));
  return results;
}
