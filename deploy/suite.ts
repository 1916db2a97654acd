/**
 * Deploys and wires the whole suite as resumable steps: the ledger with the roles and settings of the network's
 * parameters, then the DAO through scripts/governance/wiring.ts (timelock, voting token, governor, claims registry;
 * the governor as the timelock's only proposer, canceller and executor; the ledger's admin handed to the timelock with the
 * two-step transfer; the deployer keeps nothing).
 *
 * The record (`deployments/<network>.json`) lists finished steps and deployed addresses and is saved after each
 * step, so re-running after an interruption skips what is done and never redeploys a recorded contract. The
 * ledger's deployment transaction is recorded before it is mined (`pending`), so even an interruption while it
 * is in flight does not deploy a second ledger. Every wiring step checks the chain before it sends anything.
 */
import type { Signer, TransactionReceipt } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { CarbonLedger, Timelock } from "../typechain-types";
import type { ContractName, DeploymentRecord } from "../scripts/lib/deployment";
import type { DaoAddresses, DaoParameters, WiringStep } from "../scripts/governance/wiring";
import type { SuiteParameters } from "./parameters";
import { parametersForRecord } from "./parameters";

/** The wiring steps of scripts/governance/wiring.ts (WIRING_STEPS), in order. */
const DAO_STEPS = [
  "deploy-timelock", "deploy-token", "deploy-governor", "deploy-claims", "governor-roles", "ledger-roles", "ledger-admin",
  "timelock-delay", "deployer-renounce",
] as const satisfies readonly WiringStep[];

/** The steps, in order. Their names are stored in the record. */
export const STEPS = ["deploy-ledger", "ledger-parameter-roles", "ledger-settings", ...DAO_STEPS] as const;
export type StepName = (typeof STEPS)[number];

export interface DeployOptions {
  hre: HardhatRuntimeEnvironment;
  deployer: Signer;
  network: string;
  parameters: SuiteParameters;
  /** The record so far (resume), or undefined for a fresh deployment. */
  record: DeploymentRecord | undefined;
  save: (record: DeploymentRecord) => void;
  /** Stop once this many steps are done (simulates an interruption; env DEPLOY_STOP_AFTER in the CLI). */
  stopAfter?: number;
  /** Longest wait, in seconds, for the ledger's admin-transfer delay; longer waits stop (re-run later). */
  maxWaitSeconds?: number;
  log: (line: string) => void;
}

export interface DeployResult {
  record: DeploymentRecord;
  complete: boolean;
  ran: StepName[];
  skipped: StepName[];
  /** When stopped to wait for the admin-transfer delay: the unix time after which to re-run. */
  waitUntil?: number;
}

/** Thrown from the wiring's step callback to stop a run: after `stopAfter` steps, or before a long wait. */
class Stop extends Error {
  constructor(readonly waitUntil?: number) {
    super("deployment stopped");
  }
}

const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));

/** The wiring's parameters from the network's parameters. */
export function daoParameters(ledger: string, p: SuiteParameters): DaoParameters {
  return {
    ledger,
    token: {
      name: p.votingToken.name, symbol: p.votingToken.symbol, holders: p.votingToken.holders.map((h) => h.account),
      amounts: p.votingToken.holders.map((h) => h.amount), transferable: p.votingToken.transferable,
    },
    governor: {
      votingDelay: BigInt(p.governor.votingDelay), votingPeriod: BigInt(p.governor.votingPeriod),
      proposalThreshold: p.governor.proposalThreshold, quorumNumerator: BigInt(p.governor.quorumPercent),
      lateQuorumExtension: BigInt(p.governor.lateQuorumExtension), quadratic: p.governor.quadratic,
    },
    timelockDelay: BigInt(p.timelock.minDelay),
  };
}

export async function deploySuite(o: DeployOptions): Promise<DeployResult> {
  const { hre, deployer, parameters: p } = o;
  const ethers = hre.ethers;
  const deployerAddress = await deployer.getAddress();
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const record: DeploymentRecord = o.record ?? {
    network: o.network, chainId, deployer: deployerAddress, contracts: {}, parameters: parametersForRecord(p), steps: [],
  };
  if (record.chainId !== chainId) throw new Error(`the record of ${o.network} is for chain ${record.chainId}, the node is chain ${chainId}`);
  if (record.deployer.toLowerCase() !== deployerAddress.toLowerCase()) {
    throw new Error(`this deployment was started by ${record.deployer}; resume it with that account`);
  }
  const steps = (record.steps ??= []);
  const ran: StepName[] = [];
  const skipped: StepName[] = STEPS.filter((s) => steps.includes(s));
  const finish = (step: StepName): void => {
    if (!steps.includes(step)) {
      steps.push(step);
      ran.push(step);
    }
    o.save(record);
    if (o.stopAfter !== undefined && steps.length >= o.stopAfter && steps.length < STEPS.length) {
      o.log(`stopped after ${steps.length} steps (DEPLOY_STOP_AFTER); re-run to resume`);
      throw new Stop();
    }
  };
  const mined = async (tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<void> => {
    const receipt = await (await tx).wait();
    if (receipt === null || receipt.status !== 1) throw new Error("a deployment transaction failed");
  };

  try {
    // 1. The ledger, its deployment transaction recorded before it is mined.
    if (!steps.includes("deploy-ledger")) {
      o.log(`step 1/${STEPS.length}: deploy-ledger`);
      await deployLedger(o, record, deployerAddress);
      finish("deploy-ledger");
    }
    const ledgerAddress = record.contracts.CarbonLedger?.address ?? "";
    const ledger = (await ethers.getContractAt("CarbonLedger", ledgerAddress, deployer)) as unknown as CarbonLedger;

    // 2-3. The parameters' roles and settings, while the deployer is still the ledger's admin.
    if (!steps.includes("ledger-parameter-roles")) {
      o.log(`step 2/${STEPS.length}: ledger-parameter-roles`);
      const grants: [string, string][] = [[await ledger.PAUSER_ROLE(), p.ledger.guardian]];
      for (const a of p.ledger.registrars) grants.push([await ledger.REGISTRAR_ROLE(), a]);
      for (const a of p.ledger.auditors) grants.push([await ledger.EMISSIONS_AUDITOR_ROLE(), a]);
      for (const a of p.ledger.recIssuers) grants.push([await ledger.REC_ISSUER_ROLE(), a]);
      for (const a of p.ledger.offsetIssuers) grants.push([await ledger.OFFSET_ISSUER_ROLE(), a]);
      for (const [role, account] of grants) if (!(await ledger.hasRole(role, account))) await mined(ledger.grantRole(role, account));
      finish("ledger-parameter-roles");
    }
    if (!steps.includes("ledger-settings")) {
      o.log(`step 3/${STEPS.length}: ledger-settings`);
      if ((await ledger.limitedMode()) !== p.ledger.limitedMode) await mined(ledger.setLimitedMode(p.ledger.limitedMode));
      if (Number(await ledger.attestationThreshold()) !== p.ledger.attestationThreshold) {
        await mined(ledger.setAttestationThreshold(p.ledger.attestationThreshold));
      }
      finish("ledger-settings");
    }

    // 4-12. The DAO, by the wiring's idempotent steps; each reported step is recorded.
    if (!DAO_STEPS.every((s) => steps.includes(s))) {
      const { wireDao } = await import("../scripts/governance/wiring");
      const names: Record<keyof DaoAddresses, ContractName> = {
        timelock: "Timelock", token: "VotingToken", governor: "ClimateGovernor", claims: "ClaimsRegistry",
      };
      const params = daoParameters(ledgerAddress, p);
      const existing: DaoAddresses = {
        timelock: record.contracts.Timelock?.address, token: record.contracts.VotingToken?.address,
        governor: record.contracts.ClimateGovernor?.address, claims: record.contracts.ClaimsRegistry?.address,
      };
      await wireDao(deployer, params, {
        existing,
        pending: {
          timelock: record.pending?.Timelock, token: record.pending?.VotingToken,
          governor: record.pending?.ClimateGovernor, claims: record.pending?.ClaimsRegistry,
        },
        onSent: (contract, hash) => {
          record.pending = { ...record.pending, [names[contract]]: hash };
          o.save(record);
        },
        waitUntil: (timestamp) => waitForChainTime(o, timestamp),
        onStep: async (step, addresses) => {
          // The heading first: the addresses this step deployed belong under it.
          if (!steps.includes(step)) o.log(`step ${STEPS.indexOf(step) + 1}/${STEPS.length}: ${step}`);
          await recordAddresses(o, record, addresses, params, deployerAddress);
          finish(step);
        },
      });
    }
  } catch (error) {
    if (error instanceof Stop) return { record, complete: false, ran, skipped, waitUntil: error.waitUntil };
    throw error;
  }
  record.completedAt ??= new Date().toISOString();
  o.save(record);
  return { record, complete: true, ran, skipped };
}

/** Deploys the ledger once: a sent deployment is found again by its recorded hash. */
async function deployLedger(o: DeployOptions, record: DeploymentRecord, deployerAddress: string): Promise<void> {
  const { deployOnce } = await import("../scripts/lib/deploy-once");
  const args: [string, number] = [deployerAddress, o.parameters.ledger.adminTransferDelay];
  const factory = await o.hre.ethers.getContractFactory("CarbonLedger", o.deployer);
  const receipt = await deployOnce(o.deployer, record.pending?.CarbonLedger, () => factory.getDeployTransaction(...args), (hash) => {
    record.pending = { ...record.pending, CarbonLedger: hash };
    o.save(record);
  });
  record.contracts.CarbonLedger = { address: receipt.contractAddress, block: receipt.blockNumber, transaction: receipt.hash, args: json(args) as unknown[] };
  if (record.pending !== undefined) delete record.pending.CarbonLedger;
  o.log(`  CarbonLedger at ${receipt.contractAddress} (block ${receipt.blockNumber})`);
}

/**
 * Records the DAO contracts the wiring reported, with their constructor arguments (as scripts/governance/wiring.ts
 * passes them) for explorer verification, and the block where log queries start.
 */
async function recordAddresses(
  o: DeployOptions, record: DeploymentRecord, a: DaoAddresses, params: DaoParameters, deployerAddress: string,
): Promise<void> {
  const args: Record<string, [ContractName, string | undefined, unknown[]]> = {
    timelock: ["Timelock", a.timelock, [0, [], [], deployerAddress]],
    token: ["VotingToken", a.token, [params.token.name, params.token.symbol, params.token.holders, params.token.amounts, a.timelock, params.token.transferable]],
    governor: ["ClimateGovernor", a.governor, [
      a.token, a.timelock, params.governor.votingDelay, params.governor.votingPeriod, params.governor.proposalThreshold,
      params.governor.quorumNumerator, params.governor.lateQuorumExtension, params.governor.quadratic,
    ]],
    claims: ["ClaimsRegistry", a.claims, [params.ledger, a.timelock, a.governor]],
  };
  for (const [name, address, constructorArgs] of Object.values(args)) {
    if (address === undefined || record.contracts[name] !== undefined) continue;
    // Reported right after its deployment was mined: the latest block is its block (or just after it).
    const block = await o.hre.ethers.provider.getBlockNumber();
    record.contracts[name] = { address, block, args: json(constructorArgs) as unknown[] };
    if (record.pending !== undefined) delete record.pending[name];
    o.log(`  ${name} at ${address}`);
  }
}

/** Waits until the chain's time reaches `timestamp` (the ledger's admin-transfer delay), or stops the run. */
async function waitForChainTime(o: DeployOptions, timestamp: bigint): Promise<void> {
  const provider = o.hre.ethers.provider;
  for (;;) {
    const now = BigInt((await provider.getBlock("latest"))?.timestamp ?? 0);
    if (now >= timestamp) return;
    const remaining = Number(timestamp - now);
    if (o.network === "hardhat") {
      // The in-process chain lives only for this run: move its clock instead of waiting.
      await provider.send("evm_increaseTime", [remaining]);
      await provider.send("evm_mine", []);
      continue;
    }
    if (remaining > (o.maxWaitSeconds ?? 600)) {
      o.log(`the ledger's admin-transfer delay ends at ${new Date(Number(timestamp) * 1000).toISOString()}; re-run the deploy after that`);
      throw new Stop(Number(timestamp));
    }
    o.log(`  waiting ${remaining}s for the ledger's admin-transfer delay`);
    await new Promise((r) => setTimeout(r, Math.min(remaining, 5) * 1000));
    if (o.network === "localhost") await provider.send("evm_mine", []);
  }
}

/** The deployer's remaining powers (should be none): role names it still holds on the ledger and timelock. */
export async function deployerPowers(hre: HardhatRuntimeEnvironment, record: DeploymentRecord): Promise<string[]> {
  const held: string[] = [];
  const ledgerAddress = record.contracts.CarbonLedger?.address;
  const timelockAddress = record.contracts.Timelock?.address;
  if (ledgerAddress !== undefined) {
    const ledger = (await hre.ethers.getContractAt("CarbonLedger", ledgerAddress)) as unknown as CarbonLedger;
    for (const name of ["DEFAULT_ADMIN_ROLE", "REC_ISSUER_ROLE", "OFFSET_ISSUER_ROLE", "EMISSIONS_AUDITOR_ROLE", "REVOKER_ROLE", "PAUSER_ROLE", "REGISTRAR_ROLE"]) {
      const role = (await ledger.getFunction(name).staticCall()) as string;
      if (await ledger.hasRole(role, record.deployer)) held.push(`ledger ${name}`);
    }
    const [pending] = await ledger.pendingDefaultAdmin();
    if (pending === record.deployer) held.push("ledger pending admin");
  }
  if (timelockAddress !== undefined) {
    const timelock = (await hre.ethers.getContractAt("Timelock", timelockAddress)) as unknown as Timelock;
    for (const name of ["DEFAULT_ADMIN_ROLE", "PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"]) {
      const role = (await timelock.getFunction(name).staticCall()) as string;
      if (await timelock.hasRole(role, record.deployer)) held.push(`timelock ${name}`);
    }
  }
  return held;
}
