// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title ICarbonLedger
 * @notice One ERC-1155 ledger of Renewable Energy Certificates (RECs), carbon offsets and audited emissions.
 *
 * Units: a REC unit is 1 Wh; an offset or emissions unit is 1 g CO2e. Dates are unix seconds (UTC).
 *
 * A token id is its evidence hash within a scope: `id == tokenIdOf(tokenType, scope, evidenceHash)`, where the scope
 * of audited emissions is their emitter and the scope of a REC or offset is its issuer. An evidence hash backs at
 * most one issuance within its scope, and nobody can block another scope's issuance by spending its hash first.
 * Likewise each underlying record (`IssueRequest.records`, e.g. a Fabric utility bill under its party) backs at most
 * one token of its type and scope, whatever the aggregation: audited emissions must name their records.
 *
 * With an attestation threshold above 1, audited emissions are recorded only by attestation of that many distinct
 * auditors (k-of-n on every path); a threshold of 1 trusts any single emissions auditor.
 *
 * For every id at all times: `issuedOf(id) == sum of balances + retiredOf(id) + revokedOf(id)`, where voided
 * retirements count as revoked (they leave `retiredOf` and the beneficiary's totals).
 *
 * Year attribution: an amount with a period (an emissions issuance, or a retirement's claimed period) counts wholly
 * towards the calendar year (UTC) that contains the midpoint of its period, `fromDate + (thruDate - fromDate) / 2`.
 */
interface ICarbonLedger {
    /// @notice The three kinds of token. The numeric codes are part of the interface (1, 2, 3).
    enum TokenType {
        None,
        RenewableEnergyCertificate,
        CarbonOffset,
        AuditedEmissions
    }

    /**
     * @notice What an issuer asks the ledger to issue.
     * @param tokenType 1 REC (Wh), 2 offset (g CO2e), 3 audited emissions (g CO2e).
     * @param issuee The emitter (emissions) or first holder (RECs, offsets); receives the tokens.
     * @param amount Quantity in the type's base unit; at most 2^72 - 1 (about 4.7e15 t CO2e or 4.7e9 TWh).
     * @param fromDate Start of the period the issuance covers (unix seconds, UTC).
     * @param thruDate End of that period, `fromDate <= thruDate`.
     * @param evidenceHash Hash of the evidence; with the type and scope it gives the token id; never reusable there.
     * @param records Keys of the underlying records (non-zero, distinct); each backs at most one token of this type
     * and scope. Audited emissions need at least one (the oracle: one per Fabric record); optional otherwise.
     * @param metadata A JSON object (starting with `{`) or a URI; served through {uri}.
     */
    struct IssueRequest {
        uint8 tokenType;
        address issuee;
        uint256 amount;
        uint40 fromDate;
        uint40 thruDate;
        bytes32 evidenceHash;
        bytes32[] records;
        string metadata;
    }

    /**
     * @notice An emissions issuance signed off chain by distinct emissions auditors.
     * @dev `signatures[i]` is `signers[i]`'s signature of the EIP-712 digest {attestationDigest} of `request` and
     * `deadline`: an ECDSA signature for an externally owned account, or whatever its {IERC1271-isValidSignature}
     * accepts for a smart-contract wallet (e.g. a Safe). Signers are in strictly ascending order.
     */
    struct Attestation {
        IssueRequest request;
        uint256 deadline;
        address[] signers;
        bytes[] signatures;
    }

    /**
     * @notice How a retirement is claimed.
     * @param beneficiary The account whose footprint the retirement counts towards.
     * @param beneficiaryNameCommitment keccak256 of the beneficiary's name and a salt; the name stays off chain.
     * @param fromDate Start of the period the retirement is claimed for.
     * @param thruDate End of that period.
     * @param reason Free text (no personal data).
     */
    struct Retirement {
        address beneficiary;
        bytes32 beneficiaryNameCommitment;
        uint40 fromDate;
        uint40 thruDate;
        string reason;
    }

    /**
     * @notice The immutable record of one issuance (its evidence hash is in the {Issued} event).
     * @param year The calendar year (UTC) its period is attributed to (the vintage of a REC or offset).
     */
    struct TokenRecord {
        address issuer;
        uint40 fromDate;
        uint40 thruDate;
        TokenType tokenType;
        address issuee;
        uint40 createdAt;
        uint16 year;
        string metadata;
    }

    /// @notice Running totals of an account for one calendar year.
    struct YearTotals {
        uint256 emissions;
        uint256 offsetsRetired;
        uint256 recsRetired;
        int256 netPosition;
    }

    // ------------------------------------------------------------------ events

    /**
     * @notice A token was issued: `id` is `tokenIdOf(tokenType, scope, evidenceHash)`; `issuer` signed it (the
     * lowest signer when attested).
     */
    event Issued(
        uint256 indexed id,
        address indexed issuer,
        address indexed issuee,
        TokenType tokenType,
        uint256 amount,
        uint40 fromDate,
        uint40 thruDate,
        bytes32 evidenceHash
    );

    /// @notice The issuance of `id` spent these record keys (each within the token's type and scope).
    event RecordsBound(uint256 indexed id, bytes32[] records);

    /// @notice An attested batch met `id` already issued with the identical record, and went on without it.
    event IssuanceSkipped(uint256 indexed id, address indexed relayer);

    /// @notice An issuance came by attestation; `signers` are the distinct auditors, ascending.
    event Attested(uint256 indexed id, address indexed relayer, address[] signers);

    /**
     * @notice `amount` of `id` held by `holder` was retired for `beneficiary`; this log is the retirement receipt.
     * The year it counts towards follows from its period (see the year attribution rule above).
     */
    event Retired(
        address indexed holder,
        uint256 indexed id,
        address indexed beneficiary,
        address operator,
        uint256 amount,
        bytes32 beneficiaryNameCommitment,
        uint40 fromDate,
        uint40 thruDate,
        string reason
    );

    /**
     * @notice `amount` of `id` held by `holder` was revoked by `revoker`; `proposalId` is the DAO proposal that
     * decided it (0 when the revoker acted outside a proposal's execution).
     */
    event Revoked(
        address indexed holder,
        uint256 indexed id,
        address indexed revoker,
        uint256 amount,
        uint256 proposalId,
        string reason
    );

    /**
     * @notice `amount` of `id` that `holder` retired for `beneficiary` in `year` was voided (fraud, error): it left the
     * beneficiary's retired totals and net position and now counts as revoked. Marks the receipts it reverses.
     */
    event RetirementVoided(
        address indexed holder,
        uint256 indexed id,
        address indexed beneficiary,
        uint16 year,
        uint256 amount,
        uint256 proposalId,
        string reason
    );

    /// @notice The largest distance, in years, between a retirement's claimed year and its token's year changed.
    event ClaimYearGapSet(uint8 oldGap, uint8 newGap);

    /// @notice The contract asked which DAO proposal is executing (for revocations and voids) changed.
    event ProposalSourceSet(address oldSource, address newSource);

    /// @notice A participant's registration for limited mode changed.
    event ParticipantSet(address indexed account, bool registered);

    /// @notice Limited mode was switched.
    event LimitedModeSet(bool oldLimited, bool newLimited);

    /// @notice The number of distinct auditor signatures an attestation needs changed.
    event AttestationThresholdSet(uint8 oldThreshold, uint8 newThreshold);

    // ------------------------------------------------------------------ errors

    /// @notice An amount of zero was given.
    error LedgerZeroAmount();
    /// @notice An issuance amount exceeds 2^72 - 1 (about 4.7e15 t CO2e, or 4.7e9 TWh).
    error LedgerAmountTooLarge(uint256 amount);
    /// @notice The zero address was given where an account is needed.
    error LedgerZeroAddress();
    /// @notice A period ends before it starts.
    error LedgerInvalidPeriod(uint40 fromDate, uint40 thruDate);
    /// @notice The token type code is not 1, 2 or 3 (or not allowed on this path).
    error LedgerInvalidTokenType(uint8 tokenType);
    /// @notice The evidence hash is zero.
    error LedgerZeroEvidence();
    /// @notice The evidence hash already backs a different issuance in this type and scope (the token `id`).
    error LedgerEvidenceUsed(bytes32 evidenceHash, uint256 id);
    /// @notice The record already backs token `id` of this type and scope: it cannot be counted twice.
    error LedgerRecordUsed(bytes32 record, uint256 id);
    /// @notice A record key is zero.
    error LedgerZeroRecord();
    /// @notice Audited emissions must name the records they total (one record, one token).
    error LedgerEmissionsWithoutRecords();
    /// @notice With an attestation threshold above 1, audited emissions are recorded only by attestation.
    error LedgerEmissionsNeedAttestation(uint8 threshold);
    /// @notice No token with this id was ever issued.
    error LedgerUnknownToken(uint256 id);
    /// @notice A batch was empty.
    error LedgerEmptyBatch();
    /// @notice Audited emissions stay with their emitter.
    error LedgerEmissionsNonTransferable(uint256 id);
    /// @notice Only RECs and offsets can be retired.
    error LedgerNotRetirable(uint256 id, TokenType tokenType);
    /// @notice The holder's available balance of `id` is below what is needed.
    error LedgerInsufficientAvailable(address holder, uint256 id, uint256 available, uint256 needed);
    /// @notice In limited mode, `account` must be a registered participant.
    error LedgerUnregisteredParticipant(address account);
    /// @notice The attestation's deadline has passed.
    error LedgerAttestationExpired(uint256 deadline, uint256 timestamp);
    /// @notice Fewer distinct auditor signatures than the threshold.
    error LedgerAttestationInsufficientSignatures(uint256 provided, uint256 required);
    /// @notice A signer does not hold the emissions auditor role.
    error LedgerAttestationSignerNotAuditor(address signer);
    /// @notice Signers must be distinct and in strictly ascending order.
    error LedgerAttestationSignersNotAscending(address previous, address signer);
    /// @notice Each signer needs exactly one signature.
    error LedgerAttestationSignaturesMismatch(uint256 signers, uint256 signatures);
    /// @notice `signer`'s signature does not sign the attestation (ECDSA, or ERC-1271 for a contract).
    error LedgerAttestationInvalidSignature(address signer);
    /// @notice A retirement cannot be claimed for a period that has not ended.
    error LedgerClaimedPeriodInFuture(uint40 thruDate, uint256 timestamp);
    /// @notice A retirement's claimed year lies more than `maxGap` years from its token's year.
    error LedgerClaimedYearTooFar(uint16 claimedYear, uint16 tokenYear, uint8 maxGap);
    /// @notice Less than `needed` of `id` retired by `holder` for `beneficiary` in `year` is left to void.
    error LedgerInsufficientRetired(
        address holder, uint256 id, address beneficiary, uint16 year, uint256 retired, uint256 needed
    );
    /// @notice The attestation threshold must be at least 1.
    error LedgerInvalidThreshold(uint8 threshold);

    // ------------------------------------------------------------------ issuance

    /**
     * @notice Issues a new token whose id is `tokenIdOf(request.tokenType, scope, request.evidenceHash)`.
     * @dev Emits {Issued}, {RecordsBound} when records are named, and {IERC1155-TransferSingle}.
     *
     * Requirements: the caller holds the issuer role of `request.tokenType`; for audited emissions the attestation
     * threshold is 1 and at least one record is named; the request is valid (non-zero amount and issuee, valid
     * period, non-zero evidence unused in its scope, non-zero records unused in their scope); not paused; in limited
     * mode a REC or offset issuee is registered.
     * @return id The new token id.
     */
    function issue(IssueRequest calldata request) external returns (uint256 id);

    /**
     * @notice Issues several tokens in one transaction; all or nothing.
     * @dev Emits, per request, what {issue} emits.
     * @return ids The new token ids, in request order.
     */
    function issueBatch(IssueRequest[] calldata requests) external returns (uint256[] memory ids);

    /**
     * @notice Issues audited emissions attested off chain by emissions auditors; anyone may submit.
     * @dev Emits {Issued} (issuer = lowest signer), {RecordsBound}, {Attested} and {IERC1155-TransferSingle}. A
     * signature cannot be replayed: its evidence hash and records are spent by the first issuance.
     *
     * Requirements: `request.tokenType` is 3; `block.timestamp <= deadline`; at least {attestationThreshold}
     * signers, distinct current emissions auditors in ascending order, each with a valid signature (ECDSA or
     * ERC-1271); the request is valid as for {issue}.
     * @return id The new token id.
     */
    function issueAttested(Attestation calldata attestation) external returns (uint256 id);

    /**
     * @notice Submits several attestations in one transaction. An attestation whose token already exists with the
     * identical record (amount, period, metadata, the same records) is skipped with {IssuanceSkipped}, so a racer
     * who submitted one of them first does not sink the batch; any other failure, a conflicting record included,
     * reverts it all. Nothing happens while paused.
     * @return ids The token ids, in order (issued or found identical).
     */
    function issueAttestedBatch(Attestation[] calldata attestations) external returns (uint256[] memory ids);

    /**
     * @notice The EIP-712 digest auditors sign for `request` with `deadline`.
     * @return The digest bound to this chain and this contract.
     */
    function attestationDigest(IssueRequest calldata request, uint256 deadline) external view returns (bytes32);

    // ------------------------------------------------------------------ retirement, revocation, voiding

    /**
     * @notice Retires `amount` of REC or offset `id` held by `holder`, permanently, for `retirement.beneficiary`.
     * @dev Emits {Retired} (the receipt) and {IERC1155-TransferSingle} to the zero address.
     *
     * Requirements: caller is `holder` or approved for all by `holder`; `id` is a REC or offset; `amount` is non-zero
     * and at most the holder's balance; non-zero beneficiary; valid claimed period that has ended; its year within
     * {claimYearGap} years of the token's year; not paused.
     */
    function retire(address holder, uint256 id, uint256 amount, Retirement calldata retirement) external;

    /**
     * @notice Revokes `amount` of `id` held by `holder` (fraud, error), distinct from retirement.
     * @dev Emits {Revoked} and {IERC1155-TransferSingle} to the zero address. Works while paused. Revoked emissions
     * leave the emitter's year totals.
     *
     * Requirements: caller holds the revoker role; `amount` is non-zero and at most the holder's balance.
     */
    function revoke(address holder, uint256 id, uint256 amount, string calldata reason) external;

    /**
     * @notice Voids `amount` of REC or offset `id` that `holder` retired for `beneficiary` in `year` (fraud found
     * after retirement): it leaves the holder's and the beneficiary's retired totals and the beneficiary's net
     * position, and counts as revoked.
     * @dev Emits {RetirementVoided}. Works while paused.
     *
     * Requirements: caller holds the revoker role; `amount` is non-zero and at most what is left of those
     * retirements ({retiredFor}).
     */
    function voidRetirement(
        address holder,
        uint256 id,
        address beneficiary,
        uint16 year,
        uint256 amount,
        string calldata reason
    ) external;

    // ------------------------------------------------------------------ administration

    /**
     * @notice Registers or unregisters `account` as a participant for limited mode.
     * @dev Emits {ParticipantSet}. Requirements: caller holds the registrar role; non-zero account.
     */
    function setParticipant(address account, bool registered) external;

    /**
     * @notice Switches limited mode, where RECs and offsets move only between registered participants.
     * @dev Emits {LimitedModeSet}. Requirements: caller is the admin.
     */
    function setLimitedMode(bool limited) external;

    /**
     * @notice Sets how many distinct auditor signatures an attestation needs; above 1, audited emissions are
     * recorded only by attestation.
     * @dev Emits {AttestationThresholdSet}. Requirements: caller is the admin; `threshold >= 1`.
     */
    function setAttestationThreshold(uint8 threshold) external;

    /**
     * @notice Sets the largest distance, in years, between a retirement's claimed year and its token's year.
     * @dev Emits {ClaimYearGapSet}. Requirements: caller is the admin.
     */
    function setClaimYearGap(uint8 gap) external;

    /**
     * @notice Sets the contract asked for the executing DAO proposal's id ({IProposalExecution}: the governor), or
     * the zero address for none.
     * @dev Emits {ProposalSourceSet}. Requirements: caller is the admin.
     */
    function setProposalSource(address source) external;

    /// @notice Pauses issuance, transfers and retirement. Requirements: caller holds the pauser role.
    function pause() external;

    /// @notice Ends a pause. Requirements: caller holds the pauser role.
    function unpause() external;

    // ------------------------------------------------------------------ reads (all O(1) per item)

    /// @notice The token id of `evidenceHash` for `tokenType` in `scope` (emissions: the emitter; else the issuer).
    function tokenIdOf(uint8 tokenType, address scope, bytes32 evidenceHash) external pure returns (uint256);

    /// @notice The immutable record of `id`. Reverts with {LedgerUnknownToken} for an id never issued.
    function recordOf(uint256 id) external view returns (TokenRecord memory);

    /// @notice Whether `id` was ever issued.
    function exists(uint256 id) external view returns (bool);

    /// @notice For each hash, whether it already backs an issuance of `tokenType` in `scope`.
    function evidenceUsed(uint8 tokenType, address scope, bytes32[] calldata evidenceHashes)
        external
        view
        returns (bool[] memory used);

    /// @notice For each record key, the token of `tokenType` in `scope` it backs (0: none yet).
    function recordTokens(uint8 tokenType, address scope, bytes32[] calldata records)
        external
        view
        returns (uint256[] memory ids);

    /// @notice Total ever issued of `id`.
    function issuedOf(uint256 id) external view returns (uint256);

    /// @notice Total retired of `id` (voided retirements excluded).
    function retiredOf(uint256 id) external view returns (uint256);

    /// @notice Total revoked of `id`, voided retirements included.
    function revokedOf(uint256 id) external view returns (uint256);

    /// @notice Sum of all balances of `id`: `issued - retired - revoked`.
    function availableOf(uint256 id) external view returns (uint256);

    /// @notice Amount of `id` that `holder` retired from its own balance (voided retirements excluded).
    function retiredBy(address holder, uint256 id) external view returns (uint256);

    /// @notice Amount of `id` that `holder` retired for `beneficiary` in `year`, not voided: what a void can reach.
    function retiredFor(uint256 id, address holder, address beneficiary, uint16 year) external view returns (uint256);

    /// @notice Audited emissions, retired offsets (g CO2e), retired RECs (Wh) and net position of `account` in `year`.
    function yearTotals(address account, uint16 year) external view returns (YearTotals memory);

    /// @notice Audited emissions minus retired offsets of `account` in `year`, in g CO2e (negative: net removal).
    function netPosition(address account, uint16 year) external view returns (int256);

    /// @notice Whether `account` is a registered participant.
    function isParticipant(address account) external view returns (bool);

    /// @notice Whether limited mode is on.
    function limitedMode() external view returns (bool);

    /// @notice Distinct auditor signatures an attestation needs.
    function attestationThreshold() external view returns (uint8);

    /// @notice Largest distance, in years, between a retirement's claimed year and its token's year.
    function claimYearGap() external view returns (uint8);

    /// @notice The contract asked for the executing DAO proposal's id (zero address: none).
    function proposalSource() external view returns (address);
}
