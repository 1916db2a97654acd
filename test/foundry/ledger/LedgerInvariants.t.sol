// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ICarbonLedger} from "../../../contracts/ledger/ICarbonLedger.sol";
import {CarbonLedger} from "../../../contracts/ledger/CarbonLedger.sol";
import {Test} from "../utils/Test.sol";
import {vm} from "../utils/Vm.sol";
import {ERC1271WalletMock} from "../utils/ERC1271WalletMock.sol";
import {LedgerHandler} from "./LedgerHandler.sol";

/**
 * @notice Invariants of the carbon ledger under issuance by every path, transfers, retirements, revocations, voids,
 * threshold and claim-gap changes, time, and the attacks of issue 8 (see {LedgerHandler}):
 * - conservation per id: issued == sum of balances + retired + revoked (voids counted in revoked), each as the
 *   ghosts say;
 * - emissions never move: the emitter holds issued - revoked, everyone else 0, nothing retired;
 * - each evidence hash (per type and scope) and each record (per type and scope) backs at most one token, and
 *   `evidenceUsed` / `recordTokens` agree;
 * - year totals and net position == ghost emissions - retired offsets, net of revocations and voids;
 * - no single key records emissions while the threshold is above 1 (and the other violation counters stay 0);
 * - every `retiredFor` bucket is as the ghosts say, and for each (id, holder) they add up to `retiredBy`.
 *
 * After each call (every `check_interval`-th in CI) the cheap form runs: the id and account-year touched last and
 * a rotating one of each kind. After each run, {afterInvariant} sweeps everything.
 */
contract LedgerInvariantsTest is Test {
    uint256 private constant ADMIN_KEY = 0xAD;
    uint256 private constant REVOKER_KEY = 0x5E;
    uint256 private constant WALLET_OWNER_KEY = 0xA4;
    uint256 private constant OUTSIDER_KEY = 0xBAD;

    CarbonLedger private ledger;
    LedgerHandler private handler;
    address[] private accounts; // holders and the operator: everyone who can hold a balance

    function setUp() public {
        address admin = vm.addr(ADMIN_KEY);
        ledger = new CarbonLedger(admin, 0);
        address[3] memory issuers = [vm.addr(0x1EC), vm.addr(0x0FF), vm.addr(0x5C0A7)]; // REC, offset, rogue
        uint256[] memory auditorKeys = new uint256[](3);
        auditorKeys[0] = 0xA1;
        auditorKeys[1] = 0xA2;
        auditorKeys[2] = 0xA3;
        ERC1271WalletMock wallet = new ERC1271WalletMock(vm.addr(WALLET_OWNER_KEY));
        address[] memory holders = new address[](3);
        holders[0] = vm.addr(0xE0); // emitter
        holders[1] = vm.addr(0xE1); // emitter
        holders[2] = vm.addr(0x40); // holder, relayer
        address operator = vm.addr(0x0B);

        vm.startPrank(admin);
        ledger.grantRole(ledger.REC_ISSUER_ROLE(), issuers[0]);
        ledger.grantRole(ledger.OFFSET_ISSUER_ROLE(), issuers[1]);
        ledger.grantRole(ledger.REC_ISSUER_ROLE(), issuers[2]);
        ledger.grantRole(ledger.OFFSET_ISSUER_ROLE(), issuers[2]);
        for (uint256 i = 0; i < 3; ++i) ledger.grantRole(ledger.EMISSIONS_AUDITOR_ROLE(), vm.addr(auditorKeys[i]));
        ledger.grantRole(ledger.EMISSIONS_AUDITOR_ROLE(), address(wallet));
        ledger.grantRole(ledger.REVOKER_ROLE(), vm.addr(REVOKER_KEY));
        vm.stopPrank();
        for (uint256 i = 0; i < holders.length; ++i) {
            vm.prank(holders[i]);
            ledger.setApprovalForAll(operator, true);
            accounts.push(holders[i]);
        }
        accounts.push(operator);

        handler = new LedgerHandler(
            ledger,
            admin,
            vm.addr(REVOKER_KEY),
            issuers,
            auditorKeys,
            address(wallet),
            WALLET_OWNER_KEY,
            OUTSIDER_KEY,
            holders,
            operator
        );
        targetActions(
            address(handler),
            abi.encode(
                [
                    // issuance by every path, and its attacks
                    LedgerHandler.issueCertificate.selector, LedgerHandler.issueCertificate.selector,
                    LedgerHandler.issueCertificate.selector, LedgerHandler.issueEmissions.selector,
                    LedgerHandler.issueAttested.selector, LedgerHandler.issueAttested.selector,
                    LedgerHandler.loneAuditor.selector, LedgerHandler.racerBatch.selector,
                    LedgerHandler.squat.selector, LedgerHandler.doubleAggregate.selector,
                    // transfers, retirement, revocation, voiding
                    LedgerHandler.transfer.selector, LedgerHandler.transfer.selector,
                    LedgerHandler.retire.selector, LedgerHandler.retire.selector, LedgerHandler.retire.selector,
                    LedgerHandler.revoke.selector, LedgerHandler.voidRetirement.selector,
                    LedgerHandler.voidRetirement.selector, LedgerHandler.retireBeforeRevoke.selector,
                    // administration and time
                    LedgerHandler.setThreshold.selector, LedgerHandler.setClaimYearGap.selector,
                    LedgerHandler.warp.selector,
                    // one more retirement and emissions issuance
                    LedgerHandler.retire.selector, LedgerHandler.issueEmissions.selector
                ]
            )
        );
    }

    /// forge-config: default.invariant.runs = 40
    /// forge-config: default.invariant.depth = 500
    /// forge-config: fuzz.invariant.runs = 600
    /// forge-config: fuzz.invariant.depth = 500
    function invariant_ledger() public {
        vm.warp(handler.now_());
        _checkViolations();
        uint256 n = handler.idCount();
        if (n != 0) {
            _checkId(handler.lastId());
            _checkId(handler.ids(handler.totalCalls() % n));
        }
        (address account, uint16 year) = handler.lastAccountYear();
        if (account != address(0)) _checkYear(LedgerHandler.AccountYear(account, year));
        n = handler.accountYearCount();
        if (n != 0) _checkYear(handler.accountYear(handler.totalCalls() % n));
        n = handler.evidenceUseCount();
        if (n != 0) _checkEvidence(handler.evidenceUse(handler.totalCalls() % n));
        n = handler.recordUseCount();
        if (n != 0) _checkRecord(handler.recordUse(handler.totalCalls() % n));
        n = handler.bucketCount();
        if (n != 0) _checkBucket(handler.bucket(handler.totalCalls() % n));
    }

    /// @notice After each run: every id, evidence use, record use, account-year and retirement bucket.
    function afterInvariant() public {
        vm.warp(handler.now_());
        _checkViolations();
        for (uint256 i = 0; i < handler.idCount(); ++i) _checkId(handler.ids(i));
        for (uint256 i = 0; i < handler.evidenceUseCount(); ++i) _checkEvidence(handler.evidenceUse(i));
        for (uint256 i = 0; i < handler.recordUseCount(); ++i) _checkRecord(handler.recordUse(i));
        for (uint256 i = 0; i < handler.accountYearCount(); ++i) _checkYear(handler.accountYear(i));
        for (uint256 i = 0; i < handler.retirerCount(); ++i) _checkRetiredBy(handler.retirer(i));
    }

    // ---- checks -------------------------------------------------------------------------------------------------

    function _checkViolations() private view {
        assertEq(handler.underAttested(), 0, "emissions recorded by fewer auditor keys than the threshold");
        assertEq(handler.wronglyBlocked(), 0, "an issuance refused for evidence or a record its scope never used");
        assertEq(handler.unauthorizedIssued(), 0, "an issuance without the type's issuer role");
        assertEq(handler.badRetirements(), 0, "a retirement claimed for a future or too distant period");
        assertEq(handler.validRetirementsRefused(), 0, "a retirement within the claim rules refused");
        assertEq(handler.conflictsSkipped(), 0, "an attested batch skipped a conflicting record");
        assertEq(handler.retiredRevoked(), 0, "revoke reached more than the available balance");
        assertEq(handler.emissionsMoved(), 0, "audited emissions moved");
        assertEq(handler.ghostErrors(), 0, "the ledger let more go than the ghosts hold, or returned another id");
    }

    /// @dev Conservation of `id`, and for emissions: they stay with their emitter.
    function _checkId(uint256 id) private view {
        uint256 issued = ledger.issuedOf(id);
        uint256 retired = ledger.retiredOf(id);
        uint256 revoked = ledger.revokedOf(id);
        assertEq(issued, handler.ghostIssued(id), "issued != ghost");
        assertEq(retired, handler.ghostRetired(id), "retired != ghost (net of voids)");
        assertEq(revoked, handler.ghostRevoked(id), "revoked != ghost (voids included)");
        bool emissions = handler.ghostType(id) == 3;
        address emitter = handler.ghostIssuee(id);
        uint256 sum = 0;
        for (uint256 i = 0; i < accounts.length; ++i) {
            uint256 balance = ledger.balanceOf(accounts[i], id);
            if (emissions) {
                assertEq(balance, accounts[i] == emitter ? issued - revoked : 0, "emissions moved");
            } else {
                assertEq(balance, handler.ghostBalance(id, accounts[i]), "balance != ghost");
            }
            sum += balance;
        }
        if (emissions) assertEq(retired, 0, "emissions retired");
        assertEq(issued, sum + retired + revoked, "conservation: issued != balances + retired + revoked");
        assertEq(ledger.availableOf(id), sum, "available != sum of balances");
    }

    function _checkEvidence(LedgerHandler.Use memory use) private view {
        assertLe(handler.evidenceCount(handler.useKey(use.tokenType, use.scope, use.key)), 1, "evidence backs 2 tokens");
        bytes32[] memory keys = new bytes32[](1);
        keys[0] = use.key;
        assertTrue(ledger.evidenceUsed(use.tokenType, use.scope, keys)[0], "spent evidence reads unused");
    }

    function _checkRecord(LedgerHandler.Use memory use) private view {
        bytes32 key = handler.useKey(use.tokenType, use.scope, use.key);
        assertLe(handler.recordCount(key), 1, "a record backs 2 tokens");
        bytes32[] memory keys = new bytes32[](1);
        keys[0] = use.key;
        assertEq(ledger.recordTokens(use.tokenType, use.scope, keys)[0], handler.recordToken(key), "recordTokens");
    }

    /// @dev Year totals and net position == emissions - retired offsets, after revocations and voids.
    function _checkYear(LedgerHandler.AccountYear memory ay) private view {
        ICarbonLedger.YearTotals memory totals = ledger.yearTotals(ay.account, ay.year);
        uint256 emissions = handler.ghostEmissions(ay.account, ay.year);
        uint256 offsets = handler.ghostOffsetsRetired(ay.account, ay.year);
        assertEq(totals.emissions, emissions, "year emissions != ghost");
        assertEq(totals.offsetsRetired, offsets, "year retired offsets != ghost (net of voids)");
        assertEq(totals.recsRetired, handler.ghostRecsRetired(ay.account, ay.year), "year retired RECs != ghost");
        int256 net = int256(emissions) - int256(offsets);
        assertTrue(totals.netPosition == net, "net position != emissions - retired offsets");
        assertTrue(ledger.netPosition(ay.account, ay.year) == net, "netPosition() != emissions - retired offsets");
    }

    function _checkBucket(LedgerHandler.Bucket memory b) private view {
        assertEq(
            ledger.retiredFor(b.id, b.holder, b.beneficiary, b.year),
            handler.ghostRetiredFor(handler.bucketKey(b)),
            "retiredFor != ghost"
        );
    }

    /// @dev The buckets of one (id, holder) are as the ghosts say and add up to its retiredBy (and the ghost's).
    function _checkRetiredBy(LedgerHandler.Bucket[] memory buckets) private view {
        uint256 sum = 0;
        for (uint256 j = 0; j < buckets.length; ++j) {
            _checkBucket(buckets[j]);
            sum += ledger.retiredFor(buckets[j].id, buckets[j].holder, buckets[j].beneficiary, buckets[j].year);
        }
        uint256 retiredBy = ledger.retiredBy(buckets[0].holder, buckets[0].id);
        assertEq(sum, retiredBy, "sum of retiredFor != retiredBy");
        assertEq(retiredBy, handler.ghostRetiredBy(buckets[0].id, buckets[0].holder), "retiredBy != ghost");
    }
}
