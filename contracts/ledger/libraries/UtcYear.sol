// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title UtcYear
 * @notice The proleptic Gregorian calendar year (UTC) of a unix timestamp, and the year a period is attributed to.
 * @dev Days-to-civil conversion after Howard Hinnant's public-domain algorithm `civil_from_days`, restricted to
 * timestamps from 1970 on (unsigned), which keeps every step exact in integers.
 */
library UtcYear {
    uint256 private constant _SECONDS_PER_DAY = 86_400;
    uint256 private constant _DAYS_PER_ERA = 146_097; // 400 Gregorian years
    uint256 private constant _DAYS_FROM_0000_03_01_TO_1970_01_01 = 719_468;

    /// @notice Calendar year (UTC) containing `timestamp`.
    function yearOf(uint256 timestamp) internal pure returns (uint16) {
        unchecked {
            // All operands are bounded by a uint40 timestamp (callers pass uint40s): no overflow.
            uint256 z = timestamp / _SECONDS_PER_DAY + _DAYS_FROM_0000_03_01_TO_1970_01_01;
            uint256 era = z / _DAYS_PER_ERA;
            uint256 doe = z - era * _DAYS_PER_ERA; // day of era [0, 146096]
            uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era [0, 399]
            uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year, from March 1st [0, 365]
            uint256 mp = (5 * doy + 2) / 153; // month from March [0, 11]
            // Years start in March in this count: January and February (mp >= 10) belong to the next civil year.
            return uint16(yoe + era * 400 + (mp >= 10 ? 1 : 0));
        }
    }

    /// @notice The year a period counts towards: the one containing its midpoint.
    function attributedYear(uint40 fromDate, uint40 thruDate) internal pure returns (uint16) {
        unchecked {
            // fromDate <= thruDate is checked by callers, so the difference cannot underflow.
            return yearOf(uint256(fromDate) + (uint256(thruDate) - fromDate) / 2);
        }
    }
}
