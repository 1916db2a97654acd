// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ICarbonLedger} from "../ledger/ICarbonLedger.sol";
import {IProposalExecution} from "./IProposalExecution.sol";

/**
 * @title IClaimsRegistry
 * @notice Climate claims of registered companies and the DAO's verdicts on them.
 *
 * A company registered on the ledger (`ledger.isParticipant`) submits a claim about itself for a reporting year.
 * Only the DAO's timelock records a verdict, once. Reading a claim returns it with the verdict and the ledger's
 * figures for the company and year, and whether those figures are consistent with the claim:
 * - NetZero: audited emissions minus retired offsets is at most zero;
 * - EmissionsAtMost: audited emissions (g CO2e) are at most `value`;
 * - Reduction: audited emissions are at least `value` basis points below those of `baseYear`.
 * A year without audited emissions on the ledger is never consistent (nothing to check against).
 */
interface IClaimsRegistry {
    /// @notice What a claim asserts. The numeric codes are part of the interface (1, 2, 3).
    enum ClaimKind {
        None,
        NetZero,
        EmissionsAtMost,
        Reduction
    }

    /// @notice The DAO's verdict on a claim.
    enum Verdict {
        Pending,
        Approved,
        Rejected
    }

    /**
     * @notice What a company submits.
     * @param year The reporting year (calendar year, UTC) the claim is about.
     * @param kind What is claimed.
     * @param value NetZero: 0. EmissionsAtMost: the ceiling in g CO2e. Reduction: basis points (1..10000).
     * @param baseYear Reduction: the earlier year compared with; otherwise 0.
     * @param evidenceHash Hash of the company's evidence (documents stay off chain).
     * @param uri Where the claim's description is published.
     */
    struct ClaimRequest {
        uint16 year;
        ClaimKind kind;
        uint96 value;
        uint16 baseYear;
        bytes32 evidenceHash;
        string uri;
    }

    /// @notice A submitted claim.
    struct Claim {
        address account;
        uint16 year;
        ClaimKind kind;
        uint96 value;
        uint16 baseYear;
        bytes32 evidenceHash;
        string uri;
    }

    /// @notice The verdict on a claim: the proposal that decided it and a hash of the reasons.
    struct VerdictRecord {
        Verdict verdict;
        uint40 decidedAt;
        uint256 proposalId;
        bytes32 reasonHash;
    }

    /// @notice A claim with its verdict and the ledger's figures (`baseTotals` only for a Reduction claim).
    struct ClaimReport {
        Claim claim;
        VerdictRecord verdict;
        ICarbonLedger.YearTotals totals;
        ICarbonLedger.YearTotals baseTotals;
        bool consistent;
    }

    /// @notice `account` submitted claim `claimId`.
    event ClaimSubmitted(
        uint256 indexed claimId,
        address indexed account,
        uint16 year,
        ClaimKind kind,
        uint96 value,
        uint16 baseYear,
        bytes32 evidenceHash,
        string uri
    );

    /// @notice The DAO decided claim `claimId` through proposal `proposalId`.
    event VerdictRecorded(uint256 indexed claimId, uint256 indexed proposalId, Verdict verdict, bytes32 reasonHash);

    /// @notice Only companies registered on the ledger submit claims.
    error ClaimsUnregisteredCompany(address account);
    /// @notice The claim kind is not 1, 2 or 3.
    error ClaimsInvalidKind(ClaimKind kind);
    /// @notice The value does not suit the kind (NetZero: 0; Reduction: 1..10000 basis points).
    error ClaimsInvalidValue(ClaimKind kind, uint96 value);
    /// @notice The reporting year is before 1970.
    error ClaimsInvalidYear(uint16 year);
    /// @notice Reduction needs a base year before `year`; other kinds need base year 0.
    error ClaimsInvalidBaseYear(ClaimKind kind, uint16 year, uint16 baseYear);
    /// @notice The evidence hash is zero.
    error ClaimsZeroEvidence();
    /// @notice No claim has this id.
    error ClaimsUnknownClaim(uint256 claimId);
    /// @notice Only the timelock records verdicts.
    error ClaimsUnauthorizedVerdict(address caller);
    /// @notice The claim already has a verdict.
    error ClaimsVerdictAlreadyRecorded(uint256 claimId, Verdict verdict);

    /**
     * @notice Submits a claim about the caller.
     * @dev Emits {ClaimSubmitted}. Requirements: the caller is registered on the ledger; the request is valid.
     * @return claimId The new claim's id (sequential from 1).
     */
    function submitClaim(ClaimRequest calldata request) external returns (uint256 claimId);

    /**
     * @notice Records the DAO's verdict on claim `claimId`, with the id of the governor proposal executing it.
     * @dev Emits {VerdictRecorded}. The proposal id comes from {IProposalExecution-executingProposalId} of the
     * governor (0 if the timelock runs an operation the governor did not propose).
     *
     * Requirements: caller is the timelock; the claim exists and has no verdict yet.
     */
    function recordVerdict(uint256 claimId, bool approved, bytes32 reasonHash) external;

    /// @notice Claim `claimId` with its verdict, the ledger's figures and their consistency with the claim.
    function claimOf(uint256 claimId) external view returns (ClaimReport memory report);

    /// @notice Number of claims submitted so far (the last claim id).
    function claimCount() external view returns (uint256);

    /// @notice The ledger read for registration and figures.
    function ledger() external view returns (ICarbonLedger);

    /// @notice The only account that records verdicts.
    function timelock() external view returns (address);

    /// @notice The governor asked for the id of the proposal that records a verdict.
    function governor() external view returns (IProposalExecution);
}
