/**
 * Private keys of the local development accounts (the mnemonic Hardhat's network uses, which hardhat.config.ts
 * leaves at its default), for tools that need a key rather than a node-managed signer (the oracle relay). Refused
 * on live networks: their keys come from the environment only.
 */
import { HDNodeWallet, Mnemonic } from "ethers";

/** Hardhat's default development mnemonic (hardhat.config.ts sets no `accounts` for the local networks). */
export const DEVELOPMENT_MNEMONIC = "test test test test test test test test test test test junk";
const DEVELOPMENT_PATH = "m/44'/60'/0'/0";

/** The private key of development account `index` (as `npx hardhat node` lists them). */
export function developmentAccountKey(index: number): string {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEVELOPMENT_MNEMONIC), `${DEVELOPMENT_PATH}/${index}`).privateKey;
}
