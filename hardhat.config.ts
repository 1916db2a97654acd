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

/** A live network; its URL and key come from the environment (see .env.example). */
const live = (chainId: number, urlVar: string) => ({
  chainId,
  // An unset URL stays visibly unset; scripts/cli refuse to run and name the variable.
  url: env(urlVar) ?? `http://unset.invalid/${urlVar}`,
  accounts: env("DEPLOYER_PRIVATE_KEY") ? [env("DEPLOYER_PRIVATE_KEY") as string] : [],
});

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
    hardhat: { chainId: 31337 },
    localhost: { url: env("LOCALHOST_RPC_URL") ?? "http://127.0.0.1:8545", chainId: 31337 },
    gnosis: live(100, "GNOSIS_RPC_URL"),
    chiado: live(10200, "CHIADO_RPC_URL"),
    sepolia: live(11155111, "SEPOLIA_RPC_URL"),
  },
  // Verification (`npm run -s cli -- verify`, `deploy --verify`): Etherscan's v2 API, one key for every chain it
  // serves (gnosis, sepolia); Chiado on its Blockscout explorer (no key needed). The command enables one per network.
  etherscan: {
    apiKey: env("ETHERSCAN_API_KEY") ?? "",
  },
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
