// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ICarbonLedger} from "../ledger/ICarbonLedger.sol";
import {IClaimsRegistry} from "./IClaimsRegistry.sol";
import {IProposalExecution} from "./IProposalExecution.sol";

/**
 * @title ClaimsRegistry
 * @notice Climate claims of registered companies, the DAO's verdicts on them, and the ledger's figures beside them.
 * @dev Ledger and timelock are fixed at deployment; the registry has no other administration.
 */
contract ClaimsRegistry is IClaimsRegistry {
    // Packed so that submission writes four slots: account+value, evidence, the small fields, uri. (The submission
    // time is in the block of the {ClaimSubmitted} event.)
    struct StoredClaim {
        address account;
        uint96 value;
        bytes32 evidenceHash;
        uint16 year;
        uint16 baseYear;
        ClaimKind kind;
        Verdict verdict;
        uint40 decidedAt;
        string uri;
        uint256 proposalId;
        bytes32 reasonHash;
    }

    uint256 private constant _BASIS_POINTS = 10_000;

    ICarbonLedger private immutable _LEDGER;
    address private immutable _TIMELOCK;
    IProposalExecution private immutable _GOVERNOR;

    uint256 private _claimCount;
    mapping(uint256 claimId => StoredClaim) private _claims;

    /**
     * @param ledger_ The carbon ledger (registration and figures).
     * @param timelock_ The DAO's timelock, the only account that records verdicts.
     * @param governor_ The DAO's governor, asked which proposal is executing when a verdict is recorded.
     */
    constructor(ICarbonLedger ledger_, address timelock_, IProposalExecution governor_) {
        _LEDGER = ledger_;
        _TIMELOCK = timelock_;
        _GOVERNOR = governor_;
    }

    /// @inheritdoc IClaimsRegistry
    function submitClaim(ClaimRequest calldata request) external returns (uint256 claimId) {
        if (!_LEDGER.isParticipant(msg.sender)) revert ClaimsUnregisteredCompany(msg.sender);
        _checkRequest(request);
        claimId = ++_claimCount;
        StoredClaim storage stored = _claims[claimId];
        stored.account = msg.sender;
        stored.value = request.value;
        stored.evidenceHash = request.evidenceHash;
        stored.year = request.year;
        stored.baseYear = request.baseYear;
        stored.kind = request.kind;
        stored.uri = request.uri;
        emit ClaimSubmitted(
            claimId,
            msg.sender,
            request.year,
            request.kind,
            request.value,
            request.baseYear,
            request.evidenceHash,
            request.uri
        );
    }

    /// @inheritdoc IClaimsRegistry
    function recordVerdict(uint256 claimId, bool approved, bytes32 reasonHash) external {
        if (msg.sender != _TIMELOCK) revert ClaimsUnauthorizedVerdict(msg.sender);
        StoredClaim storage stored = _claims[claimId];
        if (stored.account == address(0)) revert ClaimsUnknownClaim(claimId);
        if (stored.verdict != Verdict.Pending) revert ClaimsVerdictAlreadyRecorded(claimId, stored.verdict);
        uint256 proposalId = _GOVERNOR.executingProposalId();
        Verdict verdict = approved ? Verdict.Approved : Verdict.Rejected;
        stored.verdict = verdict;
        stored.decidedAt = uint40(block.timestamp);
        stored.proposalId = proposalId;
        stored.reasonHash = reasonHash;
        emit VerdictRecorded(claimId, proposalId, verdict, reasonHash);
    }

    /// @inheritdoc IClaimsRegistry
    function claimOf(uint256 claimId) external view returns (ClaimReport memory report) {
        StoredClaim storage stored = _claims[claimId];
        if (stored.account == address(0)) revert ClaimsUnknownClaim(claimId);
        report.claim = Claim({
            account: stored.account,
            year: stored.year,
            kind: stored.kind,
            value: stored.value,
            baseYear: stored.baseYear,
            evidenceHash: stored.evidenceHash,
            uri: stored.uri
        });
        report.verdict = VerdictRecord({
            verdict: stored.verdict,
            decidedAt: stored.decidedAt,
            proposalId: stored.proposalId,
            reasonHash: stored.reasonHash
        });
        report.totals = _LEDGER.yearTotals(stored.account, stored.year);
        if (stored.kind == ClaimKind.Reduction) {
            report.baseTotals = _LEDGER.yearTotals(stored.account, stored.baseYear);
        }
        report.consistent = _consistent(report.claim, report.totals, report.baseTotals);
    }

    /// @inheritdoc IClaimsRegistry
    function claimCount() external view returns (uint256) {
        return _claimCount;
    }

    /// @inheritdoc IClaimsRegistry
    function ledger() external view returns (ICarbonLedger) {
        return _LEDGER;
    }

    /// @inheritdoc IClaimsRegistry
    function timelock() external view returns (address) {
        return _TIMELOCK;
    }

    /// @inheritdoc IClaimsRegistry
    function governor() external view returns (IProposalExecution) {
        return _GOVERNOR;
    }

    function _checkRequest(ClaimRequest calldata request) private pure {
        ClaimKind kind = request.kind;
        if (kind == ClaimKind.None) revert ClaimsInvalidKind(kind);
        if (request.year < 1970) revert ClaimsInvalidYear(request.year);
        if (request.evidenceHash == bytes32(0)) revert ClaimsZeroEvidence();
        if (kind == ClaimKind.Reduction) {
            if (request.value == 0 || request.value > _BASIS_POINTS) revert ClaimsInvalidValue(kind, request.value);
            if (request.baseYear < 1970 || request.baseYear >= request.year) {
                revert ClaimsInvalidBaseYear(kind, request.year, request.baseYear);
            }
        } else {
            if (kind == ClaimKind.NetZero && request.value != 0) revert ClaimsInvalidValue(kind, request.value);
            if (request.baseYear != 0) revert ClaimsInvalidBaseYear(kind, request.year, request.baseYear);
        }
    }

    /// @dev Whether the ledger's figures bear the claim out; no audited emissions means nothing to check against.
    function _consistent(
        Claim memory claim,
        ICarbonLedger.YearTotals memory totals,
        ICarbonLedger.YearTotals memory baseTotals
    ) private pure returns (bool) {
        if (totals.emissions == 0) return false;
        if (claim.kind == ClaimKind.NetZero) return totals.netPosition <= 0;
        if (claim.kind == ClaimKind.EmissionsAtMost) return totals.emissions <= claim.value;
        // Reduction: emissions <= base * (1 - value / 10000), compared without division.
        return
            baseTotals.emissions > 0 &&
            totals.emissions * _BASIS_POINTS <= baseTotals.emissions * (_BASIS_POINTS - claim.value);
    }
}
