// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {UtcYear} from "../ledger/libraries/UtcYear.sol";

/// @notice Test-only: exposes the internal {UtcYear} library so tests can compare it with a reference.
contract UtcYearMock {
    /// @notice See {UtcYear-yearOf}.
    function yearOf(uint256 timestamp) external pure returns (uint16) {
        return UtcYear.yearOf(timestamp);
    }

    /// @notice See {UtcYear-attributedYear}.
    function attributedYear(uint40 fromDate, uint40 thruDate) external pure returns (uint16) {
        return UtcYear.attributedYear(fromDate, thruDate);
    }
}
