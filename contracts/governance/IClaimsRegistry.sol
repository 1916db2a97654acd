// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ICarbonLedger} from "../ledger/ICarbonLedger.sol";
import {IProposalExecution} from "./IProposalExecution.sol";

/**
 * @title IClaimsRegistry
 * @notice Climate claims of registered companies and the DAO's verdicts on them.
 *
 * A company registered on the ledger (`ledger.isParticipant`) submits a claim about itself for a reporting year.
 * A verdict comes only from the execution of a governor proposal: the timelock records it, once, while the governor
 * is executing that proposal, and the verdict is attributed to it. The ledger's figures are compared with the claim:
 * - NetZero: audited emissions minus retired offsets is at most zero;
 * - EmissionsAtMost: audited emissions (g CO2e) are at most `value`;
 * - Reduction: audited emissions are at least `value` basis points below those of `baseYear`.
 * A year without audited emissions on the ledger is never consistent (nothing to check against).
 *
 * Verdicts stand: recording a verdict freezes the figures it was based on (the year's totals, the base year's for
 * a Reduction, and their consistency with the claim). Later retirements, issuances or revocations change the
 * ledger's live figures, never the verdict or its frozen figures; reading a claim shows both and whether they differ.
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

    /**
     * @notice The ledger's figures for a claim and whether they bear it out.
     * @param totals The company's totals for the claim's year.
     * @param baseTotals The company's totals for the base year (Reduction claims only; otherwise zero).
     * @param consistent Whether these figures are consistent with the claim.
     */
    struct Figures {
        ICarbonLedger.YearTotals totals;
        ICarbonLedger.YearTotals baseTotals;
        bool consistent;
    }

    /**
     * @notice A claim as a reader sees it.
     * @param claim The claim.
     * @param verdict The verdict (Pending, decidedAt 0 and proposalId 0 while pending).
     * @param frozen The figures the verdict was based on, as recorded with it (all zero and false while pending).
     * @param live The ledger's figures now.
     * @param changedSinceVerdict Whether a verdict exists and a live figure differs from the frozen one.
     */
    struct ClaimReport {
        Claim claim;
        VerdictRecord verdict;
        Figures frozen;
        Figures live;
        bool changedSinceVerdict;
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

    /// @notice The verdict on claim `claimId` froze these ledger figures (emitted with {VerdictRecorded}).
    event VerdictFiguresFrozen(uint256 indexed claimId, Figures figures);

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
    /// @notice The timelock tried to record a verdict on `claimId` while the governor was executing no proposal.
    error ClaimsVerdictWithoutProposal(uint256 claimId);
    /// @notice The claim already has a verdict.
    error ClaimsVerdictAlreadyRecorded(uint256 claimId, Verdict verdict);

    /**
     * @notice Submits a claim about the caller.
     * @dev Emits {ClaimSubmitted}. Requirements: the caller is registered on the ledger; the request is valid.
     * @return claimId The new claim's id (sequential from 1).
     */
    function submitClaim(ClaimRequest calldata request) external returns (uint256 claimId);

    /**
     * @notice Records the DAO's verdict on claim `claimId`, attributed to the governor proposal executing it, and
     * freezes the ledger's figures for the claim (see {ClaimReport}).
     * @dev Emits {VerdictRecorded} and {VerdictFiguresFrozen}. The proposal id comes from
     * {IProposalExecution-executingProposalId} of the governor.
     *
     * Requirements:
     * - the caller is the timelock;
     * - the claim exists and has no verdict yet;
     * - the governor is executing a proposal (its id is not 0): an operation run on the timelock other than by
     *   the governor's execution records nothing.
     */
    function recordVerdict(uint256 claimId, bool approved, bytes32 reasonHash) external;

    /**
     * @notice Claim `claimId` with its verdict, the figures the verdict froze, the ledger's live figures, and
     * whether they differ.
     * @dev Requirements: the claim exists.
     */
    function claimOf(uint256 claimId) external view returns (ClaimReport memory report);

    /// @notice Number of claims submitted so far (the last claim id).
    function claimCount() external view returns (uint256);

    /// @notice The ledger read for registration and figures.
    function ledger() external view returns (ICarbonLedger);

    /// @notice The only account that records verdicts (during a governor proposal's execution).
    function timelock() external view returns (address);

    /// @notice The governor asked for the id of the proposal that records a verdict.
    function governor() external view returns (IProposalExecution);
}
