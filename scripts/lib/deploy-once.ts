/** Contract deployment that survives an interruption at any instant without deploying twice. */
import type { ContractDeployTransaction, Provider, Signer, TransactionReceipt, TransactionResponse } from "ethers";

/**
 * Deploys a contract at most once across interruptions: when `pendingHash` (the deployment an earlier run sent)
 * was mined, its receipt is returned; when it is still in flight, it is waited for; only otherwise is a new
 * deployment sent, and its hash handed to `onSent` before it is mined.
 */
export async function deployOnce(
  signer: Signer,
  pendingHash: string | undefined,
  deployment: () => Promise<ContractDeployTransaction>,
  onSent: (hash: string) => void | Promise<void>,
): Promise<TransactionReceipt & { contractAddress: string }> {
  const provider: Provider | null = signer.provider;
  if (provider === null) throw new Error("deployOnce: the signer has no provider");
  let receipt: TransactionReceipt | null = null;
  if (pendingHash !== undefined) {
    receipt = await provider.getTransactionReceipt(pendingHash);
    if (receipt === null) {
      const inFlight: TransactionResponse | null = await provider.getTransaction(pendingHash);
      if (inFlight !== null) receipt = await inFlight.wait();
    }
  }
  if (receipt === null || receipt.status !== 1 || receipt.contractAddress === null) {
    const sent = await signer.sendTransaction(await deployment());
    await onSent(sent.hash);
    receipt = await sent.wait();
  }
  if (receipt === null || receipt.status !== 1 || receipt.contractAddress === null) {
    throw new Error(`deployment transaction ${receipt?.hash ?? "?"} failed`);
  }
  return receipt as TransactionReceipt & { contractAddress: string };
}
