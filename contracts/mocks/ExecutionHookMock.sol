// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/**
 * @notice Test-only target of a proposal that, when the proposal's execution calls it, makes one call set
 * beforehand, as a hostile receiver hook would (e.g. executing another proposal's ready operation). Bubbles up any
 * revert of that call.
 */
contract ExecutionHookMock {
    /// @notice The contract the hook calls.
    address public hookTarget;
    /// @notice The calldata the hook sends.
    bytes public hookData;

    /// @notice The hook will call `target` with `data`.
    event HookSet(address target, bytes data);
    /// @notice The hook called `target`, which returned `result`.
    event HookRan(address target, bytes result);

    /// @notice Sets the call the hook makes.
    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
        emit HookSet(target, data);
    }

    /// @notice Called by a proposal's execution: makes the call set by {setHook}.
    function onProposalCall() external {
        address target = hookTarget;
        bytes memory result = Address.functionCall(target, hookData);
        emit HookRan(target, result);
    }
}
