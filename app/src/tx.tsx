/**
 * Sending a transaction: simulate first (a call the contract would reject is shown by its custom error, with
 * arguments in human units, and nothing is sent), then sign, then pending, then mined; the reads refresh.
 */
import { useState } from "react";
import type { Abi, Address, TransactionReceipt } from "viem";
import { usePublicClient } from "wagmi";
import { useQueryClient } from "@tanstack/react-query";
import type { Quantity } from "@shared/units";
import { describeError, useDeployment, useHumanContext } from "./chain";
import { useWallet } from "./wallet";

export interface Call {
  address: Address;
  abi: Abi | readonly unknown[];
  functionName: string;
  args: readonly unknown[];
}

export type TxState =
  | { status: "idle" }
  | { status: "simulating" | "signing"; label: string }
  | { status: "rejected"; label: string; message: string }
  | { status: "pending"; label: string; hash: string }
  | { status: "mined" | "failed"; label: string; hash: string; block: bigint };

export function useTx() {
  const wallet = useWallet();
  const { chain } = useDeployment();
  const publicClient = usePublicClient();
  const queryClient = useQueryClient();
  const ctx = useHumanContext();
  const [state, setState] = useState<TxState>({ status: "idle" });

  async function run(label: string, call: Call, quantity?: Quantity): Promise<TransactionReceipt | undefined> {
    const client = wallet.client ?? await wallet.signer();
    const from = wallet.account ?? client?.account?.address;
    if (from === undefined || client === undefined || publicClient === undefined) {
      setState({ status: "rejected", label, message: "No account: choose a development account or connect a wallet first" });
      return undefined;
    }
    if (wallet.wrongNetwork) {
      setState({ status: "rejected", label, message: `Wrong network: switch your wallet to ${chain.name} (chain ${chain.id})` });
      return undefined;
    }
    setState({ status: "simulating", label });
    let request: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const sim = await publicClient.simulateContract({ ...(call as any), account: from });
      request = sim.request as unknown as Record<string, unknown>;
    } catch (error) {
      setState({ status: "rejected", label, message: describeError(error, quantity, ctx) });
      return undefined;
    }
    setState({ status: "signing", label });
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const hash = await client.writeContract({ ...(request as any), account: client.account ?? from, chain });
      setState({ status: "pending", label, hash });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      setState({ status: receipt.status === "success" ? "mined" : "failed", label, hash, block: receipt.blockNumber });
      await queryClient.invalidateQueries();
      return receipt;
    } catch (error) {
      setState({ status: "rejected", label, message: describeError(error, quantity, ctx) });
      return undefined;
    }
  }
  return { state, run, reset: () => setState({ status: "idle" }) };
}

export function TxStatus({ state }: { state: TxState }) {
  if (state.status === "idle") return null;
  const text = (() => {
    switch (state.status) {
      case "simulating": return `${state.label}: checking with the contract…`;
      case "signing": return `${state.label}: waiting for the signature…`;
      case "rejected": return `${state.label} refused, nothing was sent: ${state.message}`;
      case "pending": return `${state.label}: pending (transaction ${state.hash})`;
      case "mined": return `${state.label}: mined in block ${state.block} (transaction ${state.hash})`;
      case "failed": return `${state.label}: reverted in block ${state.block} (transaction ${state.hash})`;
    }
  })();
  const bad = state.status === "rejected" || state.status === "failed";
  return <p role={bad ? "alert" : "status"} className={bad ? "error" : "ok"}>{text}</p>;
}
