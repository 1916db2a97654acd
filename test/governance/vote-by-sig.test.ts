import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import type { Signer, TypedDataDomain } from "ethers";
import type { ClimateGovernor } from "../../typechain-types";
import { CRITERIA_VOTE, Vote, encodeCriteriaVotes } from "../../scripts/governance/proposals";
import { ProposalHelper, TOKEN, deployTransferableDao, offsetsProposal } from "./helpers";

const BALLOT = {
  Ballot: [
    { name: "proposalId", type: "uint256" },
    { name: "support", type: "uint8" },
    { name: "voter", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};
const EXTENDED_BALLOT = {
  ExtendedBallot: [
    { name: "proposalId", type: "uint256" },
    { name: "support", type: "uint8" },
    { name: "voter", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "reason", type: "string" },
    { name: "params", type: "bytes" },
  ],
};

async function domain(governor: ClimateGovernor): Promise<TypedDataDomain> {
  return {
    name: await governor.name(),
    version: await governor.version(),
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await governor.getAddress(),
  };
}

async function signBallot(governor: ClimateGovernor, voter: Signer, proposalId: bigint, support: number) {
  const address = await voter.getAddress();
  const nonce = await governor.nonces(address);
  return voter.signTypedData(await domain(governor), BALLOT, { proposalId, support, voter: address, nonce });
}

/** Two proposals, plain and criteria, open for votes; alice then moves her tokens away after the snapshot. */
async function openProposals() {
  const dao = await loadFixture(deployTransferableDao);
  const plain = new ProposalHelper(dao.governor, { ...offsetsProposal(dao, 1, null) });
  const criteria = new ProposalHelper(dao.governor, offsetsProposal(dao, 2));
  await plain.propose(dao.alice);
  await criteria.propose(dao.alice);
  await criteria.waitForSnapshot();
  return { ...dao, plain, criteria };
}

describe("Vote by signature", function () {
  it("counts a relayed vote once, for the signer, with the signer's snapshot weight", async function () {
    const { governor, plain, alice, relayer, token, outsider } = await loadFixture(openProposals);
    const signature = await signBallot(governor, alice, plain.id, Vote.For);
    // After the snapshot alice gives her tokens away: the relayed vote still weighs what she had then.
    await token.connect(alice).transfer(outsider.address, 400n * TOKEN);
    await expect(governor.connect(relayer).castVoteBySig(plain.id, Vote.For, alice.address, signature))
      .to.emit(governor, "VoteCast")
      .withArgs(alice.address, plain.id, Vote.For, 400n * TOKEN, "");
    expect(await governor.proposalVotes(plain.id)).to.deep.equal([0n, 400n * TOKEN, 0n]);
    expect(await governor.hasVoted(plain.id, alice.address)).to.equal(true);
    expect(await governor.hasVoted(plain.id, relayer.address)).to.equal(false);
    expect(await governor.nonces(alice.address)).to.equal(1n);
  });

  it("refuses a replayed signature: the nonce it signed is spent", async function () {
    const { governor, plain, alice, relayer } = await loadFixture(openProposals);
    const signature = await signBallot(governor, alice, plain.id, Vote.For);
    await governor.connect(relayer).castVoteBySig(plain.id, Vote.For, alice.address, signature);
    await expect(governor.connect(relayer).castVoteBySig(plain.id, Vote.For, alice.address, signature))
      .to.be.revertedWithCustomError(governor, "GovernorInvalidSignature")
      .withArgs(alice.address);
    expect(await governor.proposalVotes(plain.id)).to.deep.equal([0n, 400n * TOKEN, 0n]);
  });

  it("refuses a relayer's change of support or voter", async function () {
    const { governor, plain, alice, bob, relayer } = await loadFixture(openProposals);
    const signature = await signBallot(governor, alice, plain.id, Vote.For);
    await expect(
      governor.connect(relayer).castVoteBySig(plain.id, Vote.Against, alice.address, signature),
    ).to.be.revertedWithCustomError(governor, "GovernorInvalidSignature");
    await expect(
      governor.connect(relayer).castVoteBySig(plain.id, Vote.For, bob.address, signature),
    ).to.be.revertedWithCustomError(governor, "GovernorInvalidSignature");
    expect(await governor.nonces(alice.address)).to.equal(0n);
  });

  it("relays a criteria vote with its params, bound by the signature", async function () {
    const { governor, criteria, bob, relayer } = await loadFixture(openProposals);
    const params = encodeCriteriaVotes([Vote.For, Vote.For, Vote.Against, Vote.For, Vote.Abstain]);
    const value = {
      proposalId: criteria.id,
      support: CRITERIA_VOTE,
      voter: bob.address,
      nonce: await governor.nonces(bob.address),
      reason: "permanence not shown",
      params,
    };
    const signature = await bob.signTypedData(await domain(governor), EXTENDED_BALLOT, value);
    const tampered = encodeCriteriaVotes([Vote.For, Vote.For, Vote.For, Vote.For, Vote.For]);
    const g = governor.connect(relayer);
    await expect(
      g.castVoteWithReasonAndParamsBySig(criteria.id, CRITERIA_VOTE, bob.address, value.reason, tampered, signature),
    ).to.be.revertedWithCustomError(governor, "GovernorInvalidSignature");
    await expect(
      g.castVoteWithReasonAndParamsBySig(criteria.id, CRITERIA_VOTE, bob.address, value.reason, params, signature),
    )
      .to.emit(governor, "VoteCastWithParams")
      .withArgs(bob.address, criteria.id, CRITERIA_VOTE, 300n * TOKEN, value.reason, params);
    expect(await governor.criterionVotes(criteria.id, 2)).to.deep.equal([300n * TOKEN, 0n, 0n]);
    await expect(
      g.castVoteWithReasonAndParamsBySig(criteria.id, CRITERIA_VOTE, bob.address, value.reason, params, signature),
    ).to.be.revertedWithCustomError(governor, "GovernorInvalidSignature");
  });
});
