// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/**
 * @title Timelock
 * @notice The DAO's executor: OpenZeppelin's TimelockController, unchanged. It holds the powers the DAO exercises
 * (ledger admin, offset and REC issuer, revoker; claims verdicts; voting token minter). The governor is its only
 * proposer, canceller and executor: a ready operation runs only through {IGovernor-execute}, which tells the
 * targets which proposal is executing ({IProposalExecution}). With an open executor role anyone could run a queued
 * operation directly here, outside any proposal's execution, or from inside another proposal's execution under
 * that proposal's id.
 */
contract Timelock is TimelockController {
    /**
     * @param minDelay Initial minimum delay of an operation, in seconds.
     * @param proposers Accounts granted the proposer and canceller roles.
     * @param executors Accounts granted the executor role. The wiring passes none and grants it to the governor
     * once deployed; `address(0)` would let anyone execute, which the DAO must not use.
     * @param admin Optional temporary admin for the initial wiring (`address(0)` for none); must renounce after.
     */
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
