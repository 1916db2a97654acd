// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {UtcYear} from "../../contracts/ledger/libraries/UtcYear.sol";
import {Test} from "./utils/Test.sol";

/**
 * @notice Fuzz tests of {UtcYear} against an independent reference: the start of year `y` counted as days before
 * January 1st of `y` in the proleptic Gregorian calendar (365 per year plus the leap days of the 4/100/400 rule),
 * rather than the library's March-based era arithmetic. Timestamps cover the library's whole uint40 domain
 * (1970 to 36812).
 */
contract UtcYearTest is Test {
    uint256 private constant DAY = 86_400;
    uint256 private constant MAX_TIMESTAMP = type(uint40).max; // 36812-02-20T00:36:15Z
    uint256 private constant MAX_YEAR = 36_812;

    // ---- reference ----------------------------------------------------------------------------------------------

    /// @dev Days from 0001-01-01 to January 1st of `year` (year >= 1).
    function _daysBeforeYear(uint256 year) private pure returns (uint256) {
        uint256 n = year - 1;
        return 365 * n + n / 4 - n / 100 + n / 400;
    }

    /// @dev Unix timestamp of `year`-01-01T00:00:00Z (year >= 1970).
    function _startOfYear(uint256 year) private pure returns (uint256) {
        return (_daysBeforeYear(year) - _daysBeforeYear(1970)) * DAY;
    }

    function _isLeap(uint256 year) private pure returns (bool) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /// @dev The year containing `timestamp`: an estimate from the mean Gregorian year, corrected by the year starts.
    function _referenceYear(uint256 timestamp) private pure returns (uint256 year) {
        year = 1970 + timestamp / 31_556_952; // 365.2425 days
        while (_startOfYear(year) > timestamp) --year;
        while (_startOfYear(year + 1) <= timestamp) ++year;
    }

    // ---- yearOf -------------------------------------------------------------------------------------------------

    function test_knownTimestamps() public pure {
        assertEq(UtcYear.yearOf(0), 1970, "epoch");
        assertEq(UtcYear.yearOf(951_782_400), 2000, "2000-02-29");
        assertEq(UtcYear.yearOf(1_704_067_199), 2023, "2023-12-31T23:59:59Z");
        assertEq(UtcYear.yearOf(1_704_067_200), 2024, "2024-01-01T00:00:00Z");
        assertEq(UtcYear.yearOf(4_107_542_399), 2100, "2100-02-28T23:59:59Z (2100 is not leap)");
        assertEq(UtcYear.yearOf(253_402_300_799), 9999, "9999-12-31T23:59:59Z");
        assertEq(UtcYear.yearOf(253_402_300_800), 10_000, "10000-01-01T00:00:00Z");
        assertEq(UtcYear.yearOf(MAX_TIMESTAMP), MAX_YEAR, "max uint40");
    }

    /// @notice Any uint40 timestamp lies in the year the library names, and that year is the reference's.
    function testFuzz_yearOf_matchesReference(uint40 timestamp) public pure {
        uint256 year = UtcYear.yearOf(timestamp);
        assertLe(_startOfYear(year), timestamp, "year starts after the timestamp");
        assertLt(timestamp, _startOfYear(year + 1), "next year starts at or before the timestamp");
        assertEq(year, _referenceYear(timestamp), "reference year");
    }

    /// @notice The same in the years the ledger will actually see (more samples near the present).
    function testFuzz_yearOf_matchesReference_1970to2200(uint256 seed) public pure {
        uint256 timestamp = bound(seed, 0, _startOfYear(2201) - 1);
        assertEq(UtcYear.yearOf(timestamp), _referenceYear(timestamp), "reference year");
    }

    /// @notice At each boundary of a fuzzed year: the first second is the year, the one before is the previous year.
    function testFuzz_yearBoundaries(uint256 seed) public pure {
        uint256 year = bound(seed, 1970, MAX_YEAR - 1);
        uint256 start = _startOfYear(year);
        assertEq(UtcYear.yearOf(start), year, "first second");
        assertEq(UtcYear.yearOf(start + DAY - 1), year, "end of January 1st");
        assertEq(UtcYear.yearOf(_startOfYear(year + 1) - 1), year, "last second");
        if (year > 1970) assertEq(UtcYear.yearOf(start - 1), year - 1, "second before");
    }

    /// @notice Day 366 (December 31st of a leap year) exists only in leap years; February 29th stays in its year.
    function testFuzz_leapYears(uint256 seed) public pure {
        uint256 year = bound(seed, 1970, 9999);
        uint256 start = _startOfYear(year);
        bool leap = _isLeap(year);
        assertEq(UtcYear.yearOf(start + 365 * DAY), leap ? year : year + 1, "day 366");
        assertEq(UtcYear.yearOf(start + 59 * DAY + DAY / 2), year, "February 29th or March 1st");
        assertEq(_startOfYear(year + 1) - start, (leap ? 366 : 365) * DAY, "reference year length");
    }

    /// @notice Every year boundary from 1970 to 9999, exhaustively (8,030 years).
    function test_everyYearBoundary_1970to9999() public pure {
        uint256 start = 0;
        for (uint256 year = 1970; year <= 9999; ++year) {
            uint256 next = start + (_isLeap(year) ? 366 : 365) * DAY;
            if (UtcYear.yearOf(start) != year || UtcYear.yearOf(next - 1) != year) {
                assertEq(UtcYear.yearOf(start), year, "first second of a year");
                assertEq(UtcYear.yearOf(next - 1), year, "last second of a year");
            }
            start = next;
        }
        assertEq(start, _startOfYear(10_000), "reference and stepping agree on 10000-01-01");
    }

    // ---- attributedYear -----------------------------------------------------------------------------------------

    /// @notice A period counts towards the year of its midpoint (rounded down), between its first and last years.
    function testFuzz_attributedYear(uint40 a, uint40 b) public pure {
        (uint40 fromDate, uint40 thruDate) = a <= b ? (a, b) : (b, a);
        uint256 year = UtcYear.attributedYear(fromDate, thruDate);
        assertEq(year, _referenceYear((uint256(fromDate) + thruDate) / 2), "year of the midpoint");
        assertLe(_referenceYear(fromDate), year, "before the period's first year");
        assertLe(year, _referenceYear(thruDate), "after the period's last year");
    }

    /// @notice A period inside one year counts towards that year, however short or long.
    function testFuzz_attributedYear_withinOneYear(uint256 yearSeed, uint256 fromSeed, uint256 thruSeed) public pure {
        uint256 year = bound(yearSeed, 1970, MAX_YEAR - 1);
        uint256 first = _startOfYear(year);
        uint256 last = _startOfYear(year + 1) - 1;
        uint256 fromDate = bound(fromSeed, first, last);
        uint256 thruDate = bound(thruSeed, fromDate, last);
        assertEq(UtcYear.attributedYear(uint40(fromDate), uint40(thruDate)), year, "same-year period");
    }

    /// @notice A period straddling New Year goes to the side holding its midpoint (rounded down): the old year
    /// when it has fewer seconds after New Year (`after_`, thruDate inclusive) than before it, else the new year.
    function testFuzz_attributedYear_acrossNewYear(uint256 yearSeed, uint256 before, uint256 after_) public pure {
        uint256 year = bound(yearSeed, 1971, MAX_YEAR - 1);
        uint256 newYear = _startOfYear(year);
        before = bound(before, 1, 365 * DAY); // seconds of the period before New Year
        after_ = bound(after_, 0, 365 * DAY - 1); // seconds after New Year (thruDate is inclusive)
        uint256 fromDate = newYear - before;
        uint256 thruDate = newYear + after_;
        uint256 expected = after_ < before ? year - 1 : year;
        assertEq(UtcYear.attributedYear(uint40(fromDate), uint40(thruDate)), expected, "midpoint side");
    }

    /// @notice A calendar year, given as from January 1st to December 31st 23:59:59, is attributed to itself.
    function testFuzz_attributedYear_wholeYear(uint256 seed) public pure {
        uint256 year = bound(seed, 1970, MAX_YEAR - 1);
        uint40 fromDate = uint40(_startOfYear(year));
        uint40 thruDate = uint40(_startOfYear(year + 1) - 1);
        assertEq(UtcYear.attributedYear(fromDate, thruDate), year, "calendar year");
        assertEq(UtcYear.attributedYear(thruDate, thruDate), year, "single instant");
    }
}
