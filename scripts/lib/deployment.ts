/**
 * The deployment record of a network: `deployments/<network>.json`, derived by the deploy command from Hardhat
 * Ignition's deployed addresses and read by every command and the oracle, so nobody pastes addresses.
 */
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./paths";

export const DEPLOYMENTS_DIR = path.join(ROOT, "deployments");

/** The deployments folder in use: DEPLOYMENTS_DIR, or NES_DEPLOYMENTS_DIR where tests point at a temporary one. */
export function deploymentsDirInUse(): string {
  const dir = process.env["NES_DEPLOYMENTS_DIR"];
  return dir === undefined || dir.trim() === "" ? DEPLOYMENTS_DIR : dir;
}

export interface DeployedContract {
  address: string;
  /** Block of the deployment transaction (where log queries start). */
  block: number;
  /** Hash of the deployment transaction. */
  transaction?: string;
  /** Constructor arguments as JSON values (integers as decimal strings), for explorer verification. */
  args?: unknown[];
}

export interface DeploymentRecord {
  network: string;
  chainId: number;
  deployer: string;
  contracts: Partial<Record<ContractName, DeployedContract>>;
  parameters: Record<string, unknown>;
  /** Hardhat Ignition's deployment folder (journal, deployed addresses) this record is derived from. */
  ignition?: string;
  /** When the deployment finished (ISO 8601): the handover is done and the deployer holds nothing. */
  completedAt?: string;
}

export type ContractName = "CarbonLedger" | "VotingToken" | "ClimateGovernor" | "Timelock" | "ClaimsRegistry";

export function deploymentPath(network: string, dir = DEPLOYMENTS_DIR): string {
  return path.join(dir, `${network}.json`);
}

/** The record of `network`, or undefined when none was written. */
export function readDeployment(network: string, dir = DEPLOYMENTS_DIR): DeploymentRecord | undefined {
  const file = deploymentPath(network, dir);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as DeploymentRecord;
}

/** Writes atomically (temp file + rename), so an interrupted write never leaves half a record. */
export function writeDeployment(record: DeploymentRecord, dir = DEPLOYMENTS_DIR): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = deploymentPath(record.network, dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2) + "\n");
  fs.renameSync(tmp, file);
}

/** The address of `name` on `network`, or a message naming what is missing. */
export function contractAddress(network: string, name: ContractName, dir = DEPLOYMENTS_DIR): string {
  const record = readDeployment(network, dir);
  if (record === undefined) {
    throw new Error(`no deployment record for network "${network}" (${deploymentPath(network, dir)}); deploy first`);
  }
  const entry = record.contracts[name];
  if (entry === undefined) throw new Error(`the deployment record of "${network}" has no ${name}`);
  return entry.address;
}
