// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/**
 * @title GovernorProposalOutcome
 * @notice Late-quorum protection and the queue's eta, kept with what {Governor-state} needs in one slot per proposal.
 *
 * Late quorum: the same rule and interface as OpenZeppelin's GovernorPreventLateQuorum (which this contract
 * replaces): when a vote first makes a proposal reach quorum, its vote stays open at least
 * {lateQuorumVoteExtension} longer ({ProposalExtended}); the extension is a setting changed only by vote
 * ({LateQuorumVoteExtensionSet}) and is at most the voting period.
 *
 * Why one slot: OpenZeppelin keeps the late-quorum deadline, the eta and the tally in three separate slots, so queueing
 * wrote a fresh slot for the eta (22,100 gas) and {Governor-state} read the token's past supply and every criterion
 * tally again. Here the vote that reaches quorum writes the slot (as OpenZeppelin's deadline write did); queueing
 * then writes the eta into that slot, already non-zero and already read by {Governor-state} (2,900 gas), and the
 * recorded deadline itself says that quorum was reached. The counting module keeps the for > against outcome there.
 */
abstract contract GovernorProposalOutcome is Governor {
    struct ProposalOutcome {
        // clock() + lateQuorumVoteExtension() when a vote first made the proposal reach quorum; 0 before. Never 0
        // once set (clock() > 0), so it doubles as "quorum reached".
        uint48 quorumDeadline;
        // When the timelock may execute; 0 until queued.
        uint48 eta;
        // Set by the counting module: how many criteria (0: a plain proposal), and bit i set while criterion i has
        // more for than against (a plain proposal: bit 0 while for > against). Kept here so that state() reads one
        // slot for the whole outcome.
        uint8 criteriaCount;
        uint16 passing;
    }

    mapping(uint256 proposalId => ProposalOutcome) private _outcomes;

    uint48 private _voteExtension;

    /// @notice Proposal `proposalId` reached quorum late: its vote now ends at `extendedDeadline`.
    event ProposalExtended(uint256 indexed proposalId, uint64 extendedDeadline);

    /// @notice The late-quorum extension changed from `oldVoteExtension` to `newVoteExtension` seconds.
    event LateQuorumVoteExtensionSet(uint64 oldVoteExtension, uint64 newVoteExtension);

    /// @notice The late-quorum extension must not exceed `maxVoteExtension` (the voting period).
    error GovernorPreventLateQuorumVoteExtensionTooLarge(uint256 newVoteExtension, uint256 maxVoteExtension);

    /// @param initialVoteExtension Seconds a vote stays open after quorum is reached late (<= voting period).
    constructor(uint48 initialVoteExtension) {
        _setLateQuorumVoteExtension(initialVoteExtension);
    }

    /// @notice Seconds a vote stays open after the vote that reaches quorum.
    function lateQuorumVoteExtension() public view virtual returns (uint48) {
        return _voteExtension;
    }

    /**
     * @notice Sets the late-quorum extension (seconds).
     * @dev Emits a {LateQuorumVoteExtensionSet} event. Requirements: called through a proposal; at most the voting
     * period.
     */
    function setLateQuorumVoteExtension(uint48 newVoteExtension) public virtual onlyGovernance {
        _setLateQuorumVoteExtension(newVoteExtension);
    }

    /// @notice The proposal's deadline, pushed back if quorum was reached late.
    function proposalDeadline(uint256 proposalId) public view virtual override returns (uint256) {
        return Math.max(super.proposalDeadline(proposalId), _outcomes[proposalId].quorumDeadline);
    }

    /// @inheritdoc IGovernor
    function proposalEta(uint256 proposalId) public view virtual override returns (uint256) {
        return _outcomes[proposalId].eta;
    }

    /**
     * @notice Queues a succeeded proposal's operations, as {Governor-queue}, keeping the eta in the outcome slot.
     * @dev Emits {IGovernor-ProposalQueued}. Requirements: the proposal has succeeded and needs queuing.
     */
    function queue(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public virtual override returns (uint256) {
        uint256 proposalId = getProposalId(targets, values, calldatas, descriptionHash);
        _validateStateBitmap(proposalId, _encodeStateBitmap(ProposalState.Succeeded));
        if (!proposalNeedsQueuing(proposalId)) revert GovernorProposalQueueingNotRequired(proposalId);

        uint48 eta = _queueOperations(proposalId, targets, values, calldatas, descriptionHash);
        if (eta == 0) revert GovernorProposalQueueingFailed(proposalId);
        _outcomes[proposalId].eta = eta;
        emit ProposalQueued(proposalId, eta);
        return proposalId;
    }

    /// @dev Records the late-quorum deadline when this vote made the proposal reach quorum.
    /// May emit {ProposalExtended}.
    function _tallyUpdated(uint256 proposalId) internal virtual override {
        super._tallyUpdated(proposalId);
        ProposalOutcome storage outcome = _outcomes[proposalId];
        if (outcome.quorumDeadline == 0 && _quorumReached(proposalId)) {
            uint48 extendedDeadline = clock() + lateQuorumVoteExtension();
            if (extendedDeadline > proposalDeadline(proposalId)) emit ProposalExtended(proposalId, extendedDeadline);
            outcome.quorumDeadline = extendedDeadline;
        }
    }

    /// @dev Whether a vote has already made the proposal reach quorum (quorum reached stays reached: see counting).
    function _quorumRecorded(uint256 proposalId) internal view returns (bool) {
        return _outcomes[proposalId].quorumDeadline != 0;
    }

    /// @dev The outcome slot of a proposal, for the counting module's criteria bits.
    function _outcome(uint256 proposalId) internal view returns (ProposalOutcome storage) {
        return _outcomes[proposalId];
    }

    /// @dev Upper bound of the extension: the voting period.
    function _maxLateQuorumVoteExtension() internal view virtual returns (uint256) {
        return votingPeriod();
    }

    function _setLateQuorumVoteExtension(uint48 newVoteExtension) internal virtual {
        uint256 maxVoteExtension = _maxLateQuorumVoteExtension();
        if (newVoteExtension > maxVoteExtension) {
            revert GovernorPreventLateQuorumVoteExtensionTooLarge(newVoteExtension, maxVoteExtension);
        }
        emit LateQuorumVoteExtensionSet(_voteExtension, newVoteExtension);
        _voteExtension = newVoteExtension;
    }
}
