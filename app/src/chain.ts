/** The data layer: the deployment's contracts with their typed ABIs, chain time, and errors decoded by name. */
import { createContext, useContext, useMemo } from "react";
import type { Abi, Address, Chain } from "viem";
import { BaseError, ContractFunctionRevertedError, keccak256, toHex } from "viem";
import { useBlock } from "wagmi";
import { formatCall } from "@shared/format";
import type { HumanContext } from "@shared/format";
import type { Quantity } from "@shared/units";
import { carbonLedgerAbi, claimsRegistryAbi, climateGovernorAbi, timelockAbi, votingTokenAbi } from "./abi";
import type { ContractName, Deployment } from "./config";

export const DeploymentContext = createContext<{ deployment: Deployment; chain: Chain } | null>(null);

export function useDeployment(): { deployment: Deployment; chain: Chain } {
  const value = useContext(DeploymentContext);
  if (value === null) throw new Error("no deployment");
  return value;
}

export const ABIS = {
  CarbonLedger: carbonLedgerAbi,
  ClimateGovernor: climateGovernorAbi,
  VotingToken: votingTokenAbi,
  ClaimsRegistry: claimsRegistryAbi,
  Timelock: timelockAbi,
} as const;

/** The suite's contracts: address and typed ABI of each, and the block where log queries start. */
export function useSuite() {
  const { deployment } = useDeployment();
  return useMemo(() => {
    const c = deployment.contracts;
    return {
      ledger: { address: c.CarbonLedger.address, abi: carbonLedgerAbi },
      governor: { address: c.ClimateGovernor.address, abi: climateGovernorAbi },
      token: { address: c.VotingToken.address, abi: votingTokenAbi },
      claims: { address: c.ClaimsRegistry.address, abi: claimsRegistryAbi },
      timelock: { address: c.Timelock.address, abi: timelockAbi },
      fromBlock: BigInt(Math.min(...Object.values(c).map((x) => x.block))),
    };
  }, [deployment]);
}

const ROLE_NAMES = ["DEFAULT_ADMIN_ROLE", "REC_ISSUER_ROLE", "OFFSET_ISSUER_ROLE", "EMISSIONS_AUDITOR_ROLE", "REVOKER_ROLE", "PAUSER_ROLE", "REGISTRAR_ROLE",
  "PROPOSER_ROLE", "EXECUTOR_ROLE", "CANCELLER_ROLE"];

/** Contract names by address (deployment record) and role names by hash, for showing arguments in human units. */
export function useHumanContext(): HumanContext {
  const { deployment } = useDeployment();
  return useMemo(() => {
    const names: Record<string, string> = {};
    for (const [name, entry] of Object.entries(deployment.contracts)) names[entry.address.toLowerCase()] = name;
    for (const [address, label] of Object.entries(deployment.labels ?? {})) names[address.toLowerCase()] ??= label;
    const roles: Record<string, string> = { [`0x${"0".repeat(64)}`]: "DEFAULT_ADMIN_ROLE" };
    for (const r of ROLE_NAMES.slice(1)) roles[keccak256(toHex(r))] = r;
    return { names, roles };
  }, [deployment]);
}

/** The contract name of an address in the deployment record. */
export function contractNameOf(d: Deployment, address: string): ContractName | undefined {
  return (Object.entries(d.contracts) as [ContractName, { address: string }][]).find(([, e]) => e.address.toLowerCase() === address.toLowerCase())?.[0];
}

/** The chain's time (latest block timestamp), which tests move with evm_increaseTime. */
export function useChainTime(): number | undefined {
  const block = useBlock({ query: { refetchInterval: 4_000 } });
  return block.data === undefined ? undefined : Number(block.data.timestamp);
}

const ALL_ERRORS: Abi = Object.values(ABIS).flatMap((abi) => (abi as Abi).filter((x) => x.type === "error"));
export { ALL_ERRORS };

/**
 * Why the chain refused: the custom error by name with its arguments in human units (amounts in the token's
 * quantity when known), Error(string), or the client's short message.
 */
export function describeError(error: unknown, quantity?: Quantity, ctx: HumanContext = {}): string {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const d = reverted.data;
      if (d !== undefined && d.abiItem.type === "error") {
        const ctxQ: HumanContext = { ...ctx };
        if (quantity !== undefined) ctxQ.quantity = quantity;
        return formatCall(d.errorName, d.abiItem.inputs, d.args ?? [], ctxQ, true);
      }
      if (reverted.reason !== undefined) return `Error("${reverted.reason}")`;
      if (reverted.signature !== undefined) return `unknown custom error ${reverted.signature}`;
    }
    return error.shortMessage;
  }
  return error instanceof Error ? error.message : String(error);
}

export type { Address };
