// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title Calendar
 * @notice UTC years for the tests, as an independent reference (365 days a year plus the 4/100/400 leap days), not
 * the contracts' own arithmetic.
 */
library Calendar {
    /// @notice 00:00:00 UTC on 1 January of `year`, in seconds since 1970.
    function startOfYear(uint16 year) internal pure returns (uint40) {
        uint256 n = uint256(year) - 1;
        uint256 daysBefore = 365 * n + n / 4 - n / 100 + n / 400;
        return uint40((daysBefore - 719_162) * 1 days); // 719,162 days from 0001-01-01 to 1970-01-01
    }

    /// @notice The whole of `year`: its first and its last second.
    function wholeYear(uint16 year) internal pure returns (uint40 fromDate, uint40 thruDate) {
        return (startOfYear(year), startOfYear(year + 1) - 1);
    }
}
