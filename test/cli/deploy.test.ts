import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { CarbonLedger, ClaimsRegistry, ClimateGovernor, Timelock, VotingToken } from "../../typechain-types";
import { STEPS, deployerPowers, deploySuite } from "../../deploy/suite";
import { loadParameters, validateParameters } from "../../deploy/parameters";
import type { DeploymentRecord } from "../../scripts/lib/deployment";

describe("suite deployment", function () {
  async function interruptedThenResumed() {
    const [deployer] = await hre.ethers.getSigners();
    const loaded = loadParameters("localhost");
    if (!loaded.ok) throw new Error(loaded.error);
    const parameters = loaded.value;
    const saved: DeploymentRecord[] = [];
    const save = (r: DeploymentRecord) => saved.push(structuredClone(r));
    const base = { hre, deployer, network: "hardhat", parameters, save, log: () => undefined };
    const first = await deploySuite({ ...base, record: undefined, stopAfter: 4 });
    const afterInterruption = structuredClone(first.record);
    const nonceBefore = await hre.ethers.provider.getTransactionCount(deployer.address);
    const second = await deploySuite({ ...base, record: structuredClone(first.record) });
    const at = async <T>(name: "CarbonLedger" | "Timelock" | "ClimateGovernor" | "VotingToken" | "ClaimsRegistry") =>
      (await hre.ethers.getContractAt(name, second.record.contracts[name]?.address ?? "")) as unknown as T;
    return {
      deployer, parameters, first, second, afterInterruption, nonceBefore, saved,
      ledger: await at<CarbonLedger>("CarbonLedger"), timelock: await at<Timelock>("Timelock"),
      governor: await at<ClimateGovernor>("ClimateGovernor"), token: await at<VotingToken>("VotingToken"),
      claims: await at<ClaimsRegistry>("ClaimsRegistry"),
    };
  }

  describe("when interrupted after four steps and run again", function () {
    it("stops with four steps recorded and the ledger and timelock deployed", async function () {
      const { first } = await loadFixture(interruptedThenResumed);
      expect(first.complete).to.equal(false);
      expect(first.record.steps).to.deep.equal(STEPS.slice(0, 4));
      expect(Object.keys(first.record.contracts)).to.have.members(["CarbonLedger", "Timelock"]);
    });

    it("skips the finished steps and redeploys nothing", async function () {
      const { first, second, afterInterruption } = await loadFixture(interruptedThenResumed);
      expect(second.complete).to.equal(true);
      expect(second.skipped).to.deep.equal(STEPS.slice(0, 4));
      expect(second.ran).to.deep.equal(STEPS.slice(4));
      for (const [name, entry] of Object.entries(afterInterruption.contracts)) {
        expect(second.record.contracts[name as keyof typeof first.record.contracts]?.address, name).to.equal(entry?.address);
      }
      for (const name of ["VotingToken", "ClimateGovernor", "ClaimsRegistry"] as const) expect(second.record.contracts[name], name).to.not.equal(undefined);
    });

    it("leaves the deployer with no role", async function () {
      const { second } = await loadFixture(interruptedThenResumed);
      expect(await deployerPowers(hre, second.record)).to.deep.equal([]);
    });

    it("hands the ledger admin to the timelock and makes the governor its only proposer and executor", async function () {
      const { ledger, timelock, governor, parameters, deployer } = await loadFixture(interruptedThenResumed);
      expect(await ledger.defaultAdmin()).to.equal(await timelock.getAddress());
      expect(await timelock.getMinDelay()).to.equal(BigInt(parameters.timelock.minDelay));
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), await governor.getAddress())).to.equal(true);
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), deployer.address)).to.equal(false);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), hre.ethers.ZeroAddress)).to.equal(false);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), await governor.getAddress())).to.equal(true);
    });

    it("wires the roles and settings of the parameters file", async function () {
      const { ledger, token, parameters, timelock } = await loadFixture(interruptedThenResumed);
      expect(await ledger.hasRole(await ledger.PAUSER_ROLE(), parameters.ledger.guardian)).to.equal(true);
      expect(await ledger.hasRole(await ledger.EMISSIONS_AUDITOR_ROLE(), parameters.ledger.auditors[0] ?? "")).to.equal(true);
      expect(await ledger.hasRole(await ledger.REVOKER_ROLE(), await timelock.getAddress())).to.equal(true);
      expect(await ledger.limitedMode()).to.equal(parameters.ledger.limitedMode);
      expect(await token.minter()).to.equal(await timelock.getAddress());
      expect(await token.totalSupply()).to.equal(parameters.votingToken.holders.reduce((s, h) => s + h.amount, 0n));
    });

    it("records every contract with its constructor arguments for verification", async function () {
      const { second, claims, ledger, timelock, governor, deployer } = await loadFixture(interruptedThenResumed);
      const c = second.record.contracts;
      expect(c.CarbonLedger?.args).to.deep.equal([deployer.address, 1]);
      expect(c.Timelock?.args).to.deep.equal([0, [], [], deployer.address]);
      expect(c.ClaimsRegistry?.args).to.deep.equal([await ledger.getAddress(), await timelock.getAddress(), await governor.getAddress()]);
      expect(await claims.governor()).to.equal(await governor.getAddress());
      for (const [name, entry] of Object.entries(c)) {
        expect(await hre.ethers.provider.getCode(entry?.address ?? ""), name).to.not.equal("0x");
        expect(entry?.block, name).to.be.greaterThan(0);
      }
    });

    it("saves the record after every step", async function () {
      const { saved } = await loadFixture(interruptedThenResumed);
      const stepCounts = saved.map((r) => r.steps?.length ?? 0);
      for (let n = 1; n <= STEPS.length; n++) expect(stepCounts, `after step ${n}`).to.include(n);
    });
  });

  describe("parameters", function () {
    it("ship for every network and are valid for the local ones", function () {
      for (const network of ["hardhat", "localhost"]) expect(loadParameters(network).ok, network).to.equal(true);
    });
    it("refuse the live templates until their placeholders are replaced, naming each field", function () {
      for (const network of ["gnosis", "chiado", "sepolia"]) {
        const r = loadParameters(network);
        expect(r.ok ? "" : r.error).to.contain("ledger.guardian: expected a non-zero 0x address")
          .and.contain("votingToken.holders[0].account: expected a non-zero 0x address");
      }
    });
    it("collect every problem of a malformed file", function () {
      const r = validateParameters({ ledger: { adminTransferDelay: -1 }, governor: { votingPeriod: 10, lateQuorumExtension: 20 } });
      const error = r.ok ? "" : r.error;
      for (const field of ["ledger.adminTransferDelay", "ledger.limitedMode", "ledger.guardian", "votingToken: expected an object", "timelock: expected an object", "governor.lateQuorumExtension"]) {
        expect(error).to.contain(field);
      }
    });
  });
});
