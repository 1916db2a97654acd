import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import "dotenv/config";

/** The one compiler version, pinned here, in every pragma and in package.json (`solc`). */
export const SOLC_VERSION = "0.8.28";

// Build offline: use the solc-js compiler shipped in the `solc` npm package
// instead of letting Hardhat download a native build.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  const compilerPath = path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js");
  return { compilerPath, isSolcJs: true, version: args.solcVersion, longVersion: `${args.solcVersion}+commit.7893614a` };
});

const env = (name: string): string | undefined => {
  const value = process.env[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
};

/** A 32-byte hex private key, with or without 0x. */
const isHexKey = (key: string): boolean => /^(0x)?[0-9a-fA-F]{64}$/.test(key);

/**
 * The network this Hardhat run is for (`--network <name>` or HARDHAT_NETWORK), to validate only what it needs:
 * a malformed key for a live network must not break local commands (`npm run demo`, `npm test`, the CLI on
 * localhost), which never use it.
 */
function selectedNetwork(): string {
  const argv = process.argv;
  const i = argv.indexOf("--network");
  if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1] as string;
  return env("HARDHAT_NETWORK") ?? "hardhat";
}

/**
 * The sender's key for a live network: checked only when that network is the one selected, and then a malformed
 * value is an error naming the variable (never printing the value). Other networks see no accounts.
 */
function liveAccounts(network: string, keyVar = "DEPLOYER_PRIVATE_KEY"): string[] {
  const key = env(keyVar);
  if (key === undefined) return [];
  if (isHexKey(key)) return [key.startsWith("0x") ? key : `0x${key}`];
  if (selectedNetwork() === network) throw new Error(`${keyVar}: not a 32-byte hex key (network ${network}; see .env.example)`);
  return [];
}

/** A live network; its URL and key come from the environment (see .env.example). */
const live = (network: string, chainId: number, urlVar: string) => ({
  chainId,
  // An unset URL stays visibly unset; scripts/cli refuse to run and name the variable.
  url: env(urlVar) ?? `http://unset.invalid/${urlVar}`,
  accounts: liveAccounts(network),
});

/**
 * `npm run node` (`hardhat node`) mines a block every NES_NODE_INTERVAL_MS (default 1000) besides one per
 * transaction, so the local chain's clock follows the wall clock: with no transactions the block time would stand
 * still, and proposals, deadlines and timelock delays with it. Tests and scripts on the in-process network keep
 * automine only. NES_NODE_INTERVAL_MS=0 turns it off.
 */
const startedAsNode = process.argv.slice(2).includes("node");
const nodeInterval = Number(env("NES_NODE_INTERVAL_MS") ?? "1000");
const mining = startedAsNode && Number.isInteger(nodeInterval) && nodeInterval > 0 ? { auto: true, interval: nodeInterval } : undefined;

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      viaIR: false,
      outputSelection: { "*": { "*": ["storageLayout"] } },
    },
  },
  networks: {
    hardhat: { chainId: 31337, ...(mining === undefined ? {} : { mining }) },
    localhost: { url: env("LOCALHOST_RPC_URL") ?? "http://127.0.0.1:8545", chainId: 31337 },
    gnosis: live("gnosis", 100, "GNOSIS_RPC_URL"),
    chiado: live("chiado", 10200, "CHIADO_RPC_URL"),
    sepolia: live("sepolia", 11155111, "SEPOLIA_RPC_URL"),
  },
  // Etherscan's v2 API: one key (ETHERSCAN_API_KEY) for every chain it serves (Gnosis, Sepolia); a single string
  // key is what selects v2 in hardhat-verify (per-explorer keys are v1, retired). Chiado is verified on Blockscout,
  // which needs no key; `npm run -s cli -- verify` picks the explorer by network.
  etherscan: { apiKey: env("ETHERSCAN_API_KEY") ?? "" },
  blockscout: {
    enabled: false,
    customChains: [
      {
        network: "chiado",
        chainId: 10200,
        urls: { apiURL: "https://gnosis-chiado.blockscout.com/api", browserURL: "https://gnosis-chiado.blockscout.com" },
      },
    ],
  },
  sourcify: { enabled: false },
  gasReporter: { enabled: false },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  mocha: { timeout: 120_000 },
};

export default config;
