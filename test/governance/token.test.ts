import { expect } from "chai";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { VotingToken__factory } from "../../typechain-types";
import { HOLDINGS, TOKEN, deployDao, deployTransferableDao } from "./helpers";

/** The DAO with a signer for its timelock (tests of the minter without a full proposal). */
async function daoWithTimelockSigner() {
  const dao = await loadFixture(deployDao);
  const address = await dao.timelock.getAddress();
  await impersonateAccount(address);
  await setBalance(address, 10n ** 18n);
  return { ...dao, timelockSigner: await ethers.getSigner(address) };
}

/** An EIP-712 delegation signed by `signer` (ERC20Votes' `delegateBySig`), valid for an hour. */
async function signDelegation(
  token: Awaited<ReturnType<typeof deployDao>>["token"],
  signer: Awaited<ReturnType<typeof deployDao>>["alice"],
  delegatee: string,
) {
  const nonce = await token.nonces(signer.address);
  const expiry = BigInt(await time.latest()) + 3_600n;
  const domain = {
    name: await token.name(), version: "1", chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await token.getAddress(),
  };
  const types = { Delegation: [{ name: "delegatee", type: "address" }, { name: "nonce", type: "uint256" }, { name: "expiry", type: "uint256" }] };
  const sig = ethers.Signature.from(await signer.signTypedData(domain, types, { delegatee, nonce, expiry }));
  return [delegatee, nonce, expiry, sig.v, sig.r, sig.s] as const;
}

describe("VotingToken", function () {
  describe("deployment", function () {
    it("mints the initial holdings and makes the timelock its only minter", async function () {
      const { token, members, timelock } = await loadFixture(deployDao);
      for (const [i, m] of members.entries()) expect(await token.balanceOf(m.address)).to.equal(HOLDINGS[i]);
      expect(await token.totalSupply()).to.equal(1_000n * TOKEN);
      expect(await token.minter()).to.equal(await timelock.getAddress());
      expect(await token.transferable()).to.equal(false);
      expect(await token.nonces(members[0]!.address)).to.equal(0n);
    });

    it("refuses holders and amounts of different lengths, and a zero minter", async function () {
      const [a] = await ethers.getSigners();
      const factory = new VotingToken__factory(a);
      await expect(factory.deploy("T", "T", [a!.address], [], a!.address, true))
        .to.be.revertedWithCustomError(factory, "VotingTokenHoldersAmountsMismatch")
        .withArgs(1, 0);
      await expect(factory.deploy("T", "T", [], [], ethers.ZeroAddress, true)).to.be.revertedWithCustomError(
        factory,
        "VotingTokenZeroMinter",
      );
    });
  });

  describe("clock (ERC-6372)", function () {
    it("is the block timestamp", async function () {
      const { token } = await loadFixture(deployDao);
      expect(await token.clock()).to.equal(await time.latest());
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
    });
  });

  describe("when non-transferable", function () {
    it("refuses transfers between members", async function () {
      const { token, alice, bob } = await loadFixture(deployDao);
      await expect(token.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "VotingTokenNonTransferable")
        .withArgs(alice.address, bob.address);
      await token.connect(alice).approve(bob.address, 1n);
      await expect(token.connect(bob).transferFrom(alice.address, bob.address, 1n)).to.be.revertedWithCustomError(
        token,
        "VotingTokenNonTransferable",
      );
    });

    it("refuses a member delegating to a non-member or to another member", async function () {
      const { token, alice, bob, outsider } = await loadFixture(deployDao);
      for (const delegatee of [outsider, bob]) {
        await expect(token.connect(alice).delegate(delegatee.address))
          .to.be.revertedWithCustomError(token, "VotingTokenDelegationRestricted")
          .withArgs(alice.address, delegatee.address);
      }
      expect(await token.delegates(alice.address)).to.equal(alice.address);
      expect(await token.getVotes(outsider.address)).to.equal(0n);
    });

    it("refuses the same delegation signed and relayed (delegateBySig)", async function () {
      const { token, alice, outsider, relayer } = await loadFixture(deployDao);
      const args = await signDelegation(token, alice, outsider.address);
      await expect(token.connect(relayer).delegateBySig(...args))
        .to.be.revertedWithCustomError(token, "VotingTokenDelegationRestricted")
        .withArgs(alice.address, outsider.address);
      expect(await token.nonces(alice.address)).to.equal(0n); // nothing spent
      expect(await token.getVotes(outsider.address)).to.equal(0n);
    });

    it("lets an account delegate to itself, directly or by signature", async function () {
      const { token, timelockSigner, outsider, project, relayer } = await loadFixture(daoWithTimelockSigner);
      for (const member of [outsider, project]) await token.connect(timelockSigner).mint(member.address, 5n * TOKEN);
      await expect(token.connect(outsider).delegate(outsider.address))
        .to.emit(token, "DelegateChanged")
        .withArgs(outsider.address, ethers.ZeroAddress, outsider.address);
      expect(await token.getVotes(outsider.address)).to.equal(5n * TOKEN);
      await expect(token.connect(relayer).delegateBySig(...(await signDelegation(token, project, project.address))))
        .to.emit(token, "DelegateChanged")
        .withArgs(project.address, ethers.ZeroAddress, project.address);
      expect(await token.getVotes(project.address)).to.equal(5n * TOKEN);
    });

    it("still lets the timelock mint and burn, moving the votes", async function () {
      const { token, timelockSigner, alice, outsider } = await loadFixture(daoWithTimelockSigner);
      await token.connect(timelockSigner).mint(outsider.address, 5n * TOKEN);
      await token.connect(timelockSigner).burn(alice.address, 100n * TOKEN);
      expect(await token.balanceOf(outsider.address)).to.equal(5n * TOKEN);
      expect(await token.getVotes(alice.address)).to.equal(300n * TOKEN);
      expect(await token.totalSupply()).to.equal(905n * TOKEN);
    });
  });

  describe("when transferable", function () {
    it("lets a holder delegate to anyone, directly or by signature", async function () {
      const { token, alice, bob, outsider, relayer } = await loadFixture(deployTransferableDao);
      await expect(token.connect(alice).delegate(outsider.address))
        .to.emit(token, "DelegateChanged")
        .withArgs(alice.address, alice.address, outsider.address);
      expect(await token.getVotes(outsider.address)).to.equal(400n * TOKEN);
      expect(await token.getVotes(alice.address)).to.equal(0n);
      await token.connect(relayer).delegateBySig(...(await signDelegation(token, bob, outsider.address)));
      expect(await token.getVotes(outsider.address)).to.equal(700n * TOKEN);
    });

    it("moves tokens and the delegated votes with them", async function () {
      const { token, alice, bob } = await loadFixture(deployTransferableDao);
      await token.connect(alice).transfer(bob.address, 100n * TOKEN);
      expect(await token.getVotes(alice.address)).to.equal(300n * TOKEN);
      expect(await token.getVotes(bob.address)).to.equal(400n * TOKEN);
    });
  });

  describe("minting and burning", function () {
    it("refuses anyone but the minter", async function () {
      const { token, alice, deployer } = await loadFixture(deployDao);
      await expect(token.connect(alice).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "VotingTokenUnauthorizedMinter")
        .withArgs(alice.address);
      await expect(token.connect(deployer).burn(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "VotingTokenUnauthorizedMinter")
        .withArgs(deployer.address);
    });

    it("caps the supply at 2^120 - 1 so the governor's packed tallies cannot overflow", async function () {
      const { token, timelockSigner, outsider } = await loadFixture(daoWithTimelockSigner);
      const cap = 2n ** 120n - 1n;
      const room = cap - (await token.totalSupply());
      await token.connect(timelockSigner).mint(outsider.address, room);
      await expect(token.connect(timelockSigner).mint(outsider.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20ExceededSafeSupply")
        .withArgs(cap + 1n, cap);
    });
  });
});
