// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProposalExecution} from "../governance/IProposalExecution.sol";

/**
 * @title ProposalSourceMock
 * @notice Test-only stand-in for the governor: reports a settable proposal id as the one executing.
 */
contract ProposalSourceMock is IProposalExecution {
    /// @notice The id {executingProposalId} reports.
    uint256 public proposalId;

    /// @notice Sets the id reported as executing (0: outside an execution).
    function setProposalId(uint256 id) external {
        proposalId = id;
    }

    /// @inheritdoc IProposalExecution
    function executingProposalId() external view returns (uint256) {
        return proposalId;
    }
}
