// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {GovernorProposalOutcome} from "./GovernorProposalOutcome.sol";

/**
 * @title GovernorCriteriaCounting
 * @notice Vote counting for the climate DAO: plain for/against/abstain proposals as in Governor Bravo, proposals
 * carrying quality criteria voted one by one, and an optional quadratic tally fixed at deployment.
 *
 * Plain proposals: `support` is 0 against, 1 for, 2 abstain, with empty params. Quorum counts for and abstain. The
 * proposal succeeds when quorum is met and for > against.
 *
 * Criteria proposals (created with {proposeWithCriteria}): `support` must be {CRITERIA_VOTE} (255) and `params` one
 * byte per criterion, in the proposal's criteria order, each 0 against, 1 for or 2 abstain. A voter's full weight
 * goes to each criterion. Quorum counts every criteria voter (participation). The proposal succeeds when quorum is
 * met and every criterion has more for than against.
 *
 * Quadratic tally: each vote counts `Math.sqrt(weight)` in the for/against/abstain tallies; quorum is still measured
 * on raw weight. Splitting tokens over many accounts raises the sum of square roots, so quadratic voting is only as
 * Sybil-resistant as membership itself (see docs/dao.md).
 *
 * Outcome kept while voting, so that {Governor-state} (read by queue and execute) does not recount: the vote that
 * reaches quorum records it ({GovernorProposalOutcome}), and each criteria vote keeps one bit per criterion saying
 * whether it has more for than against.
 */
abstract contract GovernorCriteriaCounting is GovernorProposalOutcome {
    /// @notice Vote kinds of a plain vote, and of each criterion byte (Governor Bravo order).
    enum VoteType {
        Against,
        For,
        Abstain
    }

    // Packed so that a vote writes as few slots as possible: a plain For vote writes one slot (for and quorum
    // votes); a criteria vote writes one slot per two criteria and support kind. The criteria count and the
    // per-criterion outcome are in the proposal's outcome slot ({GovernorProposalOutcome}), which every vote reads.
    // Tallies are uint128: weights come from an ERC20Votes token, whose supply is at most 2^208 - 1,
    // so casts are checked (SafeCast) and a token with a supply above 2^128 - 1 cannot vote (VotingToken caps it).
    struct ProposalTally {
        uint128 forVotes;
        uint120 quorumVotes;
        uint128 againstVotes;
        uint128 abstainVotes;
        // word = support * 8 + index / 2; lane = index % 2 (low or high 128 bits)
        mapping(uint256 word => uint256) criteria;
        mapping(address voter => bool) hasVoted;
    }

    /// @notice The `support` value of a criteria vote.
    uint8 public constant CRITERIA_VOTE = 255;

    /// @notice Most criteria a proposal may carry (bounds the per-vote loop).
    uint256 public constant MAX_CRITERIA = 16;

    mapping(uint256 proposalId => ProposalTally) private _tallies;

    bool private immutable _QUADRATIC;

    /// @notice Proposal `proposalId` carries `criteria`, voted on one by one in this order.
    event ProposalCriteriaSet(uint256 indexed proposalId, string[] criteria);

    /// @notice The number of criteria must be between 1 and `max`.
    error GovernorCriteriaInvalidCount(uint256 count, uint256 max);
    /// @notice Criterion `index` has an empty name.
    error GovernorCriteriaEmptyName(uint256 index);
    /// @notice Proposal `proposalId` carries `criteriaCount` criteria: vote with support 255 and one byte each.
    error GovernorCriteriaVoteRequired(uint256 proposalId, uint256 criteriaCount);
    /// @notice Proposal `proposalId` is plain: vote with support 0, 1 or 2 and no params.
    error GovernorCriteriaVoteOnPlainProposal(uint256 proposalId);
    /// @notice Criteria params must be exactly one byte per criterion.
    error GovernorCriteriaInvalidParams(uint256 proposalId, uint256 expectedLength, uint256 length);
    /// @notice The byte for criterion `index` is not 0 (against), 1 (for) or 2 (abstain).
    error GovernorCriteriaInvalidSupport(uint256 proposalId, uint256 index, uint8 support);

    /// @param quadratic_ Whether each vote counts the square root of the voter's weight.
    constructor(bool quadratic_) {
        _QUADRATIC = quadratic_;
    }

    /// @notice Whether votes count the square root of the voter's weight (fixed at deployment).
    function quadratic() public view virtual returns (bool) {
        return _QUADRATIC;
    }

    /**
     * @notice Describes the counting: Bravo support values; quorum of for+abstain (plain) or of all voters
     * (criteria); params carry per-criterion votes; tally linear or quadratic.
     */
    // solhint-disable-next-line func-name-mixedcase
    function COUNTING_MODE() public view virtual override returns (string memory) {
        return
            _QUADRATIC
                ? "support=bravo&quorum=for,abstain&params=criteria&criteriaquorum=participation&tally=quadratic"
                : "support=bravo&quorum=for,abstain&params=criteria&criteriaquorum=participation&tally=linear";
    }

    /**
     * @notice Creates a proposal that carries quality criteria, each voted for, against or abstain separately.
     * @dev Same rules as {Governor-propose} (threshold, `#proposer=` description restriction). Emits
     * {IGovernor-ProposalCreated} and {ProposalCriteriaSet}. A plain proposal with the same actions and description
     * has the same id; to keep anyone from creating it first, end the description with `#proposer=<your address>`.
     *
     * Requirements: 1 to {MAX_CRITERIA} criteria, none with an empty name.
     * @return proposalId The proposal id, as {Governor-getProposalId}.
     */
    function proposeWithCriteria(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        string[] memory criteria
    ) public virtual returns (uint256 proposalId) {
        uint256 count = criteria.length;
        if (count == 0 || count > MAX_CRITERIA) revert GovernorCriteriaInvalidCount(count, MAX_CRITERIA);
        for (uint256 i = 0; i < count; ++i) {
            if (bytes(criteria[i]).length == 0) revert GovernorCriteriaEmptyName(i);
        }
        proposalId = propose(targets, values, calldatas, description);
        _outcome(proposalId).criteriaCount = uint8(count); // count <= MAX_CRITERIA
        emit ProposalCriteriaSet(proposalId, criteria);
    }

    /// @inheritdoc IGovernor
    function hasVoted(uint256 proposalId, address account) public view virtual override returns (bool) {
        return _tallies[proposalId].hasVoted[account];
    }

    /**
     * @notice The tally of a plain proposal (all zero for a criteria proposal; see {criterionVotes}).
     * @return againstVotes Against. @return forVotes For. @return abstainVotes Abstain.
     */
    function proposalVotes(
        uint256 proposalId
    ) public view virtual returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes) {
        ProposalTally storage t = _tallies[proposalId];
        return (t.againstVotes, t.forVotes, t.abstainVotes);
    }

    /**
     * @notice The tally of criterion `index` of a criteria proposal (zeros for an index it does not have).
     * @return againstVotes Against. @return forVotes For. @return abstainVotes Abstain.
     */
    function criterionVotes(
        uint256 proposalId,
        uint256 index
    ) public view virtual returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes) {
        ProposalTally storage t = _tallies[proposalId];
        if (index >= _outcome(proposalId).criteriaCount) return (0, 0, 0);
        return (
            _criterionTally(t, uint8(VoteType.Against), index),
            _criterionTally(t, uint8(VoteType.For), index),
            _criterionTally(t, uint8(VoteType.Abstain), index)
        );
    }

    /// @notice Number of criteria proposal `proposalId` carries (0: a plain proposal). Names: {ProposalCriteriaSet}.
    function proposalCriteriaCount(uint256 proposalId) public view virtual returns (uint256) {
        return _outcome(proposalId).criteriaCount;
    }

    /// @notice Raw voting weight counted towards quorum so far.
    function proposalQuorumVotes(uint256 proposalId) public view virtual returns (uint256) {
        return _tallies[proposalId].quorumVotes;
    }

    /**
     * @dev Quorum is measured on raw weight: for+abstain voters (plain) or all voters (criteria).
     * Once a vote has recorded quorum the answer is known without the token's past supply: quorum is fixed at the
     * snapshot and quorum votes only grow, so reached stays reached. (The quorum may also be met with no vote at
     * all, e.g. a zero numerator: hence the computation when nothing is recorded.)
     */
    function _quorumReached(uint256 proposalId) internal view virtual override returns (bool) {
        return _quorumRecorded(proposalId) || quorum(proposalSnapshot(proposalId)) <= _tallies[proposalId].quorumVotes;
    }

    /**
     * @dev Plain: for > against. Criteria: for > against on every criterion. Read from the bits the votes keep
     * (after every vote, bit i == (for_i > against_i), and a plain proposal's bit 0 == (for > against); see
     * {_countVote} and {_countCriteria}) instead of the tallies.
     */
    function _voteSucceeded(uint256 proposalId) internal view virtual override returns (bool) {
        ProposalOutcome storage outcome = _outcome(proposalId);
        uint256 count = outcome.criteriaCount;
        return outcome.passing == (count == 0 ? 1 : (1 << count) - 1);
    }

    /**
     * @dev Counts a plain or a criteria vote (see the contract description) and returns the counted weight
     * (the square root of `totalWeight` in quadratic mode).
     */
    function _countVote(
        uint256 proposalId,
        address account,
        uint8 support,
        uint256 totalWeight,
        bytes memory params
    ) internal virtual override returns (uint256 counted) {
        ProposalTally storage tally = _tallies[proposalId];
        if (tally.hasVoted[account]) revert GovernorAlreadyCastVote(account);
        tally.hasVoted[account] = true;
        counted = _QUADRATIC ? Math.sqrt(totalWeight) : totalWeight;
        uint128 countedVotes = SafeCast.toUint128(counted);
        uint120 rawVotes = SafeCast.toUint120(totalWeight);

        ProposalOutcome storage outcome = _outcome(proposalId);
        uint256 count = outcome.criteriaCount;
        if (count == 0) {
            if (support == CRITERIA_VOTE) revert GovernorCriteriaVoteOnPlainProposal(proposalId);
            if (params.length != 0) revert GovernorInvalidVoteParams();
            // Bit 0 of `passing` keeps for > against, read only when this vote could flip it (see {_countCriteria}).
            if (support == uint8(VoteType.Against)) {
                tally.againstVotes += countedVotes;
                if (outcome.passing != 0 && tally.forVotes <= tally.againstVotes) outcome.passing = 0;
            } else if (support == uint8(VoteType.For)) {
                tally.forVotes += countedVotes;
                tally.quorumVotes += rawVotes;
                if (outcome.passing == 0 && tally.forVotes > tally.againstVotes) outcome.passing = 1;
            } else if (support == uint8(VoteType.Abstain)) {
                tally.abstainVotes += countedVotes;
                tally.quorumVotes += rawVotes;
            } else {
                revert GovernorInvalidVoteType();
            }
        } else {
            if (support != CRITERIA_VOTE) revert GovernorCriteriaVoteRequired(proposalId, count);
            if (params.length != count) revert GovernorCriteriaInvalidParams(proposalId, count, params.length);
            _countCriteria(proposalId, tally, outcome, count, countedVotes, params);
            tally.quorumVotes += rawVotes;
        }
    }

    /**
     * @dev Adds `countedVotes` to each criterion's tally for the voter's byte and keeps the passing bits (bit i set
     * iff for_i > against_i). A bit can only change one way per vote: a for vote can only make a failing criterion
     * pass and an against vote a passing one fail, so the opposite tally is read only then; a voter who agrees with
     * the current outcome pays nothing for the bits.
     */
    function _countCriteria(
        uint256 proposalId,
        ProposalTally storage tally,
        ProposalOutcome storage outcome,
        uint256 count,
        uint128 countedVotes,
        bytes memory params
    ) private {
        uint256 passing = outcome.passing;
        uint256 newPassing = passing;
        for (uint256 i = 0; i < count; ++i) {
            uint8 criterionSupport = uint8(params[i]);
            if (criterionSupport > uint8(VoteType.Abstain)) {
                revert GovernorCriteriaInvalidSupport(proposalId, i, criterionSupport);
            }
            uint256 word = uint256(criterionSupport) * 8 + i / 2;
            uint256 shift = (i % 2) * 128;
            uint256 packed = tally.criteria[word];
            uint256 sum = uint128(packed >> shift) + uint256(countedVotes);
            SafeCast.toUint128(sum); // reverts on overflow
            tally.criteria[word] = (packed & ~(uint256(type(uint128).max) << shift)) | (sum << shift);

            uint256 bit = 1 << i;
            if (criterionSupport == uint8(VoteType.For) && newPassing & bit == 0) {
                if (sum > _criterionTally(tally, uint8(VoteType.Against), i)) newPassing |= bit;
            } else if (criterionSupport == uint8(VoteType.Against) && newPassing & bit != 0) {
                if (_criterionTally(tally, uint8(VoteType.For), i) <= sum) newPassing &= ~bit;
            }
        }
        if (newPassing != passing) outcome.passing = uint16(newPassing); // bits < MAX_CRITERIA = 16
    }

    /// @dev The `support` tally of criterion `index`.
    function _criterionTally(ProposalTally storage tally, uint8 support, uint256 index) private view returns (uint256) {
        return uint128(tally.criteria[uint256(support) * 8 + index / 2] >> ((index % 2) * 128));
    }
}
