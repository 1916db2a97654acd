// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from
    "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {GovernorCriteriaCounting} from "./GovernorCriteriaCounting.sol";
import {GovernorProposalOutcome} from "./GovernorProposalOutcome.sol";
import {IProposalExecution} from "./IProposalExecution.sol";

/**
 * @title ClimateGovernor
 * @notice The climate DAO's governor: OpenZeppelin Governor with settings changeable only by vote, quorum as a
 * fraction of the voting token's supply, late-quorum protection, a timelock executor, vote by signature with nonces,
 * and {GovernorCriteriaCounting} (quality-criteria votes, optional quadratic tally).
 *
 * Proposals are listed from events: {IGovernor-ProposalCreated} and, for criteria proposals,
 * {GovernorCriteriaCounting-ProposalCriteriaSet}. The clock is the voting token's, which must be timestamps
 * (checked at deployment). Late-quorum protection is {GovernorProposalOutcome} (OpenZeppelin's rule and interface,
 * with the eta and outcome bits in one slot per proposal).
 */
contract ClimateGovernor is
    Governor,
    GovernorSettings,
    GovernorCriteriaCounting,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl,
    IProposalExecution
{
    using TransientSlot for *;

    // keccak256(abi.encode(uint256(keccak256("climate.governor.executingProposalId")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _EXECUTING_SLOT = 0xdc66c659059267952f5142a9124628c01dd3096621587978c52383305537e700;

    /// @notice The voting token's ERC-6372 clock is `mode`, not timestamps.
    error ClimateGovernorClockNotTimestamp(string mode);

    /**
     * @param token The voting token (ERC20Votes, timestamp clock).
     * @param timelock The executor; the governor must be its proposer and canceller.
     * @param initialVotingDelay Seconds from proposal to the vote snapshot and start.
     * @param initialVotingPeriod Seconds the vote lasts.
     * @param initialProposalThreshold Votes needed to propose.
     * @param initialQuorumNumerator Quorum as a percentage of the supply at the snapshot (denominator 100).
     * @param initialLateQuorumExtension Seconds a vote stays open after quorum is reached late (<= voting period).
     * @param quadratic_ Whether each vote counts the square root of the voter's weight.
     */
    constructor(
        IVotes token,
        TimelockController timelock,
        uint48 initialVotingDelay,
        uint32 initialVotingPeriod,
        uint256 initialProposalThreshold,
        uint256 initialQuorumNumerator,
        uint48 initialLateQuorumExtension,
        bool quadratic_
    )
        Governor("ClimateGovernor")
        GovernorSettings(initialVotingDelay, initialVotingPeriod, initialProposalThreshold)
        GovernorProposalOutcome(initialLateQuorumExtension)
        GovernorCriteriaCounting(quadratic_)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(initialQuorumNumerator)
        GovernorTimelockControl(timelock)
    {
        string memory mode = IERC6372(address(token)).CLOCK_MODE();
        if (keccak256(bytes(mode)) != keccak256("mode=timestamp")) revert ClimateGovernorClockNotTimestamp(mode);
    }

    /**
     * @notice ERC-6372 clock: the block timestamp, which is the voting token's clock (checked at deployment).
     * @dev Read here rather than asked of the token: {Governor-state} reads the clock on every vote, queue and
     * execute, and the external call to a cold token cost about 3,000 gas each time.
     */
    function clock() public view override(Governor, GovernorVotes) returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @inheritdoc IProposalExecution
    function executingProposalId() external view returns (uint256) {
        return _EXECUTING_SLOT.asUint256().tload();
    }

    // The functions below only resolve the overrides the extensions require.

    /// @inheritdoc Governor
    function state(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (ProposalState)
    {
        return super.state(proposalId);
    }

    /// @inheritdoc Governor
    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    /// @inheritdoc Governor
    function proposalDeadline(uint256 proposalId)
        public
        view
        override(Governor, GovernorProposalOutcome)
        returns (uint256)
    {
        return super.proposalDeadline(proposalId);
    }

    /// @inheritdoc Governor
    function proposalEta(uint256 proposalId) public view override(Governor, GovernorProposalOutcome) returns (uint256) {
        return super.proposalEta(proposalId);
    }

    /// @inheritdoc Governor
    function queue(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public override(Governor, GovernorProposalOutcome) returns (uint256) {
        return super.queue(targets, values, calldatas, descriptionHash);
    }

    /// @inheritdoc Governor
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorProposalOutcome) {
        super._tallyUpdated(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        // Targets (e.g. the claims registry) read the id through {executingProposalId} during the call; the
        // previous value is restored so that a proposal executing another one keeps its own id afterwards.
        uint256 previous = _EXECUTING_SLOT.asUint256().tload();
        _EXECUTING_SLOT.asUint256().tstore(proposalId);
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
        _EXECUTING_SLOT.asUint256().tstore(previous);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
