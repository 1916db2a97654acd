/**
 * Deploys and wires the whole suite with Hardhat Ignition (deploy/ignition/modules):
 *
 * - `Dao` (with `Ledger`): the ledger and its parameter roles and settings, the timelock, voting token, governor and
 *   claims registry, their roles, the governor as the ledger's proposal source, and the start of the ledger's
 *   two-step admin transfer to the timelock;
 * - `Handover`, once the ledger's admin-transfer delay has passed: the timelock accepts the ledger's admin, gets its
 *   real delay, and the deployer renounces every role it holds.
 *
 * Ignition's journal (`journal.jsonl` in the deployment folder) makes a run resumable: a re-run skips every future
 * the journal shows done, and finds again a transaction sent before an interruption. The deployment record
 * (`deployments/<network>.json`, read by the commands and the oracle) is derived from Ignition's
 * `deployed_addresses.json` and its transactions after each module.
 */
import fs from "node:fs";
import path from "node:path";
import type { Provider } from "ethers";
import { BrowserProvider, Contract } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { EIP1193Provider, ExecutionEventListener, IgnitionModule } from "@nomicfoundation/ignition-core";
import type { ContractName, DeployedContract, DeploymentRecord } from "../scripts/lib/deployment";
import { ROOT } from "../scripts/lib/paths";
import type { SuiteParameters } from "./parameters";
import { ignitionParameters, parametersForRecord } from "./parameters";
import { daoModule } from "./ignition/modules/Dao";
import { handoverModule } from "./ignition/modules/Handover";
import type { RoleLists } from "./ignition/modules/Ledger";

/** Ignition's future ids of the suite's contracts. */
export const CONTRACT_FUTURES: Record<ContractName, string> = {
  CarbonLedger: "Ledger#CarbonLedger",
  Timelock: "Dao#Timelock",
  VotingToken: "Dao#VotingToken",
  ClimateGovernor: "Dao#ClimateGovernor",
  ClaimsRegistry: "Dao#ClaimsRegistry",
};

/**
 * Ignition's deployment folder of a chain: `ignition/deployments/chain-<id>` (Ignition's default), or under the
 * deployments folder given (tests).
 */
export function ignitionDeploymentDir(chainId: number | bigint, deploymentsDir?: string): string {
  return deploymentsDir === undefined
    ? path.join(ROOT, "ignition", "deployments", `chain-${chainId}`)
    : path.join(deploymentsDir, "ignition", `chain-${chainId}`);
}

export interface DeployOptions {
  hre: HardhatRuntimeEnvironment;
  /** The chain to send to; default the Hardhat network's provider (tests pass one that fails on purpose). */
  provider?: EIP1193Provider;
  /** The deployer's address: an account of the node (local) or of Hardhat's network config (live). */
  deployer: string;
  network: string;
  parameters: SuiteParameters;
  /** Ignition's deployment folder (journal and deployed addresses). */
  deploymentDir: string;
  /** Only the handover of a started deployment (`deploy --finish`). */
  finishOnly?: boolean;
  /** Called with the record after each module (the command writes it to deployments/<network>.json). */
  save?: (record: DeploymentRecord) => void;
  /** Longest wait, in seconds, for the ledger's admin-transfer delay before stopping (then run `deploy --finish`). */
  maxWaitSeconds?: number;
  log: (line: string) => void;
}

export interface DeployResult {
  record: DeploymentRecord;
  /** The handover is done: the timelock holds the ledger's admin and the deployer nothing. */
  complete: boolean;
  /** Futures executed by this run, and those the journal already showed done. */
  ran: string[];
  skipped: string[];
  /** When stopped to wait for the admin-transfer delay: the unix time after which to run `deploy --finish`. */
  waitUntil?: number;
}

const roleLists = (p: SuiteParameters): RoleLists => ({
  registrars: p.ledger.registrars, auditors: p.ledger.auditors, recIssuers: p.ledger.recIssuers, offsetIssuers: p.ledger.offsetIssuers,
});

/** Every future of a module and its submodules. */
function futureIds(module: IgnitionModule): string[] {
  const ids = new Set<string>();
  const visit = (m: IgnitionModule): void => {
    for (const f of m.futures) ids.add(f.id);
    for (const s of m.submodules) visit(s);
  };
  visit(module);
  return [...ids];
}

/** The deployed addresses Ignition recorded in `dir` (future id -> address), empty when none. */
export function ignitionAddresses(dir: string): Record<string, string> {
  const file = path.join(dir, "deployed_addresses.json");
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
}

/** Deploys what the journal does not show done; see the file comment. */
export async function deploySuite(o: DeployOptions): Promise<DeployResult> {
  const { deploy } = await import("@nomicfoundation/ignition-core");
  const { HardhatArtifactResolver, errorDeploymentResultToExceptionMessage } = await import("@nomicfoundation/hardhat-ignition/helpers");
  const provider = o.provider ?? (o.hre.network.provider as EIP1193Provider);
  const artifactResolver = new HardhatArtifactResolver(o.hre);
  const lists = roleLists(o.parameters);
  const deploymentParameters = ignitionParameters(o.parameters);
  const ran: string[] = [];
  const doneBefore = new Set(await doneFutures(o));
  const listener = new Proxy({}, {
    get: (_target, name) => (event: { futureId?: string; result?: { type?: string } }) => {
      if (typeof name === "string" && name.endsWith("ExecutionStateComplete") && event.futureId !== undefined) {
        ran.push(event.futureId);
        o.log(`  ${event.futureId}${event.result?.type === "SUCCESS" ? "" : `: ${event.result?.type ?? "?"}`}`);
      }
    },
  }) as ExecutionEventListener;
  const run = async (module: IgnitionModule, label: string): Promise<void> => {
    const shown = path.relative(process.cwd(), o.deploymentDir);
    o.log(`${label} (Ignition module ${module.id}; journal ${shown.startsWith("..") ? o.deploymentDir : shown})`);
    const result = await deploy({
      config: {}, artifactResolver, provider, executionEventListener: listener, deploymentDir: o.deploymentDir,
      ignitionModule: module, deploymentParameters, accounts: [o.deployer], defaultSender: o.deployer,
    });
    if (result.type !== "SUCCESSFUL_DEPLOYMENT") throw new Error(errorDeploymentResultToExceptionMessage(result));
  };
  const chain = chainProvider(provider);
  const chainId = Number((await chain.getNetwork()).chainId);

  const dao = daoModule(lists);
  if (o.finishOnly === true) {
    if (ignitionAddresses(o.deploymentDir)[CONTRACT_FUTURES.ClaimsRegistry] === undefined) {
      throw new Error(`nothing to finish in ${o.deploymentDir}: run the deploy without --finish first`);
    }
  } else {
    await run(dao, "ledger and DAO");
  }
  let record = await recordFromIgnition(o, chain, chainId);
  o.save?.(record);
  const finished = (): DeployResult => ({
    record, complete: record.completedAt !== undefined, ran, skipped: futureIds(handoverModule(lists)).filter((id) => doneBefore.has(id)),
  });

  // The handover waits for the ledger's admin-transfer delay.
  const ledger = new Contract(record.contracts.CarbonLedger?.address ?? "", [
    "function defaultAdmin() view returns (address)", "function pendingDefaultAdmin() view returns (address, uint48)",
  ], chain);
  const timelock = record.contracts.Timelock?.address ?? "";
  if (((await ledger.getFunction("defaultAdmin")()) as string).toLowerCase() !== timelock.toLowerCase()) {
    const [, acceptAfter] = (await ledger.getFunction("pendingDefaultAdmin")()) as [string, bigint];
    const waitUntil = await waitForChainTime(o, chain, provider, Number(acceptAfter));
    if (waitUntil !== undefined) return { ...finished(), waitUntil };
  }
  await run(handoverModule(lists), "handover: the timelock accepts the ledger's admin; the deployer renounces its roles");
  record = await recordFromIgnition(o, chain, chainId, true);
  o.save?.(record);
  return finished();
}

/** The futures Ignition's journal in `dir` shows done (its `status`). */
async function doneFutures(o: DeployOptions): Promise<string[]> {
  if (!fs.existsSync(path.join(o.deploymentDir, "journal.jsonl"))) return [];
  const { status } = await import("@nomicfoundation/ignition-core");
  const { HardhatArtifactResolver } = await import("@nomicfoundation/hardhat-ignition/helpers");
  return (await status(o.deploymentDir, new HardhatArtifactResolver(o.hre))).successful;
}

/** An ethers provider over the EIP-1193 provider Ignition sends through. */
function chainProvider(provider: EIP1193Provider): Provider {
  return new BrowserProvider(provider as ConstructorParameters<typeof BrowserProvider>[0]);
}

const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));

/**
 * The deployment record of what Ignition deployed: each contract's address (deployed_addresses.json), deployment
 * transaction and constructor arguments (Ignition's transaction list), and block (its receipt).
 */
async function recordFromIgnition(o: DeployOptions, chain: Provider, chainId: number, complete = false): Promise<DeploymentRecord> {
  const { listTransactions } = await import("@nomicfoundation/ignition-core");
  const { HardhatArtifactResolver } = await import("@nomicfoundation/hardhat-ignition/helpers");
  const addresses = ignitionAddresses(o.deploymentDir);
  const transactions = await listTransactions(o.deploymentDir, new HardhatArtifactResolver(o.hre));
  const contracts: Partial<Record<ContractName, DeployedContract>> = {};
  for (const [name, futureId] of Object.entries(CONTRACT_FUTURES) as [ContractName, string][]) {
    const address = addresses[futureId];
    if (address === undefined) continue;
    const tx = transactions.find((t) => t.address?.toLowerCase() === address.toLowerCase());
    const receipt = tx === undefined ? null : await chain.getTransactionReceipt(tx.txHash);
    contracts[name] = {
      address, block: receipt?.blockNumber ?? 0, transaction: tx?.txHash, args: json(tx?.params ?? []) as unknown[],
    };
  }
  return {
    network: o.network, chainId, deployer: o.deployer, contracts, parameters: parametersForRecord(o.parameters),
    ignition: path.relative(ROOT, o.deploymentDir) || o.deploymentDir,
    ...(complete ? { completedAt: new Date().toISOString() } : {}),
  };
}

/**
 * Waits until the chain's time reaches `timestamp` (the ledger's admin-transfer delay) and returns undefined, or
 * returns `timestamp` when that is further away than `maxWaitSeconds` (default 10 minutes): run `deploy --finish`
 * then. The in-process chain's clock is moved instead; a local node gets a block mined once the time has come.
 */
async function waitForChainTime(o: DeployOptions, chain: Provider, provider: EIP1193Provider, timestamp: number): Promise<number | undefined> {
  for (;;) {
    const now = (await chain.getBlock("latest"))?.timestamp ?? 0;
    if (now >= timestamp) return undefined;
    const remaining = timestamp - now;
    if (o.network === "hardhat") {
      await provider.request({ method: "evm_increaseTime", params: [remaining] });
      await provider.request({ method: "evm_mine", params: [] });
      continue;
    }
    if (remaining > (o.maxWaitSeconds ?? 600)) return timestamp;
    o.log(`  waiting ${remaining}s for the ledger's admin-transfer delay`);
    await new Promise((r) => setTimeout(r, Math.min(remaining, 5) * 1000));
    if (o.network === "localhost") await provider.request({ method: "evm_mine", params: [] });
  }
}

/** The deployer's remaining powers (should be none): role names it still holds on the ledger and timelock. */
export async function deployerPowers(provider: Provider, record: DeploymentRecord): Promise<string[]> {
  const { ROLE } = await import("./ignition/modules/roles");
  const held: string[] = [];
  const abi = ["function hasRole(bytes32, address) view returns (bool)", "function pendingDefaultAdmin() view returns (address, uint48)"];
  const ledgerAddress = record.contracts.CarbonLedger?.address;
  const timelockAddress = record.contracts.Timelock?.address;
  const has = (c: Contract, role: string): Promise<boolean> => c.getFunction("hasRole")(role, record.deployer) as Promise<boolean>;
  if (ledgerAddress !== undefined) {
    const ledger = new Contract(ledgerAddress, abi, provider);
    const roles = { DEFAULT_ADMIN_ROLE: ROLE.DEFAULT_ADMIN, REC_ISSUER_ROLE: ROLE.REC_ISSUER, OFFSET_ISSUER_ROLE: ROLE.OFFSET_ISSUER,
      EMISSIONS_AUDITOR_ROLE: ROLE.EMISSIONS_AUDITOR, REVOKER_ROLE: ROLE.REVOKER, PAUSER_ROLE: ROLE.PAUSER, REGISTRAR_ROLE: ROLE.REGISTRAR };
    for (const [name, role] of Object.entries(roles)) if (await has(ledger, role)) held.push(`ledger ${name}`);
    const [pending] = (await ledger.getFunction("pendingDefaultAdmin")()) as [string, bigint];
    if (pending.toLowerCase() === record.deployer.toLowerCase()) held.push("ledger pending admin");
  }
  if (timelockAddress !== undefined) {
    const timelock = new Contract(timelockAddress, abi, provider);
    const roles = { DEFAULT_ADMIN_ROLE: ROLE.DEFAULT_ADMIN, PROPOSER_ROLE: ROLE.PROPOSER, CANCELLER_ROLE: ROLE.CANCELLER, EXECUTOR_ROLE: ROLE.EXECUTOR };
    for (const [name, role] of Object.entries(roles)) if (await has(timelock, role)) held.push(`timelock ${name}`);
  }
  return held;
}
