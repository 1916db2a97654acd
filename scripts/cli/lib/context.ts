/**
 * What every command needs: the network (and its environment), the Hardhat runtime, the deployment record, the
 * suite's contracts, the sending account, confirmation on live networks, and simulated-then-sent transactions.
 */
import readline from "node:readline";
import type { BaseContract, ContractTransactionReceipt, InterfaceAbi, Signer } from "ethers";
import { Contract, Wallet, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { ContractName, DeploymentRecord } from "../../lib/deployment";
import { DEPLOYMENTS_DIR, deploymentPath, readDeployment } from "../../lib/deployment";
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
  const dir = process.env["NES_DEPLOYMENTS_DIR"];
  return dir === undefined || dir.trim() === "" ? DEPLOYMENTS_DIR : dir;
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

/** Loads Hardhat for `network`; compiles first (output to stderr) when the artifacts are missing. */
export async function loadHardhat(network: string): Promise<HardhatRuntimeEnvironment> {
  process.env["HARDHAT_NETWORK"] = network;
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
  hre: HardhatRuntimeEnvironment;
  options: GlobalOptions;
  network: string;
  chainId: bigint;
  live: boolean;
  signer: Signer;
  from: string;
  /** The deployment record; commands that need no record (deploy) may see undefined. */
  record: DeploymentRecord | undefined;
  /** ABIs of every suite contract that is compiled, for decoding reverts. */
  abis: InterfaceAbi[];
}

const SUITE_CONTRACTS: ContractName[] = ["CarbonLedger", "VotingToken", "ClimateGovernor", "Timelock", "ClaimsRegistry"];

/** Resolves `--from`: an account index or address among the node's accounts, or the wallet of --key-env. */
async function resolveSigner(hre: HardhatRuntimeEnvironment, options: GlobalOptions): Promise<Signer> {
  if (isLive(options.network) || options.keyEnv !== undefined) {
    const keyVar = options.keyEnv ?? DEFAULT_KEY_VAR;
    const key = envValue(keyVar);
    if (key === undefined) throw new UsageError(`--key-env ${keyVar}: the variable is not set`);
    let wallet: Wallet;
    try {
      wallet = new Wallet(key.startsWith("0x") ? key : `0x${key}`, hre.ethers.provider);
    } catch {
      throw new UsageError(`--key-env ${keyVar}: the variable does not hold a valid private key`);
    }
    if (options.from !== undefined && options.from.toLowerCase() !== wallet.address.toLowerCase()) {
      throw new UsageError(`--from "${options.from}": does not match the key in ${keyVar}`);
    }
    return wallet;
  }
  const signers = await hre.ethers.getSigners();
  const from = options.from ?? "0";
  if (/^\d+$/.test(from)) {
    const signer = signers[Number(from)];
    if (signer === undefined) throw new UsageError(`--from "${from}": expected an account index below ${signers.length}`);
    return signer;
  }
  if (!isAddress(from)) throw new UsageError(`--from "${from}": expected an account index or a 0x address`);
  const signer = signers.find((s) => s.address.toLowerCase() === from.toLowerCase());
  if (signer === undefined) throw new UsageError(`--from "${from}": not an account of the ${options.network} node`);
  return signer;
}

/** Builds the context: environment checks, Hardhat, signer, record. */
export async function connect(options: GlobalOptions, requireRecord = true): Promise<Context> {
  checkNetworkEnvironment(options, true);
  const hre = await loadHardhat(options.network);
  const signer = await resolveSigner(hre, options);
  const record = readDeployment(options.network, deploymentsDir());
  if (requireRecord && record === undefined) {
    throw new UsageError(`--network ${options.network}: no deployment record at ${deploymentPath(options.network, deploymentsDir())}; deploy first`);
  }
  const chainId = (await hre.ethers.provider.getNetwork()).chainId;
  if (requireRecord && record !== undefined) {
    // A record that outlived its chain (a restarted node): say so and what to do, instead of failing to decode "0x".
    const problem = await staleRecordProblem(hre.ethers.provider, record, chainId, deploymentPath(options.network, deploymentsDir()), options.network);
    if (problem !== undefined) throw new CommandError(problem);
  }
  const abis: InterfaceAbi[] = [];
  for (const name of SUITE_CONTRACTS) {
    if (await hre.artifacts.artifactExists(name)) abis.push((await hre.artifacts.readArtifact(name)).abi as InterfaceAbi);
  }
  return {
    hre, options, network: options.network, chainId, live: isLive(options.network),
    signer, from: await signer.getAddress(), record, abis,
  };
}

/** A suite contract from the record, typed by the caller with its TypeChain type. */
export async function suiteContract<T extends BaseContract>(ctx: Context, name: ContractName): Promise<T> {
  const entry = ctx.record?.contracts[name];
  if (entry === undefined) throw new UsageError(`--network ${ctx.network}: the deployment record has no ${name}`);
  const artifact = await ctx.hre.artifacts.readArtifact(name);
  return new Contract(entry.address, artifact.abi as InterfaceAbi, ctx.signer) as unknown as T;
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
