/**
 * Deploys the climate DAO beside an existing CarbonLedger and wires it so that the timelock ends up holding
 * every power and the deployer none. One function, `wireDao`, run step by step: each step first checks the chain
 * and does nothing if it is already done, so an interrupted wiring resumes by calling `wireDao` again with
 * the addresses deployed so far (`existing`). The same wiring, declared as Hardhat Ignition modules, is what
 * `npm run deploy` runs (deploy/ignition/modules; its journal resumes a deployment): this function serves the
 * in-process fixtures, the gas benchmark and tests.
 *
 * Steps (WIRING_STEPS):
 *  1. deploy-timelock   Timelock(minDelay 0, no proposers, no executors, admin = deployer)
 *  2. deploy-token      VotingToken(name, symbol, holders, amounts, minter = timelock, transferable)
 *  3. deploy-governor   ClimateGovernor(token, timelock, settings..., quadratic)
 *  4. deploy-claims     ClaimsRegistry(ledger, timelock, governor)
 *  5. governor-roles    timelock: PROPOSER_ROLE, CANCELLER_ROLE and EXECUTOR_ROLE to the governor (its only
 *                       executor: an operation runs only through governor.execute, which tells the targets the
 *                       proposal's id; an open executor role, `address(0)`, is revoked if an older wiring granted it)
 *  6. ledger-roles      ledger: OFFSET_ISSUER_ROLE, REC_ISSUER_ROLE, REVOKER_ROLE to the timelock; the governor as
 *                       the ledger's proposal source (revocations and voided retirements name their proposal)
 *  7. ledger-admin      ledger: deployer begins the two-step admin transfer to the timelock; after the ledger's
 *                       admin delay the timelock accepts through an operation the deployer schedules and executes
 *                       (minDelay is still 0; the deployer is a temporary proposer and executor)
 *  8. timelock-delay    timelock: an operation `updateDelay(timelockDelay)` the same way
 *  9. deployer-renounce deployer renounces every role it holds on the timelock and on the ledger
 */
import type { ContractDeployTransaction, Signer } from "ethers";
import { ZeroAddress, id as keccakText } from "ethers";
import type { CarbonLedger, ClaimsRegistry, ClimateGovernor, Timelock, VotingToken } from "../../typechain-types";
import {
  CarbonLedger__factory,
  ClaimsRegistry__factory,
  ClimateGovernor__factory,
  Timelock__factory,
  VotingToken__factory,
} from "../../typechain-types";

export const WIRING_STEPS = [
  "deploy-timelock",
  "deploy-token",
  "deploy-governor",
  "deploy-claims",
  "governor-roles",
  "ledger-roles",
  "ledger-admin",
  "timelock-delay",
  "deployer-renounce",
] as const;
export type WiringStep = (typeof WIRING_STEPS)[number];

export interface DaoParameters {
  /** The CarbonLedger; the deployer must be its admin (or the timelock already is). */
  ledger: string;
  token: { name: string; symbol: string; holders: string[]; amounts: bigint[]; transferable: boolean };
  governor: {
    /** Seconds from proposal to snapshot. */
    votingDelay: bigint;
    /** Seconds of voting. */
    votingPeriod: bigint;
    /** Votes (token units) needed to propose. */
    proposalThreshold: bigint;
    /** Percent of supply. */
    quorumNumerator: bigint;
    /** Seconds a vote stays open after a late quorum. */
    lateQuorumExtension: bigint;
    quadratic: boolean;
  };
  /** The timelock's minimum delay after wiring, in seconds. */
  timelockDelay: bigint;
}

export interface DaoAddresses {
  timelock?: string;
  token?: string;
  governor?: string;
  claims?: string;
}

export interface WiringOptions {
  /** Contracts deployed by an earlier, interrupted run. */
  existing?: DaoAddresses;
  /** Called after each step (done now or found done), with all addresses known so far; persist them here. */
  onStep?: (step: WiringStep, addresses: DaoAddresses, changed: boolean) => void | Promise<void>;
  /**
   * Waits until the next block's time will be past `timestamp` (the ledger's admin transfer delay). Default:
   * polls the latest block every 5 s until its time reaches `timestamp` (the next block is then later).
   */
  waitUntil?: (timestamp: bigint) => Promise<void>;
}

export interface DaoContracts {
  ledger: CarbonLedger;
  timelock: Timelock;
  token: VotingToken;
  governor: ClimateGovernor;
  claims: ClaimsRegistry;
}

const ZERO_SALT = "0x" + "00".repeat(32);
const ACCEPT_SALT = keccakText("climate-dao/wiring/accept-ledger-admin");
const DELAY_SALT = keccakText("climate-dao/wiring/timelock-delay");

async function mined(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
}


/** Deploys and wires the DAO (see the file comment); returns the contracts connected to `deployer`. */
export async function wireDao(deployer: Signer, params: DaoParameters, options: WiringOptions = {}): Promise<DaoContracts> {
  const me = await deployer.getAddress();
  const addresses: DaoAddresses = { ...options.existing };
  const report = async (step: WiringStep, changed: boolean) => {
    if (options.onStep) await options.onStep(step, { ...addresses }, changed);
  };
  const provider = deployer.provider;
  if (provider === null) throw new Error("wireDao: the deployer signer has no provider");
  const waitUntil =
    options.waitUntil ??
    (async (timestamp: bigint) => {
      for (;;) {
        const block = await provider.getBlock("latest");
        if (block !== null && BigInt(block.timestamp) >= timestamp) return;
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    });

  const ledger = CarbonLedger__factory.connect(params.ledger, deployer);
  const deploy = async (_contract: keyof DaoAddresses, deployment: () => Promise<ContractDeployTransaction>): Promise<string> => {
    const receipt = await (await deployer.sendTransaction(await deployment())).wait();
    if (receipt === null || receipt.status !== 1 || receipt.contractAddress === null) throw new Error("wireDao: a deployment failed");
    return receipt.contractAddress;
  };

  // 1-4: deployments
  let changed = addresses.timelock === undefined;
  if (addresses.timelock === undefined) {
    addresses.timelock = await deploy("timelock", () =>
      new Timelock__factory(deployer).getDeployTransaction(0, [], [], me),
    );
  }
  const timelock = Timelock__factory.connect(addresses.timelock, deployer);
  await report("deploy-timelock", changed);

  changed = addresses.token === undefined;
  if (addresses.token === undefined) {
    const t = params.token;
    const minter = addresses.timelock;
    addresses.token = await deploy("token", () =>
      new VotingToken__factory(deployer).getDeployTransaction(
        t.name, t.symbol, t.holders, t.amounts, minter, t.transferable,
      ),
    );
  }
  const token = VotingToken__factory.connect(addresses.token, deployer);
  await report("deploy-token", changed);

  changed = addresses.governor === undefined;
  if (addresses.governor === undefined) {
    const g = params.governor;
    const [tokenAddress, timelockAddress] = [addresses.token, addresses.timelock];
    addresses.governor = await deploy("governor", () =>
      new ClimateGovernor__factory(deployer).getDeployTransaction(
        tokenAddress, timelockAddress, g.votingDelay, g.votingPeriod, g.proposalThreshold,
        g.quorumNumerator, g.lateQuorumExtension, g.quadratic,
      ),
    );
  }
  const governor = ClimateGovernor__factory.connect(addresses.governor, deployer);
  await report("deploy-governor", changed);

  changed = addresses.claims === undefined;
  if (addresses.claims === undefined) {
    const [timelockAddress, governorAddress] = [addresses.timelock, addresses.governor];
    addresses.claims = await deploy("claims", () =>
      new ClaimsRegistry__factory(deployer).getDeployTransaction(params.ledger, timelockAddress, governorAddress),
    );
  }
  const claims = ClaimsRegistry__factory.connect(addresses.claims, deployer);
  await report("deploy-claims", changed);

  // 5: the governor proposes, cancels and executes on the timelock; nobody else executes
  changed = false;
  const executor = await timelock.EXECUTOR_ROLE();
  for (const role of [await timelock.PROPOSER_ROLE(), await timelock.CANCELLER_ROLE(), executor]) {
    if (!(await timelock.hasRole(role, addresses.governor))) {
      await mined(timelock.grantRole(role, addresses.governor));
      changed = true;
    }
  }
  if (await timelock.hasRole(executor, ZeroAddress)) {
    await mined(timelock.revokeRole(executor, ZeroAddress));
    changed = true;
  }
  await report("governor-roles", changed);

  // 6: the timelock issues offsets and RECs and revokes
  changed = false;
  for (const role of [await ledger.OFFSET_ISSUER_ROLE(), await ledger.REC_ISSUER_ROLE(), await ledger.REVOKER_ROLE()]) {
    if (!(await ledger.hasRole(role, addresses.timelock))) {
      await mined(ledger.grantRole(role, addresses.timelock));
      changed = true;
    }
  }
  if ((await ledger.proposalSource()) !== addresses.governor) {
    await mined(ledger.setProposalSource(addresses.governor));
    changed = true;
  }
  await report("ledger-roles", changed);

  // 7: ledger admin -> timelock (two steps); 8: the real timelock delay
  const runAsTimelock = async (target: string, data: string, salt: string): Promise<boolean> => {
    const opId = await timelock.hashOperation(target, 0, data, ZERO_SALT, salt);
    if (await timelock.isOperationDone(opId)) return false;
    for (const role of [await timelock.PROPOSER_ROLE(), await timelock.EXECUTOR_ROLE()]) {
      if (!(await timelock.hasRole(role, me))) await mined(timelock.grantRole(role, me));
    }
    if (!(await timelock.isOperation(opId))) await mined(timelock.schedule(target, 0, data, ZERO_SALT, salt, 0));
    await mined(timelock.execute(target, 0, data, ZERO_SALT, salt));
    return true;
  };

  changed = false;
  if ((await ledger.defaultAdmin()) !== addresses.timelock) {
    const [pending, schedule] = await ledger.pendingDefaultAdmin();
    let acceptAfter = schedule;
    if (pending !== addresses.timelock) {
      await mined(ledger.beginDefaultAdminTransfer(addresses.timelock));
      [, acceptAfter] = await ledger.pendingDefaultAdmin();
    }
    await waitUntil(acceptAfter);
    const data = ledger.interface.encodeFunctionData("acceptDefaultAdminTransfer");
    await runAsTimelock(params.ledger, data, ACCEPT_SALT);
    changed = true;
  }
  await report("ledger-admin", changed);

  changed = false;
  if ((await timelock.getMinDelay()) !== params.timelockDelay) {
    const data = timelock.interface.encodeFunctionData("updateDelay", [params.timelockDelay]);
    changed = await runAsTimelock(addresses.timelock, data, DELAY_SALT);
  }
  await report("timelock-delay", changed);

  // 9: the deployer keeps nothing
  changed = false;
  const timelockRoles = [
    await timelock.PROPOSER_ROLE(), await timelock.CANCELLER_ROLE(), await timelock.EXECUTOR_ROLE(),
    await timelock.DEFAULT_ADMIN_ROLE(),
  ];
  for (const role of timelockRoles) {
    if (await timelock.hasRole(role, me)) {
      await mined(timelock.renounceRole(role, me));
      changed = true;
    }
  }
  const ledgerRoles = [
    await ledger.REC_ISSUER_ROLE(), await ledger.OFFSET_ISSUER_ROLE(), await ledger.EMISSIONS_AUDITOR_ROLE(),
    await ledger.REVOKER_ROLE(), await ledger.PAUSER_ROLE(), await ledger.REGISTRAR_ROLE(),
  ];
  for (const role of ledgerRoles) {
    if (await ledger.hasRole(role, me)) {
      await mined(ledger.renounceRole(role, me));
      changed = true;
    }
  }
  await report("deployer-renounce", changed);

  return { ledger, timelock, token, governor, claims };
}
