import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { EIP1193Provider } from "@nomicfoundation/ignition-core";
import type { CarbonLedger, ClaimsRegistry, ClimateGovernor, Timelock, VotingToken } from "../../typechain-types";
import { deployerPowers, deploySuite, ignitionAddresses } from "../../deploy/suite";
import { loadParameters, validateParameters } from "../../deploy/parameters";
import type { SuiteParameters } from "../../deploy/parameters";

/**
 * The in-process chain's provider, losing the connection once `sends` transactions went out: the next one is sent,
 * but its receipt never arrives (an interruption with a transaction in flight).
 */
function connectionLostAfter(sends: number): EIP1193Provider {
  let sent = 0;
  return {
    request: async (args) => {
      if (sent > sends && args.method === "eth_getTransactionReceipt") throw new Error("connection lost (simulated interruption)");
      if (args.method === "eth_sendTransaction") sent++;
      return hre.network.provider.request(args);
    },
  };
}

/** Futures that send a transaction (the `_data` ones only encode calldata). */
const sending = (ids: string[]): string[] => ids.filter((id) => !id.endsWith("_data"));

function localParameters(): SuiteParameters {
  const loaded = loadParameters("localhost");
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.value;
}

describe("suite deployment (Hardhat Ignition)", function () {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const journalDir = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "nes-ignition-"));
    dirs.push(d);
    return d;
  };

  async function interruptedThenResumed() {
    const [deployer] = await hre.ethers.getSigners();
    const parameters = localParameters();
    const deploymentDir = journalDir();
    const base = { hre, deployer: deployer!.address, network: "hardhat", parameters, deploymentDir, log: () => undefined };
    const nonceAtStart = await hre.ethers.provider.getTransactionCount(deployer!.address);
    // Interrupted with the seventh transaction in flight: some contracts deployed, the wiring not begun.
    const interruption = await deploySuite({ ...base, provider: connectionLostAfter(6) }).then(() => undefined, (e: unknown) => e);
    const afterInterruption = { ...ignitionAddresses(deploymentDir) };
    const nonceBefore = await hre.ethers.provider.getTransactionCount(deployer!.address);
    const resumed = await deploySuite(base);
    const nonceAfter = await hre.ethers.provider.getTransactionCount(deployer!.address);
    const at = async <T>(name: "CarbonLedger" | "Timelock" | "ClimateGovernor" | "VotingToken" | "ClaimsRegistry") =>
      (await hre.ethers.getContractAt(name, resumed.record.contracts[name]?.address ?? "")) as unknown as T;
    return {
      deployer: deployer!, parameters, deploymentDir, interruption, afterInterruption, resumed, nonceAtStart, nonceBefore, nonceAfter,
      ledger: await at<CarbonLedger>("CarbonLedger"), timelock: await at<Timelock>("Timelock"),
      governor: await at<ClimateGovernor>("ClimateGovernor"), token: await at<VotingToken>("VotingToken"),
      claims: await at<ClaimsRegistry>("ClaimsRegistry"),
    };
  }

  describe("when interrupted with its seventh transaction in flight and run again", function () {
    it("stops with the error, its journal holding what was deployed", async function () {
      const { interruption, afterInterruption, nonceAtStart, nonceBefore } = await loadFixture(interruptedThenResumed);
      expect(String(interruption)).to.contain("connection lost");
      expect(Object.keys(afterInterruption).length).to.be.greaterThan(0);
      expect(nonceBefore - nonceAtStart).to.be.greaterThan(6);
    });

    it("resumes from Ignition's journal without redeploying what exists", async function () {
      const { afterInterruption, resumed, deploymentDir } = await loadFixture(interruptedThenResumed);
      expect(resumed.complete).to.equal(true);
      const now = ignitionAddresses(deploymentDir);
      for (const [future, address] of Object.entries(afterInterruption)) expect(now[future], future).to.equal(address);
      expect(resumed.skipped.length, "futures done before the resume").to.be.greaterThanOrEqual(Object.keys(afterInterruption).length);
      for (const id of resumed.skipped) expect(resumed.ran, id).to.not.include(id);
    });

    it("sends each transaction once over both runs, the one in flight included", async function () {
      const { resumed, nonceAtStart, nonceAfter } = await loadFixture(interruptedThenResumed);
      expect(nonceAfter - nonceAtStart).to.equal(sending(resumed.ran).length + sending(resumed.skipped).length);
      expect(sending(resumed.ran).length).to.be.greaterThan(0);
    });

    it("does nothing when run again on a finished deployment", async function () {
      const { deployer, parameters, deploymentDir, nonceAfter } = await loadFixture(interruptedThenResumed);
      const again = await deploySuite({ hre, deployer: deployer.address, network: "hardhat", parameters, deploymentDir, log: () => undefined });
      expect(again.ran).to.deep.equal([]);
      expect(again.complete).to.equal(true);
      expect(await hre.ethers.provider.getTransactionCount(deployer.address)).to.equal(nonceAfter);
    });

    it("leaves the deployer with no role, unable to act on the ledger or the timelock", async function () {
      const { resumed, deployer, ledger, timelock } = await loadFixture(interruptedThenResumed);
      expect(await deployerPowers(hre.ethers.provider, resumed.record)).to.deep.equal([]);
      await expect(ledger.connect(deployer).grantRole(await ledger.OFFSET_ISSUER_ROLE(), deployer.address))
        .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount");
      await expect(ledger.connect(deployer).setLimitedMode(false)).to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount");
      await expect(timelock.connect(deployer).schedule(deployer.address, 0, "0x", hre.ethers.ZeroHash, hre.ethers.ZeroHash, 2n * 86_400n))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount");
      await expect(timelock.connect(deployer).grantRole(hre.ethers.ZeroHash, deployer.address))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount");
    });

    it("hands the ledger admin to the timelock and makes the governor its only proposer and executor", async function () {
      const { ledger, timelock, governor, parameters, deployer } = await loadFixture(interruptedThenResumed);
      expect(await ledger.defaultAdmin()).to.equal(await timelock.getAddress());
      expect(await ledger.proposalSource()).to.equal(await governor.getAddress());
      expect(await timelock.getMinDelay()).to.equal(BigInt(parameters.timelock.minDelay));
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), await governor.getAddress())).to.equal(true);
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), deployer.address)).to.equal(false);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), hre.ethers.ZeroAddress)).to.equal(false);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), await governor.getAddress())).to.equal(true);
    });

    it("wires the roles and settings of the parameters file", async function () {
      const { ledger, token, parameters, timelock } = await loadFixture(interruptedThenResumed);
      expect(await ledger.hasRole(await ledger.PAUSER_ROLE(), parameters.ledger.guardian)).to.equal(true);
      expect(await ledger.hasRole(await ledger.REGISTRAR_ROLE(), parameters.ledger.registrars[0] ?? "")).to.equal(true);
      expect(await ledger.hasRole(await ledger.EMISSIONS_AUDITOR_ROLE(), parameters.ledger.auditors[0] ?? "")).to.equal(true);
      expect(await ledger.hasRole(await ledger.REC_ISSUER_ROLE(), parameters.ledger.recIssuers[0] ?? "")).to.equal(true);
      expect(await ledger.hasRole(await ledger.REVOKER_ROLE(), await timelock.getAddress())).to.equal(true);
      expect(await ledger.limitedMode()).to.equal(parameters.ledger.limitedMode);
      expect(await token.minter()).to.equal(await timelock.getAddress());
      expect(await token.totalSupply()).to.equal(parameters.votingToken.holders.reduce((s, h) => s + h.amount, 0n));
    });

    it("derives the record from Ignition's deployed addresses, with constructor arguments and blocks", async function () {
      const { resumed, claims, ledger, timelock, governor, deployer, deploymentDir } = await loadFixture(interruptedThenResumed);
      const c = resumed.record.contracts;
      const ignition = ignitionAddresses(deploymentDir);
      expect(c.CarbonLedger?.address).to.equal(ignition["Ledger#CarbonLedger"]);
      expect(c.ClaimsRegistry?.address).to.equal(ignition["Dao#ClaimsRegistry"]);
      expect(c.CarbonLedger?.args).to.deep.equal([deployer.address, 1]);
      expect(c.Timelock?.args).to.deep.equal([0, [], [], deployer.address]);
      expect(c.ClaimsRegistry?.args).to.deep.equal([await ledger.getAddress(), await timelock.getAddress(), await governor.getAddress()]);
      expect(await claims.governor()).to.equal(await governor.getAddress());
      for (const [name, entry] of Object.entries(c)) {
        expect(await hre.ethers.provider.getCode(entry?.address ?? ""), name).to.not.equal("0x");
        expect(entry?.block, name).to.be.greaterThan(0);
        const receipt = await hre.ethers.provider.getTransactionReceipt(entry?.transaction ?? "");
        expect(receipt?.contractAddress, name).to.equal(entry?.address);
        expect(receipt?.blockNumber, name).to.equal(entry?.block);
      }
      expect(resumed.record.completedAt).to.be.a("string");
    });
  });

  describe("when the ledger's admin-transfer delay is long (a live network)", function () {
    async function stoppedForTheDelay() {
      const [deployer] = await hre.ethers.getSigners();
      const parameters = localParameters();
      parameters.ledger.adminTransferDelay = 3_600;
      const deploymentDir = journalDir();
      // A live network's name: the clock is not moved, the run stops before the handover.
      const base = { hre, deployer: deployer!.address, network: "sepolia", parameters, deploymentDir, log: () => undefined };
      const first = await deploySuite(base);
      return { deployer: deployer!, base, first };
    }

    it("stops before the handover and says from when it can be finished", async function () {
      const { first } = await loadFixture(stoppedForTheDelay);
      expect(first.complete).to.equal(false);
      const latest = (await hre.ethers.provider.getBlock("latest"))?.timestamp ?? 0;
      expect(first.waitUntil).to.be.within(latest + 3_500, latest + 3_600);
      expect(first.record.contracts.ClaimsRegistry).to.not.equal(undefined);
      expect(first.record.completedAt).to.equal(undefined);
    });

    it("finishes with --finish once the delay has passed, and the deployer keeps nothing", async function () {
      const { first, base } = await loadFixture(stoppedForTheDelay);
      await hre.network.provider.request({ method: "evm_increaseTime", params: [3_600] });
      await hre.network.provider.request({ method: "evm_mine", params: [] });
      const finished = await deploySuite({ ...base, finishOnly: true });
      expect(finished.complete).to.equal(true);
      expect(finished.record.contracts.CarbonLedger?.address).to.equal(first.record.contracts.CarbonLedger?.address);
      expect(finished.ran.every((id) => id.startsWith("Handover#")), finished.ran.join(", ")).to.equal(true);
      expect(await deployerPowers(hre.ethers.provider, finished.record)).to.deep.equal([]);
    });

    it("refuses --finish when nothing was deployed", async function () {
      const { base } = await loadFixture(stoppedForTheDelay);
      await expect(deploySuite({ ...base, deploymentDir: journalDir(), finishOnly: true })).to.be.rejectedWith("nothing to finish");
    });
  });

  describe("verification settings", function () {
    it("use Etherscan's v2 API with one key (no explorer-specific keys, so no deprecation warnings)", function () {
      expect(hre.config.etherscan.apiKey).to.be.a("string");
      expect(hre.config.etherscan.customChains).to.deep.equal([]);
    });
    it("verify Chiado on its Blockscout explorer", function () {
      const chiado = hre.config.blockscout.customChains.find((c) => c.network === "chiado");
      expect(chiado?.chainId).to.equal(10200);
      expect(chiado?.urls.apiURL).to.contain("blockscout");
    });
  });

  describe("parameters (deploy/ignition/parameters/<network>.json)", function () {
    it("ship for every network and are valid for the local ones", function () {
      for (const network of ["hardhat", "localhost"]) expect(loadParameters(network).ok, network).to.equal(true);
      for (const network of ["gnosis", "chiado", "sepolia"]) expect(fs.existsSync(path.join(__dirname, "..", "..", "deploy", "ignition", "parameters", `${network}.json`)), network).to.equal(true);
    });
    it("read amounts in Ignition's bigint notation", function () {
      const p = localParameters();
      expect(p.votingToken.holders[0]?.amount).to.equal(400n * 10n ** 18n);
      expect(p.governor.proposalThreshold).to.equal(10n ** 18n);
    });
    it("refuse the live templates until their placeholders are replaced, naming each field", function () {
      for (const network of ["gnosis", "chiado", "sepolia"]) {
        const r = loadParameters(network);
        expect(r.ok ? "" : r.error).to.contain("Ledger.guardian: expected a non-zero 0x address")
          .and.contain("Dao.holders[0]: expected a non-zero 0x address");
      }
    });
    it("collect every problem of a malformed file", function () {
      const r = validateParameters({ Ledger: { adminTransferDelay: -1 }, Dao: { votingPeriod: 10, lateQuorumExtension: 20, holders: ["0x1"], amounts: ["5"] } });
      const error = r.ok ? "" : r.error;
      for (const field of ["Ledger.adminTransferDelay", "Ledger.limitedMode", "Ledger.guardian", "Handover: expected an object", "Dao.lateQuorumExtension", "Dao.holders[0]", "Dao.amounts[0]"]) {
        expect(error).to.contain(field);
      }
    });
  });
});
