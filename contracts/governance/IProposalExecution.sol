// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title IProposalExecution
 * @notice Lets a contract called by the timelock learn which governor proposal is being executed. A proposal cannot
 * name its own id in its calldata (the id is a hash of that calldata), so the target asks the governor instead.
 */
interface IProposalExecution {
    /// @notice The id of the proposal whose operations are executing right now; 0 outside an execution.
    function executingProposalId() external view returns (uint256);
}
