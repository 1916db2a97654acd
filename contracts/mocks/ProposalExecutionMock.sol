// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProposalExecution} from "../governance/IProposalExecution.sol";

/**
 * @notice Test-only stand-in for the governor's {IProposalExecution}: the executing proposal id is whatever the test
 * sets, so the claims registry's rules can be tested without running proposals.
 */
contract ProposalExecutionMock is IProposalExecution {
    uint256 private _executing;

    /// @notice The id {executingProposalId} returns changed to `proposalId`.
    event ExecutingProposalIdSet(uint256 proposalId);

    /// @notice Makes {executingProposalId} return `proposalId`.
    function setExecutingProposalId(uint256 proposalId) external {
        _executing = proposalId;
        emit ExecutingProposalIdSet(proposalId);
    }

    /// @inheritdoc IProposalExecution
    function executingProposalId() external view returns (uint256) {
        return _executing;
    }
}
