/**
 * Oracle test helpers: the CarbonLedger deployed from its artifact and the node's well-known development accounts
 * (the node itself comes from test/helpers/hardhat-node.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { ContractFactory, HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import type { InterfaceAbi } from "ethers";
import { CarbonLedger__factory } from "../../../typechain-types";
import type { CarbonLedger } from "../../../typechain-types";

import { ROOT } from "../../helpers/hardhat-node";

export { ROOT, freePort, kill, startNode } from "../../helpers/hardhat-node";
export type { Node } from "../../helpers/hardhat-node";

/** Hardhat's development mnemonic: public knowledge, funded only on local nodes. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export function devWallet(index: number, provider?: JsonRpcProvider): Wallet {
  const w = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return new Wallet(w.privateKey, provider);
}

/** Deploys CarbonLedger from its artifact; admin = dev account 0; `auditors` get EMISSIONS_AUDITOR_ROLE. */
export async function deployLedger(provider: JsonRpcProvider, auditors: string[]): Promise<CarbonLedger> {
  const admin = devWallet(0, provider);
  const artifact = JSON.parse(
    fs.readFileSync(path.join(ROOT, "artifacts", "contracts", "ledger", "CarbonLedger.sol", "CarbonLedger.json"), "utf8"),
  ) as { abi: InterfaceAbi; bytecode: string };
  const deployed = await (await new ContractFactory(artifact.abi, artifact.bytecode, admin).deploy(admin.address, 0)).waitForDeployment();
  const ledger = CarbonLedger__factory.connect(await deployed.getAddress(), admin);
  const role = await ledger.EMISSIONS_AUDITOR_ROLE();
  for (const a of auditors) await (await ledger.grantRole(role, a)).wait();
  return ledger;
}
