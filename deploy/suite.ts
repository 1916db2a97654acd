/**
 * Deploys and wires the whole suite as resumable steps: ledger, timelock, voting token, governor, claims registry;
 * roles as ../shared/DESIGN.md says; ledger admin handed to the timelock with the two-step transfer; the deployer
 * keeps nothing.
 *
 * The record (`deployments/<network>.json`) lists finished steps and deployed addresses and is saved after each
 * step (and before waiting for each deployment transaction), so re-running after an interruption skips what is
 * done and never redeploys an existing contract. Wiring steps check the chain before each transaction.
 */
import type { Signer, TransactionReceipt } from "ethers";
import { ZeroAddress, ZeroHash, id as keccakId } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { CarbonLedger, Timelock } from "../typechain-types";
import type { ContractName, DeploymentRecord } from "../scripts/lib/deployment";
import type { SuiteParameters } from "./parameters";
import { parametersForRecord } from "./parameters";

/** The steps, in order. Their names are stored in the record. */
export const STEPS = [
  "deploy-ledger",
  "deploy-timelock",
  "deploy-voting-token",
  "deploy-governor",
  "deploy-claims-registry",
  "ledger-roles",
  "ledger-settings",
  "timelock-roles",
  "begin-admin-transfer",
  "accept-admin-transfer",
  "renounce-deployer",
] as const;
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

/** Salt of the timelock operation that accepts the ledger admin role, fixed so a resumed run finds it. */
export const HANDOVER_SALT = keccakId("net-emissions-suite/handover/v1");

const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));

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
  record.steps ??= [];
  const done = new Set(record.steps);
  const ran: StepName[] = [];
  const skipped: StepName[] = [];

  const address = (name: ContractName): string => {
    const entry = record.contracts[name];
    if (entry === undefined) throw new Error(`${name} is not deployed yet`);
    return entry.address;
  };
  const at = async <T>(name: ContractName): Promise<T> =>
    (await ethers.getContractAt(name, address(name), deployer)) as unknown as T;
  const wait = async (tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<void> => {
    const receipt = await (await tx).wait();
    if (receipt === null || receipt.status !== 1) throw new Error("a deployment transaction failed");
  };

  /** Deploys `name` once: records the pending hash first, so a resumed run picks up a sent deployment. */
  async function deployContract(name: ContractName, args: unknown[]): Promise<void> {
    if (record.contracts[name] !== undefined) return;
    let hash = record.pending?.[name];
    let receipt: TransactionReceipt | null = hash === undefined ? null : await ethers.provider.getTransactionReceipt(hash);
    if (hash !== undefined && receipt === null) {
      const pendingTx = await ethers.provider.getTransaction(hash);
      if (pendingTx !== null) receipt = await pendingTx.wait();
    }
    if (receipt === null || receipt.status !== 1 || receipt.contractAddress === null) {
      const factory = await ethers.getContractFactory(name, deployer);
      const request = await factory.getDeployTransaction(...args);
      const sent = await deployer.sendTransaction(request);
      hash = sent.hash;
      record.pending = { ...record.pending, [name]: hash };
      o.save(record);
      receipt = await sent.wait();
    }
    if (receipt === null || receipt.status !== 1 || receipt.contractAddress === null) throw new Error(`deploying ${name} failed`);
    record.contracts[name] = { address: receipt.contractAddress, block: receipt.blockNumber, transaction: receipt.hash, args: json(args) as unknown[] };
    if (record.pending !== undefined) delete record.pending[name];
    o.log(`  ${name} at ${receipt.contractAddress} (block ${receipt.blockNumber})`);
  }

  async function grantIfMissing(contract: CarbonLedger | Timelock, role: string, account: string): Promise<void> {
    if (!(await contract.hasRole(role, account))) await wait(contract.grantRole(role, account));
  }

  /** Waits for the ledger's admin-transfer schedule; undefined when it passed, else the time to re-run. */
  async function adminScheduleWait(ledger: CarbonLedger): Promise<number | undefined> {
    const [, schedule] = await ledger.pendingDefaultAdmin();
    for (;;) {
      const block = await ethers.provider.getBlock("latest");
      const now = block?.timestamp ?? 0;
      if (now > Number(schedule)) return undefined;
      const remaining = Number(schedule) - now + 1;
      if (remaining > (o.maxWaitSeconds ?? 600)) return Number(schedule) + 1;
      if (o.network === "hardhat") {
        // The in-process chain lives only for this run: move its clock instead of waiting.
        await ethers.provider.send("evm_increaseTime", [remaining]);
        await ethers.provider.send("evm_mine", []);
        continue;
      }
      o.log(`  waiting ${remaining}s for the ledger's admin-transfer delay`);
      await new Promise((r) => setTimeout(r, Math.min(remaining, 15) * 1000));
      if (o.network === "localhost") await ethers.provider.send("evm_mine", []);
    }
  }

  const steps: Record<StepName, () => Promise<number | undefined | void>> = {
    "deploy-ledger": () => deployContract("CarbonLedger", [deployerAddress, p.ledger.adminTransferDelay]),
    // minDelay 0 while wiring; the handover operation sets the real delay (only the timelock itself can).
    "deploy-timelock": () => deployContract("Timelock", [0, [], [], deployerAddress]),
    "deploy-voting-token": () => deployContract("VotingToken", [
      p.votingToken.name, p.votingToken.symbol, p.votingToken.holders.map((h) => h.account),
      p.votingToken.holders.map((h) => h.amount), address("Timelock"), p.votingToken.transferable,
    ]),
    "deploy-governor": () => deployContract("ClimateGovernor", [
      address("VotingToken"), address("Timelock"), p.governor.votingDelay, p.governor.votingPeriod,
      p.governor.proposalThreshold, p.governor.quorumPercent, p.governor.lateQuorumExtension, p.governor.quadratic,
    ]),
    "deploy-claims-registry": () => deployContract("ClaimsRegistry", [address("CarbonLedger"), address("Timelock"), address("ClimateGovernor")]),
    "ledger-roles": async () => {
      const ledger = await at<CarbonLedger>("CarbonLedger");
      const timelock = address("Timelock");
      const grants: [string, string][] = [
        [await ledger.OFFSET_ISSUER_ROLE(), timelock],
        [await ledger.REC_ISSUER_ROLE(), timelock],
        [await ledger.REVOKER_ROLE(), timelock],
        [await ledger.PAUSER_ROLE(), p.ledger.guardian],
      ];
      for (const a of p.ledger.registrars) grants.push([await ledger.REGISTRAR_ROLE(), a]);
      for (const a of p.ledger.auditors) grants.push([await ledger.EMISSIONS_AUDITOR_ROLE(), a]);
      for (const a of p.ledger.recIssuers) grants.push([await ledger.REC_ISSUER_ROLE(), a]);
      for (const a of p.ledger.offsetIssuers) grants.push([await ledger.OFFSET_ISSUER_ROLE(), a]);
      for (const [role, account] of grants) await grantIfMissing(ledger, role, account);
    },
    "ledger-settings": async () => {
      const ledger = await at<CarbonLedger>("CarbonLedger");
      if ((await ledger.limitedMode()) !== p.ledger.limitedMode) await wait(ledger.setLimitedMode(p.ledger.limitedMode));
      if (Number(await ledger.attestationThreshold()) !== p.ledger.attestationThreshold) {
        await wait(ledger.setAttestationThreshold(p.ledger.attestationThreshold));
      }
    },
    "timelock-roles": async () => {
      const timelock = await at<Timelock>("Timelock");
      const governor = address("ClimateGovernor");
      await grantIfMissing(timelock, await timelock.PROPOSER_ROLE(), governor);
      await grantIfMissing(timelock, await timelock.CANCELLER_ROLE(), governor);
      await grantIfMissing(timelock, await timelock.EXECUTOR_ROLE(), ZeroAddress); // anyone executes
    },
    "begin-admin-transfer": async () => {
      const ledger = await at<CarbonLedger>("CarbonLedger");
      const timelock = address("Timelock");
      const [pending] = await ledger.pendingDefaultAdmin();
      if ((await ledger.defaultAdmin()) !== timelock && pending !== timelock) await wait(ledger.beginDefaultAdminTransfer(timelock));
    },
    "accept-admin-transfer": async () => {
      const ledger = await at<CarbonLedger>("CarbonLedger");
      const timelock = await at<Timelock>("Timelock");
      if ((await ledger.defaultAdmin()) === address("Timelock") && (await timelock.getMinDelay()) === BigInt(p.timelock.minDelay)) return;
      const waitUntil = await adminScheduleWait(ledger);
      if (waitUntil !== undefined) return waitUntil;
      // One timelock operation, with delay 0 while the timelock's delay is still 0: the timelock accepts the
      // ledger admin role, then sets its own minimum delay to the parameter.
      const targets = [address("CarbonLedger"), address("Timelock")];
      const calldatas = [
        ledger.interface.encodeFunctionData("acceptDefaultAdminTransfer"),
        timelock.interface.encodeFunctionData("updateDelay", [p.timelock.minDelay]),
      ];
      const values = [0, 0];
      const operation = await timelock.hashOperationBatch(targets, values, calldatas, ZeroHash, HANDOVER_SALT);
      const proposer = await timelock.PROPOSER_ROLE();
      if (!(await timelock.isOperation(operation))) {
        await grantIfMissing(timelock, proposer, deployerAddress);
        await wait(timelock.scheduleBatch(targets, values, calldatas, ZeroHash, HANDOVER_SALT, 0));
      }
      if (!(await timelock.isOperationDone(operation))) await wait(timelock.executeBatch(targets, values, calldatas, ZeroHash, HANDOVER_SALT));
    },
    "renounce-deployer": async () => {
      const timelock = await at<Timelock>("Timelock");
      for (const role of [await timelock.PROPOSER_ROLE(), await timelock.CANCELLER_ROLE(), await timelock.EXECUTOR_ROLE(), await timelock.DEFAULT_ADMIN_ROLE()]) {
        if (await timelock.hasRole(role, deployerAddress)) await wait(timelock.renounceRole(role, deployerAddress));
      }
    },
  };

  for (const step of STEPS) {
    if (done.has(step)) {
      skipped.push(step);
      continue;
    }
    if (o.stopAfter !== undefined && record.steps.length >= o.stopAfter) {
      o.log(`stopped after ${record.steps.length} steps (DEPLOY_STOP_AFTER); re-run to resume`);
      return { record, complete: false, ran, skipped };
    }
    o.log(`step ${STEPS.indexOf(step) + 1}/${STEPS.length}: ${step}`);
    const waitUntil = await steps[step]();
    if (typeof waitUntil === "number") {
      o.log(`the ledger's admin-transfer delay ends at ${new Date(waitUntil * 1000).toISOString()}; re-run the deploy after that`);
      return { record, complete: false, ran, skipped, waitUntil };
    }
    record.steps.push(step);
    done.add(step);
    ran.push(step);
    o.save(record);
  }
  record.completedAt ??= new Date().toISOString();
  o.save(record);
  return { record, complete: true, ran, skipped };
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
