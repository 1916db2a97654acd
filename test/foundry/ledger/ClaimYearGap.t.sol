// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ICarbonLedger} from "../../../contracts/ledger/ICarbonLedger.sol";
import {CarbonLedger} from "../../../contracts/ledger/CarbonLedger.sol";
import {Calendar} from "../utils/Calendar.sol";
import {Test} from "../utils/Test.sol";
import {vm} from "../utils/Vm.sol";

/**
 * @notice Fuzz tests of the retirement's claimed-period rules at their edges: the claimed year (the year of the
 * claimed period's midpoint) lies at most {claimYearGap} years from the token's year, either way, for any gap
 * 0..255; and a claimed period that ends after now is refused, one that ends now is accepted.
 */
contract ClaimYearGapTest is Test {
    uint16 private constant NOW_YEAR = 2600; // the clock: claims up to 2599 have ended

    CarbonLedger private ledger;
    address private holder = vm.addr(0x40);

    function setUp() public {
        ledger = new CarbonLedger(address(this), 0);
        ledger.grantRole(ledger.OFFSET_ISSUER_ROLE(), address(this));
        vm.warp(Calendar.startOfYear(NOW_YEAR));
    }

    /// @notice Within the gap it retires; one year beyond, either way, it is refused with the years and the gap.
    function testFuzz_claimYearGap_boundary(uint256 tokenYearSeed, uint8 gap, bool later, bool slice) public {
        uint16 tokenYear = uint16(bound(tokenYearSeed, 1971 + 256, NOW_YEAR - 257)); // room for any gap either way
        uint256 id = _issue(tokenYear);
        ledger.setClaimYearGap(gap);
        uint16 edge = later ? tokenYear + gap : tokenYear - gap;
        uint16 beyond = later ? edge + 1 : edge - 1;

        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerClaimedYearTooFar.selector, beyond, tokenYear, gap));
        _retire(id, beyond, slice);
        _retire(id, edge, slice);
        assertEq(ledger.retiredFor(id, holder, holder, edge), 1, "retired at the edge of the gap");
    }

    /// @notice Any claimed year: accepted exactly when its distance to the token's year is at most the gap.
    function testFuzz_claimYearGap_anyYear(uint256 tokenYearSeed, uint256 claimYearSeed, uint8 gap) public {
        uint16 tokenYear = uint16(bound(tokenYearSeed, 1970, NOW_YEAR - 1));
        uint16 claimYear = uint16(bound(claimYearSeed, 1970, NOW_YEAR - 1));
        uint256 id = _issue(tokenYear);
        ledger.setClaimYearGap(gap);
        uint256 distance = claimYear > tokenYear ? claimYear - tokenYear : tokenYear - claimYear;
        if (distance > gap) {
            vm.expectRevert(
                abi.encodeWithSelector(ICarbonLedger.LedgerClaimedYearTooFar.selector, claimYear, tokenYear, gap)
            );
        }
        _retire(id, claimYear, false);
    }

    /// @notice A period straddling New Year counts towards the year of its midpoint, and the gap is measured from
    /// that year: with gap 0, a token of year Y is claimable for a straddling period iff the midpoint is in Y.
    function testFuzz_claimYearGap_midpointDecides(uint256 yearSeed, uint256 before, uint256 after_) public {
        uint16 year = uint16(bound(yearSeed, 1971, NOW_YEAR - 2));
        uint40 newYear = Calendar.startOfYear(year);
        uint40 fromDate = newYear - uint40(bound(before, 1, 180 days));
        uint40 thruDate = newYear + uint40(bound(after_, 0, 180 days));
        uint256 id = _issue(year);
        ledger.setClaimYearGap(0);
        bool inYear = fromDate + (thruDate - fromDate) / 2 >= newYear;
        if (!inYear) {
            vm.expectRevert(
                abi.encodeWithSelector(ICarbonLedger.LedgerClaimedYearTooFar.selector, year - 1, year, uint8(0))
            );
        }
        vm.prank(holder);
        ledger.retire(holder, id, 1, ICarbonLedger.Retirement(holder, bytes32(0), fromDate, thruDate, ""));
    }

    /// @notice A claimed period ending now is accepted; one ending a second (or more) later is refused.
    function testFuzz_claimedPeriodInFuture(uint256 ahead) public {
        uint256 id = _issue(NOW_YEAR - 1);
        ledger.setClaimYearGap(5);
        uint40 now_ = uint40(block.timestamp);
        uint40 thruDate = now_ + uint40(bound(ahead, 1, 365 days));
        vm.expectRevert(abi.encodeWithSelector(ICarbonLedger.LedgerClaimedPeriodInFuture.selector, thruDate, now_));
        vm.prank(holder);
        ledger.retire(holder, id, 1, ICarbonLedger.Retirement(holder, bytes32(0), now_ - 1 days, thruDate, ""));
        vm.prank(holder);
        ledger.retire(holder, id, 1, ICarbonLedger.Retirement(holder, bytes32(0), now_ - 1 days, now_, ""));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    function _issue(uint16 year) private returns (uint256) {
        (uint40 fromDate, uint40 thruDate) = Calendar.wholeYear(year);
        return ledger.issue(
            ICarbonLedger.IssueRequest(
                2, holder, 10, fromDate, thruDate, keccak256(abi.encode(year)), new bytes32[](0), ""
            )
        );
    }

    /// @dev Retires 1 claimed for `year`: the whole year, or its last day (a period wholly inside it).
    function _retire(uint256 id, uint16 year, bool slice) private {
        uint40 thruDate = Calendar.startOfYear(year + 1) - 1;
        uint40 fromDate = slice ? thruDate - 1 days + 1 : Calendar.startOfYear(year);
        vm.prank(holder);
        ledger.retire(holder, id, 1, ICarbonLedger.Retirement(holder, bytes32(0), fromDate, thruDate, ""));
    }
}
