// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {vm} from "./Vm.sol";

/**
 * @title Handler
 * @notice What the handlers of the invariant campaigns share: the handler's own clock `now_`, where every action
 * starts (`vm.warp(now_)`), so that time persists across calls whatever the runner does with it; and counters of
 * calls per action and of outcomes, for coverage.
 */
abstract contract Handler {
    uint256 public now_;

    mapping(bytes32 action => uint256) public calls;
    mapping(bytes32 outcome => uint256) public outcomes;
    uint256 public totalCalls;

    constructor() {
        now_ = block.timestamp;
    }

    /// @dev The start of every action: counts it and moves the block clock to the handler's.
    function _start(bytes32 action) internal {
        ++calls[action];
        ++totalCalls;
        vm.warp(now_);
    }

    function _outcome(bytes32 outcome) internal {
        ++outcomes[outcome];
    }

    /// @dev Time passes: 1 to `most` seconds, picked by `seconds_`.
    function _advance(uint256 seconds_, uint256 most) internal {
        now_ += 1 + seconds_ % most;
        vm.warp(now_);
    }
}
