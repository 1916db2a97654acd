import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { CarbonLedger__factory, Timelock__factory } from "../../typechain-types";
import type { DaoAddresses, WiringStep } from "../../scripts/governance/wiring";
import { WIRING_STEPS, wireDao } from "../../scripts/governance/wiring";
import { JAN_2024, deployDao, expectEachRefused } from "./helpers";

const waitUntil = async (timestamp: bigint) => {
  if (BigInt(await time.latest()) <= timestamp) await time.increaseTo(timestamp + 1n);
};

describe("DAO wiring", function () {
  describe("after deployment", function () {
    it("gives the timelock the ledger's admin and the DAO's ledger roles", async function () {
      const { ledger, timelock } = await loadFixture(deployDao);
      expect(await ledger.defaultAdmin()).to.equal(timelock.target);
      for (const role of [ledger.OFFSET_ISSUER_ROLE(), ledger.REC_ISSUER_ROLE(), ledger.REVOKER_ROLE()]) {
        expect(await ledger.hasRole(await role, timelock.target)).to.equal(true);
      }
    });

    it("makes the governor the timelock's only proposer, canceller and executor (no open executor role)", async function () {
      const { timelock, governor, params, deployer } = await loadFixture(deployDao);
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), governor.target)).to.equal(true);
      expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), governor.target)).to.equal(true);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), governor.target)).to.equal(true);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), ethers.ZeroAddress)).to.equal(false);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), deployer.address)).to.equal(false);
      expect(await timelock.getMinDelay()).to.equal(params.timelockDelay);
      expect(await governor.timelock()).to.equal(timelock.target);
    });

    it("leaves the deployer nothing: it cannot grant, issue, schedule, mint or record a verdict", async function () {
      const { deployer, ledger, timelock, token, claims, governor } = await loadFixture(deployDao);
      for (const role of [
        await timelock.DEFAULT_ADMIN_ROLE(), await timelock.PROPOSER_ROLE(), await timelock.CANCELLER_ROLE(),
        await timelock.EXECUTOR_ROLE(),
      ]) {
        expect(await timelock.hasRole(role, deployer.address)).to.equal(false);
      }
      expect(await ledger.hasRole(ethers.ZeroHash, deployer.address)).to.equal(false);
      const d = deployer.address;
      await expect(ledger.connect(deployer).grantRole(await ledger.OFFSET_ISSUER_ROLE(), d))
        .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
        .withArgs(d, ethers.ZeroHash);
      await expectEachRefused(ledger, "AccessControlUnauthorizedAccount", [
        () => ledger.connect(deployer).issue({
          tokenType: 2, issuee: d, amount: 1n, fromDate: JAN_2024, thruDate: JAN_2024,
          evidenceHash: ethers.id("x"), records: [], metadata: "{}",
        }),
        () => ledger.connect(deployer).revoke(d, 1n, 1n, "x"),
        () => ledger.connect(deployer).setLimitedMode(true),
      ]);
      await expectEachRefused(timelock, "AccessControlUnauthorizedAccount", [
        () => timelock.connect(deployer).schedule(d, 0, "0x", ethers.ZeroHash, ethers.ZeroHash, 2n * 86_400n),
        () => timelock.connect(deployer).grantRole(ethers.ZeroHash, d),
      ]);
      await expect(token.connect(deployer).mint(d, 1n)).to.be.revertedWithCustomError(token, "VotingTokenUnauthorizedMinter");
      await expect(claims.connect(deployer).recordVerdict(1n, true, ethers.ZeroHash))
        .to.be.revertedWithCustomError(claims, "ClaimsUnauthorizedVerdict");
      await expect(governor.connect(deployer).setVotingDelay(0)).to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor");
    });

    it("reported every step in order", async function () {
      const { steps } = await loadFixture(deployDao);
      expect(steps).to.deep.equal([...WIRING_STEPS]);
    });
  });

  describe("resuming", function () {
    it("does nothing when run again on a finished deployment", async function () {
      const { deployer, params, timelock, token, governor, claims } = await loadFixture(deployDao);
      const existing: DaoAddresses = {
        timelock: timelock.target as string, token: token.target as string,
        governor: governor.target as string, claims: claims.target as string,
      };
      const changed: WiringStep[] = [];
      const again = await wireDao(deployer, params, {
        existing,
        waitUntil,
        onStep: (step, _addresses, didChange) => {
          if (didChange) changed.push(step);
        },
      });
      expect(changed).to.deep.equal([]);
      expect(again.governor.target).to.equal(governor.target);
    });

    it("finishes an interrupted deployment without redeploying what exists", async function () {
      const { params } = await loadFixture(deployDao);
      const [deployer] = await ethers.getSigners();
      const ledger = await new CarbonLedger__factory(deployer).deploy(deployer!.address, 3_600);
      const fresh = { ...params, ledger: await ledger.getAddress() };
      let saved: DaoAddresses = {};
      await expect(
        wireDao(deployer!, fresh, {
          waitUntil,
          onStep: (step, addresses) => {
            saved = addresses;
            if (step === "ledger-roles") throw new Error("interrupted");
          },
        }),
      ).to.be.rejectedWith("interrupted");
      const done: WiringStep[] = [];
      const dao = await wireDao(deployer!, fresh, {
        existing: saved,
        waitUntil,
        onStep: (step, _a, changed) => {
          if (changed) done.push(step);
        },
      });
      expect(done).to.deep.equal(["ledger-admin", "timelock-delay", "deployer-renounce"]);
      expect(dao.timelock.target).to.equal(saved.timelock);
      expect(await ledger.defaultAdmin()).to.equal(saved.timelock);
      expect(await dao.timelock.hasRole(ethers.ZeroHash, deployer!.address)).to.equal(false);
    });

    it("closes the open executor role of a timelock an older wiring deployed", async function () {
      const { params } = await loadFixture(deployDao);
      const [deployer] = await ethers.getSigners();
      const ledger = await new CarbonLedger__factory(deployer).deploy(deployer!.address, 3_600);
      const fresh = { ...params, ledger: await ledger.getAddress() };
      // The earlier wiring: address(0) as executor, i.e. anyone executes.
      const old = await new Timelock__factory(deployer).deploy(0, [], [ethers.ZeroAddress], deployer!.address);
      const executor = await old.EXECUTOR_ROLE();
      expect(await old.hasRole(executor, ethers.ZeroAddress)).to.equal(true);
      const changed: WiringStep[] = [];
      const dao = await wireDao(deployer!, fresh, {
        existing: { timelock: old.target as string },
        waitUntil,
        onStep: (step, _a, didChange) => {
          if (didChange) changed.push(step);
        },
      });
      expect(changed).to.include("governor-roles");
      expect(await old.hasRole(executor, ethers.ZeroAddress)).to.equal(false);
      expect(await old.hasRole(executor, dao.governor.target)).to.equal(true);
    });
  });
});
