// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICarbonLedger} from "../ledger/ICarbonLedger.sol";
import {IClaimsRegistry} from "./IClaimsRegistry.sol";
import {IProposalExecution} from "./IProposalExecution.sol";

/**
 * @title ClaimsRegistry
 * @notice Climate claims of registered companies, the DAO's verdicts on them, and the ledger's figures beside them:
 * those each verdict froze and the live ones.
 * @dev Ledger, timelock and governor are fixed at deployment; the registry has no other administration.
 */
contract ClaimsRegistry is IClaimsRegistry {
    using SafeCast for uint256;

    // Packed so that submission writes four slots: account+value, evidence, the small fields, uri. (The submission
    // time is in the block of the {ClaimSubmitted} event.) A verdict then writes the small fields again (verdict,
    // time, frozen consistency), the proposal, the reason and the frozen figures.
    struct StoredClaim {
        address account;
        uint96 value;
        bytes32 evidenceHash;
        uint16 year;
        uint16 baseYear;
        ClaimKind kind;
        Verdict verdict;
        uint40 decidedAt;
        bool frozenConsistent;
        string uri;
        uint256 proposalId;
        bytes32 reasonHash;
        FrozenFigures frozen;
    }

    // The figures a verdict froze, in three slots: the year's emissions and offsets, both years' RECs, the base
    // year's emissions and offsets (Reduction only). Net positions are not stored: the ledger defines them as
    // emissions minus retired offsets. 128 bits hold any ledger total (the ledger keeps them in 128 bits); a
    // larger one would revert (SafeCast) rather than be frozen wrong.
    struct FrozenFigures {
        uint128 emissions;
        uint128 offsetsRetired;
        uint128 recsRetired;
        uint128 baseRecsRetired;
        uint128 baseEmissions;
        uint128 baseOffsetsRetired;
    }

    uint256 private constant _BASIS_POINTS = 10_000;

    ICarbonLedger private immutable _LEDGER;
    address private immutable _TIMELOCK;
    IProposalExecution private immutable _GOVERNOR;

    uint256 private _claimCount;
    mapping(uint256 claimId => StoredClaim) private _claims;

    /**
     * @param ledger_ The carbon ledger (registration and figures).
     * @param timelock_ The DAO's timelock, the only account that records verdicts (during a proposal's execution).
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
        if (proposalId == 0) revert ClaimsVerdictWithoutProposal(claimId);
        Figures memory figures = _liveFigures(stored);

        Verdict verdict = approved ? Verdict.Approved : Verdict.Rejected;
        stored.verdict = verdict;
        stored.decidedAt = uint40(block.timestamp);
        stored.frozenConsistent = figures.consistent;
        stored.proposalId = proposalId;
        stored.reasonHash = reasonHash;
        stored.frozen = FrozenFigures({
            emissions: figures.totals.emissions.toUint128(),
            offsetsRetired: figures.totals.offsetsRetired.toUint128(),
            recsRetired: figures.totals.recsRetired.toUint128(),
            baseRecsRetired: figures.baseTotals.recsRetired.toUint128(),
            baseEmissions: figures.baseTotals.emissions.toUint128(),
            baseOffsetsRetired: figures.baseTotals.offsetsRetired.toUint128()
        });
        emit VerdictRecorded(claimId, proposalId, verdict, reasonHash);
        emit VerdictFiguresFrozen(claimId, figures);
    }

    /// @inheritdoc IClaimsRegistry
    function claimOf(uint256 claimId) external view returns (ClaimReport memory report) {
        StoredClaim storage stored = _claims[claimId];
        if (stored.account == address(0)) revert ClaimsUnknownClaim(claimId);
        report.claim = _claimOf(stored);
        report.verdict = VerdictRecord({
            verdict: stored.verdict,
            decidedAt: stored.decidedAt,
            proposalId: stored.proposalId,
            reasonHash: stored.reasonHash
        });
        report.live = _liveFigures(stored);
        if (report.verdict.verdict != Verdict.Pending) {
            report.frozen = _frozenFigures(stored);
            report.changedSinceVerdict = _differ(report.frozen, report.live);
        }
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

    function _claimOf(StoredClaim storage stored) private view returns (Claim memory) {
        return
            Claim({
                account: stored.account,
                year: stored.year,
                kind: stored.kind,
                value: stored.value,
                baseYear: stored.baseYear,
                evidenceHash: stored.evidenceHash,
                uri: stored.uri
            });
    }

    /// @dev The ledger's figures for the claim now (the base year's only for a Reduction) and their consistency.
    function _liveFigures(StoredClaim storage stored) private view returns (Figures memory figures) {
        address account = stored.account;
        ClaimKind kind = stored.kind;
        figures.totals = _LEDGER.yearTotals(account, stored.year);
        if (kind == ClaimKind.Reduction) figures.baseTotals = _LEDGER.yearTotals(account, stored.baseYear);
        figures.consistent = _consistent(kind, stored.value, figures.totals, figures.baseTotals);
    }

    /// @dev The figures the verdict froze, with net positions derived as the ledger defines them.
    function _frozenFigures(StoredClaim storage stored) private view returns (Figures memory figures) {
        FrozenFigures memory f = stored.frozen;
        figures.totals = _totals(f.emissions, f.offsetsRetired, f.recsRetired);
        figures.baseTotals = _totals(f.baseEmissions, f.baseOffsetsRetired, f.baseRecsRetired);
        figures.consistent = stored.frozenConsistent;
    }

    function _totals(uint128 emissions, uint128 offsetsRetired, uint128 recsRetired)
        private
        pure
        returns (ICarbonLedger.YearTotals memory)
    {
        return
            ICarbonLedger.YearTotals({
                emissions: emissions,
                offsetsRetired: offsetsRetired,
                recsRetired: recsRetired,
                netPosition: int256(uint256(emissions)) - int256(uint256(offsetsRetired))
            });
    }

    /// @dev Whether any figure differs (consistency follows from the figures, and is compared too).
    function _differ(Figures memory a, Figures memory b) private pure returns (bool) {
        return keccak256(abi.encode(a)) != keccak256(abi.encode(b));
    }

    /// @dev Whether the ledger's figures bear the claim out; no audited emissions means nothing to check against.
    function _consistent(
        ClaimKind kind,
        uint96 value,
        ICarbonLedger.YearTotals memory totals,
        ICarbonLedger.YearTotals memory baseTotals
    ) private pure returns (bool) {
        if (totals.emissions == 0) return false;
        if (kind == ClaimKind.NetZero) return totals.netPosition <= 0;
        if (kind == ClaimKind.EmissionsAtMost) return totals.emissions <= value;
        // Reduction: emissions <= base * (1 - value / 10000), compared without division.
        return
            baseTotals.emissions > 0 &&
            totals.emissions * _BASIS_POINTS <= baseTotals.emissions * (_BASIS_POINTS - value);
    }
}
