// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ICarbonLedger} from "../ledger/ICarbonLedger.sol";

/**
 * @notice Test-only lens: reads every total a test compares with its model in one call, so property tests can check
 * the whole ledger after each step without hundreds of round trips.
 */
contract LedgerSnapshotMock {
    /// @notice Per-id supply figures.
    struct Supply {
        uint256 issued;
        uint256 retired;
        uint256 revoked;
        uint256 available;
        bool exists;
    }

    /// @notice Everything a property test compares with its model.
    struct Snapshot {
        Supply[] supplies; // per id
        uint256[] balances; // per (account, id), account-major
        uint256[] retiredBy; // per (account, id), account-major
        ICarbonLedger.YearTotals[] totals; // per (account, year), account-major
        int256[] netPositions; // per (account, year), account-major
        bool[] participants; // per account
        bool limitedMode;
        uint8 attestationThreshold;
        bool paused;
    }

    /**
     * @notice For each (type, scope) pair given, which of `evidence` are used there and which token each of `records`
     * backs there (0: none): the scoped spending state of the ledger, in one call.
     */
    function scoped(
        address ledger,
        uint8[] calldata tokenTypes,
        address[] calldata scopes,
        bytes32[] calldata evidence,
        bytes32[] calldata records
    ) external view returns (bool[][] memory used, uint256[][] memory bound) {
        ICarbonLedger reader = ICarbonLedger(ledger);
        used = new bool[][](scopes.length);
        bound = new uint256[][](scopes.length);
        for (uint256 k = 0; k < scopes.length; ++k) {
            used[k] = reader.evidenceUsed(tokenTypes[k], scopes[k], evidence);
            bound[k] = reader.recordTokens(tokenTypes[k], scopes[k], records);
        }
    }

    /// @notice Reads `ledger` for every id, account and year given.
    function snapshot(address ledger, uint256[] calldata ids, address[] calldata accounts, uint16[] calldata yearList)
        external
        view
        returns (Snapshot memory s)
    {
        ICarbonLedger reader = ICarbonLedger(ledger);
        s.supplies = new Supply[](ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            s.supplies[i] = Supply({
                issued: reader.issuedOf(id),
                retired: reader.retiredOf(id),
                revoked: reader.revokedOf(id),
                available: reader.availableOf(id),
                exists: reader.exists(id)
            });
        }
        s.balances = new uint256[](accounts.length * ids.length);
        s.retiredBy = new uint256[](accounts.length * ids.length);
        s.totals = new ICarbonLedger.YearTotals[](accounts.length * yearList.length);
        s.netPositions = new int256[](accounts.length * yearList.length);
        s.participants = new bool[](accounts.length);
        for (uint256 a = 0; a < accounts.length; ++a) {
            for (uint256 i = 0; i < ids.length; ++i) {
                s.balances[a * ids.length + i] = IERC1155(ledger).balanceOf(accounts[a], ids[i]);
                s.retiredBy[a * ids.length + i] = reader.retiredBy(accounts[a], ids[i]);
            }
            for (uint256 y = 0; y < yearList.length; ++y) {
                s.totals[a * yearList.length + y] = reader.yearTotals(accounts[a], yearList[y]);
                s.netPositions[a * yearList.length + y] = reader.netPosition(accounts[a], yearList[y]);
            }
            s.participants[a] = reader.isParticipant(accounts[a]);
        }
        s.limitedMode = reader.limitedMode();
        s.attestationThreshold = reader.attestationThreshold();
        s.paused = Pausable(ledger).paused();
    }
}
