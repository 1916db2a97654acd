/**
 * What every command needs: the network (and its environment), a plain ethers provider (Hardhat's runtime is loaded
 * only by the commands that need it: deploy, verify), the deployment record, the suite's contracts, the sending
 * account, confirmation on live networks, and simulated-then-sent transactions.
 */
import readline from "node:readline";
import type { BaseContract, ContractTransactionReceipt, InterfaceAbi, Signer } from "ethers";
import type { Provider } from "ethers";
import { Contract, FetchRequest, JsonRpcProvider, Network, Wallet, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { ContractName, DeploymentRecord } from "../../lib/deployment";
import { DEPLOYMENTS_DIR, deploymentPath, deploymentsDirInUse, readDeployment } from "../../lib/deployment";
import type { Quantity } from "../../lib/units";
import { staleRecordProblem } from "./stale";
import { CommandError, UsageError, describeRevert, findRevertData, parseCustomError, tokenIdsIn } from "./errors";

/** Networks the suite knows, and for live ones the environment variable holding the RPC URL. */
export const NETWORKS = ["hardhat", "localhost", "gnosis", "chiado", "sepolia"] as const;
export type NetworkName = (typeof NETWORKS)[number];
export const LIVE_RPC_VARS: Partial<Record<NetworkName, string>> = {
  gnosis: "GNOSIS_RPC_URL",
  chiado: "CHIADO_RPC_URL",
  sepolia: "SEPOLIA_RPC_URL",
};
export const DEFAULT_KEY_VAR = "DEPLOYER_PRIVATE_KEY";

/** Options every command accepts. */
export interface GlobalOptions {
  network: string;
  from?: string;
  keyEnv?: string;
  yes?: boolean;
  json?: boolean;
}

export const isLive = (network: string): boolean => LIVE_RPC_VARS[network as NetworkName] !== undefined;

/** The deployments folder; tests point NES_DEPLOYMENTS_DIR at a temporary one. */
export function deploymentsDir(): string {
  return deploymentsDirInUse();
}

const envValue = (name: string): string | undefined => {
  const v = process.env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
};

/**
 * Checks the network name and, for a live network, that its RPC URL and the key variable are set. Names the
 * missing variable, never prints a value.
 */
export function checkNetworkEnvironment(options: GlobalOptions, needsKey: boolean): void {
  if (!(NETWORKS as readonly string[]).includes(options.network)) {
    throw new UsageError(`--network "${options.network}": expected one of ${NETWORKS.join(", ")}`);
  }
  const rpcVar = LIVE_RPC_VARS[options.network as NetworkName];
  if (rpcVar === undefined) return;
  if (envValue(rpcVar) === undefined) {
    throw new UsageError(`--network ${options.network}: set ${rpcVar} (in .env or the environment) to its RPC URL`);
  }
  const keyVar = options.keyEnv ?? DEFAULT_KEY_VAR;
  const key = envValue(keyVar);
  if (needsKey && key === undefined) {
    throw new UsageError(`--network ${options.network}: set ${keyVar} (in .env or the environment) to the sender's private key`);
  }
  if (key !== undefined && !/^(0x)?[0-9a-fA-F]{64}$/.test(key)) {
    throw new UsageError(`${keyVar}: not a 32-byte hex key (0x + 64 hex digits; needed by --network ${options.network})`);
  }
}

/** The JSON-RPC URL of a network other than the in-process `hardhat` one (as in hardhat.config.ts). */
export function rpcUrl(network: string): string | undefined {
  if (network === "localhost") return envValue("LOCALHOST_RPC_URL") ?? "http://127.0.0.1:8545";
  const rpcVar = LIVE_RPC_VARS[network as NetworkName];
  return rpcVar === undefined ? undefined : envValue(rpcVar);
}

/**
 * Loads Hardhat's runtime for `network`: only the commands that need it (deploy, verify; the in-process `hardhat`
 * network) call this. Compiles first (output to stderr) when the artifacts are missing.
 */
export async function loadHardhat(network: string): Promise<HardhatRuntimeEnvironment> {
  process.env["HARDHAT_NETWORK"] = network;
  // The compiled command line runs without ts-node; Hardhat needs it for hardhat.config.ts (as `npx hardhat` registers it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (require.extensions[".ts"] === undefined) (require("ts-node") as typeof import("ts-node")).register({ transpileOnly: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as HardhatRuntimeEnvironment;
  if (!(await hre.artifacts.artifactExists("CarbonLedger"))) {
    const log = console.log;
    console.log = (...args: unknown[]) => console.error(...args);
    try {
      await hre.run("compile", { quiet: true });
    } finally {
      console.log = log;
    }
  }
  retryClosedSockets(hre);
  return hre;
}

/**
 * A node closes an idle keep-alive connection after 5 s; when a long synchronous load (the TypeChain factories)
 * blocks the event loop meanwhile, the next request is written to the closed socket and fails with "other side
 * closed" before the node read it. Such a request is sent again, once, on a new connection.
 */
function retryClosedSockets(hre: HardhatRuntimeEnvironment): void {
  const provider = hre.network.provider as unknown as Record<string, unknown>;
  const closed = (e: unknown) => /other side closed|ECONNRESET|socket hang up/i.test(e instanceof Error ? `${e.message} ${String((e as { cause?: unknown }).cause ?? "")}` : String(e));
  for (const name of ["request", "send"]) {
    const original = provider[name];
    if (typeof original !== "function") continue;
    provider[name] = async (...args: unknown[]): Promise<unknown> => {
      try {
        return await (original as (...a: unknown[]) => Promise<unknown>).apply(provider, args);
      } catch (error) {
        if (!closed(error)) throw error;
        return (original as (...a: unknown[]) => Promise<unknown>).apply(provider, args);
      }
    };
  }
}

/** A connected command context. */
export interface Context {
  options: GlobalOptions;
  network: string;
  chainId: bigint;
  live: boolean;
  /** The network's JSON-RPC provider: plain ethers, no Hardhat runtime (except on the in-process network). */
  provider: Provider;
  /** The node's URL; undefined on the in-process `hardhat` network. */
  rpcUrl: string | undefined;
  signer: Signer;
  from: string;
  /** The node's own accounts (local networks), in `--from <index>` order; empty on live networks. */
  accounts: string[];
  /** The deployment record; commands that need no record (deploy) may see undefined. */
  record: DeploymentRecord | undefined;
  /** ABIs of the suite's contracts, for decoding reverts. */
  abis: InterfaceAbi[];
}

/** The suite's contract ABIs, each from its TypeChain factory alone (loading the whole typechain-types index is slow). */
/* eslint-disable @typescript-eslint/no-require-imports */
const ABIS: Record<ContractName, () => InterfaceAbi> = {
  CarbonLedger: () => (require("../../../typechain-types/factories/contracts/ledger/CarbonLedger__factory") as typeof import("../../../typechain-types/factories/contracts/ledger/CarbonLedger__factory")).CarbonLedger__factory.abi,
  VotingToken: () => (require("../../../typechain-types/factories/contracts/governance/VotingToken__factory") as typeof import("../../../typechain-types/factories/contracts/governance/VotingToken__factory")).VotingToken__factory.abi,
  ClimateGovernor: () => (require("../../../typechain-types/factories/contracts/governance/ClimateGovernor__factory") as typeof import("../../../typechain-types/factories/contracts/governance/ClimateGovernor__factory")).ClimateGovernor__factory.abi,
  Timelock: () => (require("../../../typechain-types/factories/contracts/governance/Timelock__factory") as typeof import("../../../typechain-types/factories/contracts/governance/Timelock__factory")).Timelock__factory.abi,
  ClaimsRegistry: () => (require("../../../typechain-types/factories/contracts/governance/ClaimsRegistry__factory") as typeof import("../../../typechain-types/factories/contracts/governance/ClaimsRegistry__factory")).ClaimsRegistry__factory.abi,
};
/* eslint-enable @typescript-eslint/no-require-imports */

const SUITE_CONTRACTS = Object.keys(ABIS) as ContractName[];

/** The ABI of a suite contract (from its TypeChain factory, generated from the artifact). */
export const abiOf = (name: ContractName): InterfaceAbi => ABIS[name]();

/** The provider, and the node's accounts on local networks (the in-process network loads Hardhat). */
async function providerFor(options: GlobalOptions): Promise<{ provider: Provider; url: string | undefined; nodeSigners: () => Promise<Signer[]> }> {
  if (options.network === "hardhat") {
    const hre = await loadHardhat("hardhat") as HardhatRuntimeEnvironment & { ethers: { provider: Provider; getSigners(): Promise<Signer[]> } };
    return { provider: hre.ethers.provider, url: undefined, nodeSigners: () => hre.ethers.getSigners() };
  }
  const url = rpcUrl(options.network);
  if (url === undefined) throw new UsageError(`--network ${options.network}: no RPC URL`);
  const network = Network.from(await chainIdAt(url, options.network));
  // The chain id is known: no detection round trip per request; no 10 ms wait to batch a lone request (calls made
  // together still go in one batch); receipts polled often on a local node.
  const provider = new JsonRpcProvider(url, network, { staticNetwork: network, batchStallTime: 0, pollingInterval: isLive(options.network) ? 2_000 : 200 });
  return { provider, url, nodeSigners: () => provider.listAccounts() };
}

/**
 * The chain id at `url`, asked once: an unreachable node fails here with its URL, instead of ethers retrying
 * network detection forever.
 */
async function chainIdAt(url: string, network: string): Promise<bigint> {
  const request = new FetchRequest(url);
  request.body = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
  request.timeout = 15_000;
  const shown = isLive(network) ? `the ${network} RPC URL` : url;
  let body: unknown;
  try {
    const response = await request.send();
    response.assertOk();
    body = response.bodyJson;
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    const hint = network === "localhost" ? "; start it with `npm run node`" : "";
    throw new CommandError(`--network ${network}: cannot reach the node at ${shown} (${reason.replace(url, shown)})${hint}`);
  }
  const result = typeof body === "object" && body !== null ? (body as Record<string, unknown>)["result"] : undefined;
  if (typeof result !== "string" || !/^0x[0-9a-f]+$/i.test(result)) {
    throw new CommandError(`--network ${network}: ${shown} did not answer eth_chainId`);
  }
  return BigInt(result);
}

/** Resolves `--from`: an account index or address among the node's accounts, or the wallet of --key-env. */
async function resolveSigner(provider: Provider, nodeSigners: () => Promise<Signer[]>, options: GlobalOptions): Promise<{ signer: Signer; accounts: string[] }> {
  if (isLive(options.network) || options.keyEnv !== undefined) {
    const keyVar = options.keyEnv ?? DEFAULT_KEY_VAR;
    const key = envValue(keyVar);
    if (key === undefined) throw new UsageError(`--key-env ${keyVar}: the variable is not set`);
    let wallet: Wallet;
    try {
      wallet = new Wallet(key.startsWith("0x") ? key : `0x${key}`, provider);
    } catch {
      throw new UsageError(`--key-env ${keyVar}: the variable does not hold a valid private key`);
    }
    if (options.from !== undefined && options.from.toLowerCase() !== wallet.address.toLowerCase()) {
      throw new UsageError(`--from "${options.from}": does not match the key in ${keyVar}`);
    }
    return { signer: wallet, accounts: [] };
  }
  const signers = await nodeSigners();
  const accounts = await Promise.all(signers.map((s) => s.getAddress()));
  const from = options.from ?? "0";
  if (/^\d+$/.test(from)) {
    const signer = signers[Number(from)];
    if (signer === undefined) throw new UsageError(`--from "${from}": expected an account index below ${signers.length}`);
    return { signer, accounts };
  }
  if (!isAddress(from)) throw new UsageError(`--from "${from}": expected an account index or a 0x address`);
  const index = accounts.findIndex((a) => a.toLowerCase() === from.toLowerCase());
  const signer = signers[index];
  if (signer === undefined) throw new UsageError(`--from "${from}": not an account of the ${options.network} node`);
  return { signer, accounts };
}

/** Builds the context: environment checks, provider (plain ethers), signer, record. */
export async function connect(options: GlobalOptions, requireRecord = true): Promise<Context> {
  checkNetworkEnvironment(options, true);
  const { provider, url, nodeSigners } = await providerFor(options);
  const record = readDeployment(options.network, deploymentsDir());
  if (requireRecord && record === undefined) {
    throw new UsageError(`--network ${options.network}: no deployment record at ${deploymentPath(options.network, deploymentsDir())}; deploy first`);
  }
  const chainId = (await provider.getNetwork()).chainId;
  if (requireRecord && record !== undefined) {
    // A record that outlived its chain (a restarted node): say so and what to do, instead of failing to decode "0x".
    const problem = await staleRecordProblem(provider, record, chainId, deploymentPath(options.network, deploymentsDir()), options.network);
    if (problem !== undefined) throw new CommandError(problem);
  }
  const { signer, accounts } = await resolveSigner(provider, nodeSigners, options);
  return {
    options, network: options.network, chainId, live: isLive(options.network), provider, rpcUrl: url,
    signer, from: await signer.getAddress(), accounts, record, abis: SUITE_CONTRACTS.map(abiOf),
  };
}

/** A suite contract from the record, typed by the caller with its TypeChain type. */
export async function suiteContract<T extends BaseContract>(ctx: Context, name: ContractName): Promise<T> {
  const entry = ctx.record?.contracts[name];
  if (entry === undefined) throw new UsageError(`--network ${ctx.network}: the deployment record has no ${name}`);
  return new Contract(entry.address, abiOf(name), ctx.signer) as unknown as T;
}

/** Asks on the terminal; refuses without a TTY. */
async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError("--yes: this sends a transaction on a live network; confirm with --yes when not on a terminal");
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** A transaction to send: the contract, the method, its arguments, and a line saying what it does. */
export interface TxPlan {
  contract: BaseContract;
  method: string;
  args: unknown[];
  summary: string;
}

/** The outcome of a sent transaction. */
export interface TxResult {
  hash: string;
  block: number;
  gasUsed: bigint;
  receipt: ContractTransactionReceipt;
  /** The simulated return value. */
  returned: unknown;
}

/**
 * Why the chain rejected a call, in the user's units: amounts of the token the error names are shown as the
 * token's type measures them (RECs in Wh, offsets and emissions in g CO2e), read from the ledger.
 */
export async function explainRevert(ctx: Context, error: unknown): Promise<string> {
  const data = findRevertData(error);
  const description = data === undefined ? undefined : parseCustomError(data, ctx.abis);
  const units = new Map<bigint, Quantity>();
  if (description !== undefined && ctx.record?.contracts.CarbonLedger !== undefined) {
    const ledger = await suiteContract<BaseContract>(ctx, "CarbonLedger");
    for (const id of tokenIdsIn(description)) {
      try {
        const record = (await ledger.getFunction("recordOf").staticCall(id)) as { tokenType: bigint };
        const tokenType = Number(record.tokenType);
        if (tokenType !== 0) units.set(id, tokenType === 1 ? "energy" : "mass");
      } catch {
        // not a ledger token: leave its amounts in base units
      }
    }
  }
  return describeRevert(error, ctx.abis, (id) => units.get(id));
}

/**
 * Simulates the call (a revert becomes a CommandError naming the custom error and its arguments), asks for
 * confirmation on a live network unless --yes, then sends and waits for the receipt.
 */
export async function sendTx(ctx: Context, plan: TxPlan): Promise<TxResult> {
  const fn = plan.contract.getFunction(plan.method);
  let returned: unknown;
  try {
    returned = await fn.staticCall(...plan.args);
  } catch (error) {
    throw new CommandError(`${plan.method} would revert: ${await explainRevert(ctx, error)}`);
  }
  if (ctx.live && ctx.options.yes !== true) {
    const target = await plan.contract.getAddress();
    const yes = await confirm(`On ${ctx.network} (chain ${ctx.chainId}) from ${ctx.from}: ${plan.summary} [${plan.method} on ${target}]. Send?`);
    if (!yes) throw new CommandError("cancelled; nothing was sent");
  }
  if (ctx.options.json !== true) console.error(`sending: ${plan.summary}`);
  let receipt: ContractTransactionReceipt | null;
  try {
    const tx = await fn.send(...plan.args);
    receipt = await tx.wait();
  } catch (error) {
    throw new CommandError(`${plan.method} failed: ${await explainRevert(ctx, error)}`);
  }
  if (receipt === null) throw new CommandError(`${plan.method}: the transaction was not mined`);
  return { hash: receipt.hash, block: receipt.blockNumber, gasUsed: receipt.gasUsed, receipt, returned };
}
