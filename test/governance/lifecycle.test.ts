import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { tokenIdOf } from "../../scripts/ledger/token-id";
import {
  DEFAULT_CRITERIA,
  Vote,
  changeGovernorSetting,
  recordClaimVerdict,
  revokeIssuance,
  unwrap,
} from "../../scripts/governance/proposals";
import { DAY, ProposalHelper, deployDao, offsetsProposal, unwrapEvidence } from "./helpers";

import { DEC_2024_END, JAN_2024 } from "./helpers";
const ALL_FOR = [Vote.For, Vote.For, Vote.For, Vote.For, Vote.For] as const;

describe("Climate DAO lifecycles", function () {
  describe("issuing offsets to a project voted on its quality criteria", function () {
    it("issues the tokens through the timelock and the ledger records the issuance", async function () {
      const dao = await loadFixture(deployDao);
      const proposal = offsetsProposal(dao);
      expect(proposal.criteria).to.deep.equal(DEFAULT_CRITERIA);
      const helper = new ProposalHelper(dao.governor, proposal);
      await expect(helper.propose(dao.alice))
        .to.emit(dao.governor, "ProposalCriteriaSet")
        .withArgs(helper.id, DEFAULT_CRITERIA);
      expect(await dao.governor.proposalCriteriaCount(helper.id)).to.equal(5);
      await helper.waitForSnapshot();
      await helper.vote(dao.alice, ALL_FOR);
      await helper.vote(dao.bob, [Vote.For, Vote.Against, Vote.For, Vote.Abstain, Vote.For]);
      await helper.waitForDeadline();
      expect(await dao.governor.state(helper.id)).to.equal(4); // Succeeded
      await helper.queue();
      await helper.waitForEta();
      const id = tokenIdOf(2, dao.timelock.target as string, unwrapEvidence(proposal.calldatas[0] as string, dao));
      await expect(helper.execute()).to.emit(dao.ledger, "Issued");

      const record = await dao.ledger.recordOf(id);
      expect(record.issuer).to.equal(dao.timelock.target);
      expect(record.issuee).to.equal(dao.project.address);
      expect(record.tokenType).to.equal(2);
      expect(record.fromDate).to.equal(JAN_2024);
      expect(record.thruDate).to.equal(DEC_2024_END);
      expect(await dao.ledger.issuedOf(id)).to.equal(12_500_000n);
      expect(await dao.ledger.balanceOf(dao.project.address, id)).to.equal(12_500_000n);
      expect(await dao.governor.state(helper.id)).to.equal(7); // Executed
      const [against, forVotes] = await dao.governor.criterionVotes(helper.id, 1);
      expect([against, forVotes]).to.deep.equal([300n * 10n ** 18n, 400n * 10n ** 18n]);
    });
  });

  describe("recording a claim verdict", function () {
    it("records the verdict with the executing proposal's id and the reason hash", async function () {
      const dao = await loadFixture(deployDao);
      await dao.claims.connect(dao.company).submitClaim({
        year: 2024, kind: 2, value: 5_000_000n, baseYear: 0, evidenceHash: ethers.id("claim evidence"), uri: "ipfs://claim",
      });
      const reason = "Audited emissions exceed the stated ceiling";
      const proposal = unwrap(
        recordClaimVerdict({ registry: dao.claims.target as string, claimId: 1n, approved: false, reason }),
      );
      const helper = new ProposalHelper(dao.governor, proposal);
      await expect(helper.run(dao.alice, [[dao.alice, Vote.For]]))
        .to.emit(dao.claims, "VerdictRecorded")
        .withArgs(1n, helper.id, 2, ethers.id(reason));
      const report = await dao.claims.claimOf(1n);
      expect(report.verdict.verdict).to.equal(2); // Rejected
      expect(report.verdict.proposalId).to.equal(helper.id);
      expect(report.verdict.reasonHash).to.equal(ethers.id(reason));
      expect(await dao.governor.executingProposalId()).to.equal(0n);
    });
  });

  describe("revoking a fraudulent issuance", function () {
    it("removes the amount and keeps issued == available + retired + revoked", async function () {
      const dao = await loadFixture(deployDao);
      const issue = offsetsProposal(dao, 7, null);
      await new ProposalHelper(dao.governor, issue).run(dao.alice, [[dao.alice, Vote.For]]);
      const id = tokenIdOf(2, dao.timelock.target as string, unwrapEvidence(issue.calldatas[0] as string, dao));
      await dao.ledger.connect(dao.project).retire(dao.project.address, id, 2_000_000n, {
        beneficiary: dao.project.address,
        beneficiaryNameCommitment: ethers.id("salt:Project"),
        fromDate: JAN_2024,
        thruDate: DEC_2024_END,
        reason: "own footprint",
      });
      const revoke = unwrap(
        revokeIssuance({
          ledger: dao.ledger.target as string, holder: dao.project.address, id, amount: 3_000_000n,
          quantity: "mass", reason: "double counting found by the verifier",
        }),
      );
      expect(revoke.description).to.contain("3 t CO2e");
      const revoking = new ProposalHelper(dao.governor, revoke);
      await expect(revoking.run(dao.bob, [[dao.alice, Vote.For]]))
        .to.emit(dao.ledger, "Revoked")
        .withArgs(dao.project.address, id, dao.timelock.target, 3_000_000n, revoking.id, "double counting found by the verifier");
      const [issued, available, retired, revoked] = await Promise.all([
        dao.ledger.issuedOf(id), dao.ledger.availableOf(id), dao.ledger.retiredOf(id), dao.ledger.revokedOf(id),
      ]);
      expect(revoked).to.equal(3_000_000n);
      expect(retired).to.equal(2_000_000n);
      expect(issued).to.equal(available + retired + revoked);
      expect(await dao.ledger.balanceOf(dao.project.address, id)).to.equal(available);
    });
  });

  describe("changing a governor setting", function () {
    it("changes the voting period only through a vote", async function () {
      const dao = await loadFixture(deployDao);
      const proposal = unwrap(
        changeGovernorSetting({ governor: dao.governor.target as string, setting: "votingPeriod", value: 3n * DAY }),
      );
      await expect(new ProposalHelper(dao.governor, proposal).run(dao.alice, [[dao.alice, Vote.For]]))
        .to.emit(dao.governor, "VotingPeriodSet")
        .withArgs(7n * DAY, 3n * DAY);
      expect(await dao.governor.votingPeriod()).to.equal(3n * DAY);
      await expect(dao.governor.connect(dao.alice).setVotingPeriod(DAY))
        .to.be.revertedWithCustomError(dao.governor, "GovernorOnlyExecutor")
        .withArgs(dao.alice.address);
    });

    it("changes the late-quorum extension through a vote, within the voting period", async function () {
      const dao = await loadFixture(deployDao);
      const g = dao.governor.target as string;
      const proposal = unwrap(changeGovernorSetting({ governor: g, setting: "lateQuorumExtension", value: DAY }));
      await expect(new ProposalHelper(dao.governor, proposal).run(dao.alice, [[dao.alice, Vote.For]]))
        .to.emit(dao.governor, "LateQuorumVoteExtensionSet")
        .withArgs(2n * DAY, DAY);
      expect(await dao.governor.lateQuorumVoteExtension()).to.equal(DAY);

      const tooLong = unwrap(changeGovernorSetting({ governor: g, setting: "lateQuorumExtension", value: 8n * DAY }));
      const helper = new ProposalHelper(dao.governor, tooLong);
      await helper.queueForExecution(dao.alice, [[dao.alice, Vote.For]]);
      await expect(helper.execute())
        .to.be.revertedWithCustomError(dao.governor, "GovernorPreventLateQuorumVoteExtensionTooLarge")
        .withArgs(8n * DAY, 7n * DAY);
    });
  });
});

