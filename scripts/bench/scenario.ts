import type { HardhatRuntimeEnvironment } from "hardhat/types";

/** A gas scenario: sets up a fresh state and returns gasUsed per operation name. */
export type GasScenario = (hre: HardhatRuntimeEnvironment) => Promise<Record<string, number>>;

/** gasUsed of a sent transaction, after it is mined. */
export async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was not mined");
  return Number(receipt.gasUsed);
}

/** A string of `n` characters, as the budgets assume for string arguments. */
export const text = (n: number, c = "x"): string => c.repeat(n);
