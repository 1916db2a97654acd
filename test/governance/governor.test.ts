import { expect } from "chai";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { FunctionFragment } from "ethers";
import { IERC165__factory, IGovernor__factory } from "../../typechain-types";
import type { Proposal, VoteSupport } from "../../scripts/governance/proposals";
import {
  CRITERIA_VOTE,
  Vote,
  changeGovernorSetting,
  encodeCriteriaVotes,
  unwrap,
} from "../../scripts/governance/proposals";
import type { Dao } from "./helpers";
import {
  DAY, ProposalHelper, SETTINGS, TOKEN, deployDao, deployQuadraticDao, expectEachRefused, offsetsProposal, sqrt,
} from "./helpers";

const ALL_FOR = [Vote.For, Vote.For, Vote.For, Vote.For, Vote.For] as const;
const State = { Pending: 0, Active: 1, Canceled: 2, Defeated: 3, Succeeded: 4, Queued: 5, Expired: 6, Executed: 7 };

/** A plain proposal that changes a setting (harmless to execute). */
function plainProposal(dao: Dao, value = 3n * DAY): Proposal {
  return unwrap(
    changeGovernorSetting({ governor: dao.governor.target as string, setting: "votingPeriod", value }),
  );
}

/** The ERC-165 id of an interface: XOR of its function selectors. */
function interfaceId(fragments: ReadonlyArray<{ selector: string }>): string {
  const id = fragments.reduce((acc, f) => acc ^ BigInt(f.selector), 0n);
  return "0x" + id.toString(16).padStart(8, "0");
}

describe("ClimateGovernor", function () {
  describe("interfaces front ends expect", function () {
    it("answers ERC-165 for IGovernor, IERC1155Receiver and IERC165", async function () {
      const { governor } = await loadFixture(deployDao);
      // IGovernor's own functions (its ABI also lists those inherited from IERC165 and IERC6372).
      const inherited = ["supportsInterface", "clock", "CLOCK_MODE"];
      const own = IGovernor__factory.createInterface().fragments.filter(
        (f): f is FunctionFragment => f instanceof FunctionFragment && !inherited.includes(f.name),
      );
      const iGovernor = interfaceId(own);
      expect(await governor.supportsInterface(iGovernor)).to.equal(true);
      expect(await governor.supportsInterface("0x4e2312e0")).to.equal(true); // IERC1155Receiver
      const erc165 = interfaceId(
        IERC165__factory.createInterface().fragments.filter((f): f is FunctionFragment => f instanceof FunctionFragment),
      );
      expect(await governor.supportsInterface(erc165)).to.equal(true);
      expect(await governor.supportsInterface("0xffffffff")).to.equal(false);
    });

    it("runs on the token's timestamp clock", async function () {
      const { governor, token } = await loadFixture(deployDao);
      expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await governor.clock()).to.equal(await time.latest());
    });

    it("refuses a token whose clock is not timestamps", async function () {
      const dao = await loadFixture(deployDao);
      const g = SETTINGS;
      const factory = await ethers.getContractFactory("ClimateGovernor");
      // The ledger has no ERC-6372 clock at all; the call reverts.
      await expect(
        factory.deploy(dao.ledger.target, dao.timelock.target, g.votingDelay, g.votingPeriod, g.proposalThreshold,
          g.quorumNumerator, g.lateQuorumExtension, false),
      ).to.be.reverted;
    });

    it("describes its counting and settings", async function () {
      const { governor } = await loadFixture(deployDao);
      expect(await governor.name()).to.equal("ClimateGovernor");
      expect(await governor.COUNTING_MODE()).to.equal(
        "support=bravo&quorum=for,abstain&params=criteria&criteriaquorum=participation&tally=linear",
      );
      expect(await governor.quadratic()).to.equal(false);
      expect(await governor.votingDelay()).to.equal(SETTINGS.votingDelay);
      expect(await governor.votingPeriod()).to.equal(SETTINGS.votingPeriod);
      expect(await governor.proposalThreshold()).to.equal(SETTINGS.proposalThreshold);
      expect(await governor["quorumNumerator()"]()).to.equal(SETTINGS.quorumNumerator);
      expect(await governor.lateQuorumVoteExtension()).to.equal(SETTINGS.lateQuorumExtension);
      expect(await governor.proposalNeedsQueuing(0n)).to.equal(true);
      expect(await governor.quorum((await time.latest()) - 1)).to.equal(100n * TOKEN);
    });
  });

  describe("proposing", function () {
    it("refuses a proposer below the threshold", async function () {
      const dao = await loadFixture(deployDao);
      await expect(new ProposalHelper(dao.governor, plainProposal(dao)).propose(dao.outsider))
        .to.be.revertedWithCustomError(dao.governor, "GovernorInsufficientProposerVotes")
        .withArgs(dao.outsider.address, 0n, SETTINGS.proposalThreshold);
    });

    it("refuses criteria lists that are empty, too long or have an empty name", async function () {
      const dao = await loadFixture(deployDao);
      const p = offsetsProposal(dao);
      const g = dao.governor.connect(dao.alice);
      await expect(g.proposeWithCriteria(p.targets, p.values, p.calldatas, p.description, []))
        .to.be.revertedWithCustomError(g, "GovernorCriteriaInvalidCount")
        .withArgs(0, 16);
      const many = Array.from({ length: 17 }, (_, i) => `c${i}`);
      await expect(g.proposeWithCriteria(p.targets, p.values, p.calldatas, p.description, many))
        .to.be.revertedWithCustomError(g, "GovernorCriteriaInvalidCount")
        .withArgs(17, 16);
      await expect(g.proposeWithCriteria(p.targets, p.values, p.calldatas, p.description, ["real", ""]))
        .to.be.revertedWithCustomError(g, "GovernorCriteriaEmptyName")
        .withArgs(1);
    });

    it("lets only the named proposer create a proposal whose description ends with #proposer=", async function () {
      const dao = await loadFixture(deployDao);
      const p = plainProposal(dao);
      const restricted = { ...p, description: `${p.description}\n\n#proposer=${dao.alice.address}` };
      await expect(new ProposalHelper(dao.governor, restricted).propose(dao.bob))
        .to.be.revertedWithCustomError(dao.governor, "GovernorRestrictedProposer")
        .withArgs(dao.bob.address);
      await expect(new ProposalHelper(dao.governor, restricted).propose(dao.alice)).to.emit(
        dao.governor,
        "ProposalCreated",
      );
    });

    it("refuses a second proposal with the same id", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, plainProposal(dao));
      await helper.propose(dao.alice);
      await expect(helper.propose(dao.bob)).to.be.revertedWithCustomError(
        dao.governor,
        "GovernorUnexpectedProposalState",
      );
    });
  });

  describe("voting", function () {
    async function activePlain() {
      const dao = await loadFixture(deployDao);
      const plain = new ProposalHelper(dao.governor, plainProposal(dao));
      const criteria = new ProposalHelper(dao.governor, offsetsProposal(dao));
      await plain.propose(dao.alice);
      await criteria.propose(dao.alice);
      await criteria.waitForSnapshot(); // the later of the two
      return { ...dao, plain, criteria };
    }

    it("refuses votes before the voting period", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, plainProposal(dao));
      await helper.propose(dao.alice);
      await expect(helper.vote(dao.alice, Vote.For)).to.be.revertedWithCustomError(
        dao.governor,
        "GovernorUnexpectedProposalState",
      );
    });

    it("refuses votes after the voting period", async function () {
      const { plain, alice, governor } = await loadFixture(activePlain);
      await plain.waitForDeadline();
      await expect(plain.vote(alice, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(plain.id, State.Defeated, ethers.toBeHex(1n << BigInt(State.Active), 32));
    });

    it("refuses a second vote by the same member", async function () {
      const { plain, criteria, alice, governor } = await loadFixture(activePlain);
      await plain.vote(alice, Vote.For);
      await expect(plain.vote(alice, Vote.Against))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(alice.address);
      await criteria.vote(alice, ALL_FOR);
      await expect(criteria.vote(alice, ALL_FOR))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(alice.address);
    });

    it("counts plain votes for, against and abstain", async function () {
      const { plain, alice, bob, carol, governor } = await loadFixture(activePlain);
      await expect(plain.vote(alice, Vote.For, "good"))
        .to.emit(governor, "VoteCast")
        .withArgs(alice.address, plain.id, Vote.For, 400n * TOKEN, "good");
      await plain.vote(bob, Vote.Against);
      await plain.vote(carol, Vote.Abstain);
      expect(await governor.proposalVotes(plain.id)).to.deep.equal([300n * TOKEN, 400n * TOKEN, 200n * TOKEN]);
      expect(await governor.proposalQuorumVotes(plain.id)).to.equal(600n * TOKEN);
      expect(await governor.hasVoted(plain.id, alice.address)).to.equal(true);
    });

    it("refuses a criteria vote on a plain proposal, params on a plain vote, and unknown support", async function () {
      const { plain, alice, governor } = await loadFixture(activePlain);
      const g = governor.connect(alice);
      await expect(g.castVoteWithReasonAndParams(plain.id, CRITERIA_VOTE, "", encodeCriteriaVotes(ALL_FOR)))
        .to.be.revertedWithCustomError(governor, "GovernorCriteriaVoteOnPlainProposal")
        .withArgs(plain.id);
      await expect(g.castVoteWithReasonAndParams(plain.id, Vote.For, "", "0x01")).to.be.revertedWithCustomError(
        governor,
        "GovernorInvalidVoteParams",
      );
      await expect(g.castVote(plain.id, 3)).to.be.revertedWithCustomError(governor, "GovernorInvalidVoteType");
    });

    it("refuses a plain vote on a criteria proposal and malformed criteria params", async function () {
      const { criteria, alice, governor } = await loadFixture(activePlain);
      const g = governor.connect(alice);
      await expect(g.castVote(criteria.id, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorCriteriaVoteRequired")
        .withArgs(criteria.id, 5);
      await expect(g.castVoteWithReasonAndParams(criteria.id, CRITERIA_VOTE, "", "0x01010101"))
        .to.be.revertedWithCustomError(governor, "GovernorCriteriaInvalidParams")
        .withArgs(criteria.id, 5, 4);
      await expect(g.castVoteWithReasonAndParams(criteria.id, CRITERIA_VOTE, "", "0x0101030101"))
        .to.be.revertedWithCustomError(governor, "GovernorCriteriaInvalidSupport")
        .withArgs(criteria.id, 2, 3);
      expect(await governor.hasVoted(criteria.id, alice.address)).to.equal(false);
    });

    it("gives a criteria voter's full weight to each criterion", async function () {
      const { criteria, alice, bob, governor } = await loadFixture(activePlain);
      const params = encodeCriteriaVotes([Vote.For, Vote.Against, Vote.Abstain, Vote.For, Vote.For]);
      await expect(criteria.vote(alice, [Vote.For, Vote.Against, Vote.Abstain, Vote.For, Vote.For], "see report"))
        .to.emit(governor, "VoteCastWithParams")
        .withArgs(alice.address, criteria.id, CRITERIA_VOTE, 400n * TOKEN, "see report", params);
      await criteria.vote(bob, ALL_FOR);
      expect(await governor.criterionVotes(criteria.id, 0)).to.deep.equal([0n, 700n * TOKEN, 0n]);
      expect(await governor.criterionVotes(criteria.id, 1)).to.deep.equal([400n * TOKEN, 300n * TOKEN, 0n]);
      expect(await governor.criterionVotes(criteria.id, 2)).to.deep.equal([0n, 300n * TOKEN, 400n * TOKEN]);
      expect(await governor.criterionVotes(criteria.id, 5)).to.deep.equal([0n, 0n, 0n]);
      expect(await governor.proposalVotes(criteria.id)).to.deep.equal([0n, 0n, 0n]);
      expect(await governor.proposalQuorumVotes(criteria.id)).to.equal(700n * TOKEN);
    });
  });

  describe("defeat paths", function () {
    it("defeats a proposal that misses quorum, and it cannot be queued", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, plainProposal(dao));
      await helper.proposeAndVote(dao.alice, [[dao.dave, Vote.For]]); // 60 of the 100 needed
      expect(await dao.governor.state(helper.id)).to.equal(State.Defeated);
      await expect(helper.queue()).to.be.revertedWithCustomError(dao.governor, "GovernorUnexpectedProposalState");
    });

    it("defeats a proposal with more votes against than for", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, plainProposal(dao));
      await helper.proposeAndVote(dao.alice, [[dao.alice, Vote.For], [dao.bob, Vote.Against], [dao.carol, Vote.Against]]);
      expect(await dao.governor.state(helper.id)).to.equal(State.Defeated);
    });

    it("defeats a criteria proposal when one criterion fails while the others pass", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, offsetsProposal(dao));
      const notPermanent = [Vote.For, Vote.For, Vote.Against, Vote.For, Vote.For] as const;
      await helper.proposeAndVote(dao.alice, [[dao.alice, ALL_FOR], [dao.bob, notPermanent], [dao.carol, notPermanent]]);
      expect(await dao.governor.criterionVotes(helper.id, 2)).to.deep.equal([500n * TOKEN, 400n * TOKEN, 0n]);
      expect(await dao.governor.criterionVotes(helper.id, 4)).to.deep.equal([0n, 900n * TOKEN, 0n]);
      expect(await dao.governor.state(helper.id)).to.equal(State.Defeated);
    });

    it("follows a plain proposal's outcome as it flips: a tie defeats it, a later majority passes it", async function () {
      const dao = await loadFixture(deployDao);
      const tie = new ProposalHelper(dao.governor, plainProposal(dao));
      await tie.proposeAndVote(dao.alice, [
        [dao.alice, Vote.For], //     400 : 0, passes
        [dao.bob, Vote.Against], //   400 : 300
        [dao.carol, Vote.Against], // 400 : 500, fails
        [dao.dave, Vote.For], //      460 : 500
        [dao.erin, Vote.For], //      500 : 500, a tie fails
      ]);
      expect(await dao.governor.state(tie.id)).to.equal(State.Defeated);

      const back = new ProposalHelper(dao.governor, plainProposal(dao, 4n * DAY));
      await back.proposeAndVote(dao.alice, [
        [dao.bob, Vote.Against], //  0 : 300
        [dao.carol, Vote.For], //    200 : 300, fails
        [dao.alice, Vote.For], //    600 : 300, passes
        [dao.erin, Vote.Against], // 600 : 340, still passes
      ]);
      expect(await dao.governor.state(back.id)).to.equal(State.Succeeded);
    });

    it("follows a criterion's outcome as it flips: a later tie fails it, a later majority passes it", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, offsetsProposal(dao));
      const additional = (v: VoteSupport) => [Vote.For, v, Vote.For, Vote.For, Vote.For] as const;
      await helper.proposeAndVote(dao.alice, [
        [dao.carol, additional(Vote.Against)], // 0 for : 200 against
        [dao.alice, additional(Vote.For)], //   400 : 200, passes
        [dao.bob, additional(Vote.Against)], // 400 : 500, fails
        [dao.dave, additional(Vote.For)], //    460 : 500, fails
        [dao.erin, additional(Vote.For)], //    500 : 500, a tie fails
      ]);
      expect(await dao.governor.criterionVotes(helper.id, 1)).to.deep.equal([500n * TOKEN, 500n * TOKEN, 0n]);
      expect(await dao.governor.state(helper.id)).to.equal(State.Defeated);

      const second = new ProposalHelper(dao.governor, offsetsProposal(dao, 2));
      await second.proposeAndVote(dao.alice, [
        [dao.bob, additional(Vote.Against)], //  0 : 300
        [dao.alice, additional(Vote.For)], //    400 : 300, passes
        [dao.carol, additional(Vote.Against)], // 400 : 500, fails
        [dao.dave, additional(Vote.Abstain)], // unchanged
      ]);
      expect(await dao.governor.state(second.id)).to.equal(State.Defeated);

      const third = new ProposalHelper(dao.governor, offsetsProposal(dao, 3));
      await third.proposeAndVote(dao.alice, [
        [dao.carol, additional(Vote.Against)], // 0 : 200
        [dao.bob, additional(Vote.For)], //       300 : 200, passes
        [dao.dave, additional(Vote.Against)], //  300 : 260, still passes
        [dao.erin, additional(Vote.Against)], //  300 : 300, fails
        [dao.alice, additional(Vote.For)], //     700 : 300, passes again
      ]);
      expect(await dao.governor.state(third.id)).to.equal(State.Succeeded);
    });

    it("decides a zero-quorum proposal by its votes alone", async function () {
      const dao = await loadFixture(deployDao);
      const g = SETTINGS;
      const governor = await (await ethers.getContractFactory("ClimateGovernor")).deploy(
        dao.token.target, dao.timelock.target, g.votingDelay, g.votingPeriod, 0n, 0n, g.lateQuorumExtension, false,
      );
      const helper = new ProposalHelper(governor, plainProposal(dao));
      await helper.propose(dao.alice);
      await helper.waitForDeadline(); // no vote: quorum 0 is met, but for 0 is not more than against 0
      expect(await governor.state(helper.id)).to.equal(State.Defeated);
      const other = new ProposalHelper(governor, plainProposal(dao, 4n * DAY));
      await other.proposeAndVote(dao.alice, [[dao.erin, Vote.For]]); // 40 tokens, and the quorum is 0
      expect(await governor.state(other.id)).to.equal(State.Succeeded);
    });

    it("extends the deadline when quorum is reached late", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, plainProposal(dao));
      await helper.propose(dao.alice);
      const deadline = await dao.governor.proposalDeadline(helper.id);
      await time.increaseTo(deadline - 100n);
      const voteTime = deadline - 99n;
      await time.setNextBlockTimestamp(voteTime);
      await expect(helper.vote(dao.alice, Vote.For))
        .to.emit(dao.governor, "ProposalExtended")
        .withArgs(helper.id, voteTime + SETTINGS.lateQuorumExtension);
      expect(await dao.governor.proposalDeadline(helper.id)).to.equal(voteTime + SETTINGS.lateQuorumExtension);
      await time.increaseTo(deadline + 1n);
      expect(await dao.governor.state(helper.id)).to.equal(State.Active);
      await helper.vote(dao.bob, Vote.Against); // still open: the others can answer
      await helper.waitForDeadline();
      expect(await dao.governor.state(helper.id)).to.equal(State.Succeeded);
    });
  });

  describe("queueing and executing", function () {
    it("refuses to execute before the timelock delay", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, plainProposal(dao));
      await helper.proposeAndVote(dao.alice, [[dao.alice, Vote.For]]);
      await expect(helper.queue()).to.emit(dao.governor, "ProposalQueued");
      await expect(helper.execute()).to.be.revertedWithCustomError(dao.timelock, "TimelockUnexpectedOperationState");
      await expect(helper.queue()).to.be.revertedWithCustomError(dao.governor, "GovernorUnexpectedProposalState");
    });

    it("keeps the eta after execution, and reports a proposal queued until then", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, plainProposal(dao));
      expect(await dao.governor.proposalEta(helper.id)).to.equal(0n);
      await helper.proposeAndVote(dao.alice, [[dao.alice, Vote.For]]);
      expect(await dao.governor.state(helper.id)).to.equal(State.Succeeded);
      const tx = await helper.queue();
      const eta = BigInt((await tx.getBlock())!.timestamp) + SETTINGS.timelockDelay;
      await expect(tx).to.emit(dao.governor, "ProposalQueued").withArgs(helper.id, eta);
      expect(await dao.governor.proposalEta(helper.id)).to.equal(eta);
      expect(await dao.governor.state(helper.id)).to.equal(State.Queued);
      await helper.waitForEta();
      await helper.execute();
      expect(await dao.governor.state(helper.id)).to.equal(State.Executed);
      expect(await dao.governor.proposalEta(helper.id)).to.equal(eta);
    });

    it("refuses anyone but the governor running the queued operation directly on the timelock", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, offsetsProposal(dao, 5, null));
      await helper.queueForExecution(dao.alice, [[dao.alice, Vote.For]]);
      const p = helper.proposal;
      await expect(
        dao.timelock.connect(dao.outsider).executeBatch(p.targets, p.values, p.calldatas, ethers.ZeroHash,
          helper.timelockSalt),
      )
        .to.be.revertedWithCustomError(dao.timelock, "AccessControlUnauthorizedAccount")
        .withArgs(dao.outsider.address, await dao.timelock.EXECUTOR_ROLE());
      expect(await dao.governor.state(helper.id)).to.equal(State.Queued);
      await helper.execute(dao.outsider);
      expect(await dao.governor.state(helper.id)).to.equal(State.Executed);
    });

    it("reports Executed when an executor the DAO appointed runs the queued operation directly", async function () {
      const dao = await loadFixture(deployDao);
      const timelockAddress = await dao.timelock.getAddress();
      await impersonateAccount(timelockAddress);
      await setBalance(timelockAddress, 10n ** 18n);
      const timelockSigner = await ethers.getSigner(timelockAddress);
      await dao.timelock.connect(timelockSigner).grantRole(await dao.timelock.EXECUTOR_ROLE(), dao.outsider.address);
      const helper = new ProposalHelper(dao.governor, offsetsProposal(dao, 5, null));
      await helper.queueForExecution(dao.alice, [[dao.alice, Vote.For]]);
      const p = helper.proposal;
      await dao.timelock.connect(dao.outsider).executeBatch(p.targets, p.values, p.calldatas, ethers.ZeroHash,
        helper.timelockSalt);
      expect(await dao.governor.state(helper.id)).to.equal(State.Executed);
      await expect(helper.execute()).to.be.revertedWithCustomError(dao.governor, "GovernorUnexpectedProposalState");
    });

    it("refuses governor settings changed outside a proposal", async function () {
      const { governor, alice } = await loadFixture(deployDao);
      await expect(governor.connect(alice).setProposalThreshold(0))
        .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
        .withArgs(alice.address);
      await expectEachRefused(governor, "GovernorOnlyExecutor", [
        () => governor.connect(alice).updateQuorumNumerator(1),
        () => governor.connect(alice).setLateQuorumVoteExtension(0),
      ]);
    });

    it("lets the proposer cancel before voting starts", async function () {
      const dao = await loadFixture(deployDao);
      const helper = new ProposalHelper(dao.governor, plainProposal(dao));
      await helper.propose(dao.alice);
      const p = helper.proposal;
      await expect(dao.governor.connect(dao.alice).cancel(p.targets, p.values, p.calldatas, helper.descriptionHash))
        .to.emit(dao.governor, "ProposalCanceled")
        .withArgs(helper.id);
      expect(await dao.governor.state(helper.id)).to.equal(State.Canceled);
    });
  });

  describe("with a quadratic tally", function () {
    it("counts the square root of each weight and measures quorum on raw weight", async function () {
      const dao = await loadFixture(deployQuadraticDao);
      expect(await dao.governor.quadratic()).to.equal(true);
      expect(await dao.governor.COUNTING_MODE()).to.contain("tally=quadratic");
      const helper = new ProposalHelper(dao.governor, plainProposal(dao));
      await helper.propose(dao.alice);
      await helper.waitForSnapshot();
      await expect(helper.vote(dao.dave, Vote.For))
        .to.emit(dao.governor, "VoteCast")
        .withArgs(dao.dave.address, helper.id, Vote.For, sqrt(60n * TOKEN), "");
      await helper.vote(dao.erin, Vote.For);
      expect(await dao.governor.proposalQuorumVotes(helper.id)).to.equal(100n * TOKEN); // exactly the quorum
      const [, forVotes] = await dao.governor.proposalVotes(helper.id);
      expect(forVotes).to.equal(sqrt(60n * TOKEN) + sqrt(40n * TOKEN));
      await helper.waitForDeadline();
      expect(await dao.governor.state(helper.id)).to.equal(State.Succeeded);
    });

    it("lets many small holders outvote one large holder where the linear tally does not", async function () {
      for (const [fixture, expected] of [
        [deployDao, State.Succeeded],
        [deployQuadraticDao, State.Defeated],
      ] as const) {
        const dao = await loadFixture(fixture);
        const helper = new ProposalHelper(dao.governor, plainProposal(dao));
        await helper.proposeAndVote(dao.alice, [
          [dao.alice, Vote.For], // 400
          ...[dao.carol, dao.dave, dao.erin].map((m) => [m, Vote.Against] as const), // 200 + 60 + 40
        ]);
        expect(await dao.governor.state(helper.id)).to.equal(expected);
      }
    });

    it("tallies criteria votes by square root too", async function () {
      const dao = await loadFixture(deployQuadraticDao);
      const helper = new ProposalHelper(dao.governor, offsetsProposal(dao));
      await helper.propose(dao.alice);
      await helper.waitForSnapshot();
      await helper.vote(dao.bob, ALL_FOR);
      expect(await dao.governor.criterionVotes(helper.id, 3)).to.deep.equal([0n, sqrt(300n * TOKEN), 0n]);
      expect(await dao.governor.proposalQuorumVotes(helper.id)).to.equal(300n * TOKEN);
    });
  });
});
