/**
 * Private keys of the local development accounts (Hardhat's configured mnemonic), for tools that need a key
 * rather than a node-managed signer (the oracle relay). Refused on live networks: their keys come from the
 * environment only.
 */
import { HDNodeWallet, Mnemonic } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The private key of development account `index` (as `npx hardhat node` lists them), or undefined. */
export function developmentAccountKey(hre: HardhatRuntimeEnvironment, index: number): string | undefined {
  const accounts: unknown = hre.config.networks.hardhat.accounts;
  if (!isRecord(accounts) || typeof accounts["mnemonic"] !== "string") return undefined;
  const path = typeof accounts["path"] === "string" ? accounts["path"] : "m/44'/60'/0'/0";
  const passphrase = typeof accounts["passphrase"] === "string" ? accounts["passphrase"] : "";
  const initial = typeof accounts["initialIndex"] === "number" ? accounts["initialIndex"] : 0;
  const mnemonic = Mnemonic.fromPhrase(accounts["mnemonic"], passphrase);
  return HDNodeWallet.fromMnemonic(mnemonic, `${path}/${initial + index}`).privateKey;
}
