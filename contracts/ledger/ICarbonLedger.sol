// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title ICarbonLedger
 * @notice One ERC-1155 ledger of Renewable Energy Certificates (RECs), carbon offsets and audited emissions.
 *
 * Units: a REC unit is 1 Wh; an offset or emissions unit is 1 g CO2e. Dates are unix seconds (UTC).
 *
 * A token id IS the evidence hash of its issuance (`id == uint256(evidenceHash)`): one piece of evidence can back
 * at most one issuance, by construction, and anyone holding the evidence can compute the id of the token that
 * must exist for it.
 *
 * For every id at all times: `issuedOf(id) == sum of balances + retiredOf(id) + revokedOf(id)`.
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
     * @param amount Quantity in the type's base unit; at most 2^80 - 1 (about 1.2e18 t CO2e or 1.2e12 TWh).
     * @param fromDate Start of the period the issuance covers (unix seconds, UTC).
     * @param thruDate End of that period, `fromDate <= thruDate`.
     * @param evidenceHash Hash of the evidence; becomes the token id; never reusable.
     * @param metadata A JSON object (starting with `{`) or a URI; served through {uri}.
     */
    struct IssueRequest {
        uint8 tokenType;
        address issuee;
        uint256 amount;
        uint40 fromDate;
        uint40 thruDate;
        bytes32 evidenceHash;
        string metadata;
    }

    /**
     * @notice An emissions issuance signed off chain by `signatures.length` distinct emissions auditors.
     * @dev Each signature is an EIP-712 signature of {ATTESTATION_TYPEHASH} over `request` and `deadline`, ordered by
     * strictly ascending signer address.
     */
    struct Attestation {
        IssueRequest request;
        uint256 deadline;
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

    /// @notice The immutable record of one issuance. Its evidence hash is the token id.
    struct TokenRecord {
        address issuer;
        uint40 fromDate;
        uint40 thruDate;
        TokenType tokenType;
        address issuee;
        uint40 createdAt;
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

    /// @notice A token was issued: `id` is the evidence hash; `issuer` signed it (first signer when attested).
    event Issued(
        uint256 indexed id,
        address indexed issuer,
        address indexed issuee,
        TokenType tokenType,
        uint256 amount,
        uint40 fromDate,
        uint40 thruDate
    );

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

    /// @notice `amount` of `id` held by `holder` was revoked by `revoker`.
    event Revoked(address indexed holder, uint256 indexed id, address indexed revoker, uint256 amount, string reason);

    /// @notice A participant's registration for limited mode changed.
    event ParticipantSet(address indexed account, bool registered);

    /// @notice Limited mode was switched.
    event LimitedModeSet(bool oldLimited, bool newLimited);

    /// @notice The number of distinct auditor signatures an attestation needs changed.
    event AttestationThresholdSet(uint8 oldThreshold, uint8 newThreshold);

    // ------------------------------------------------------------------ errors

    /// @notice An amount of zero was given.
    error LedgerZeroAmount();
    /// @notice An issuance amount exceeds 2^80 - 1 (about 1.2e18 t CO2e, or 1.2e12 TWh).
    error LedgerAmountTooLarge(uint256 amount);
    /// @notice The zero address was given where an account is needed.
    error LedgerZeroAddress();
    /// @notice A period ends before it starts.
    error LedgerInvalidPeriod(uint40 fromDate, uint40 thruDate);
    /// @notice The token type code is not 1, 2 or 3 (or not allowed on this path).
    error LedgerInvalidTokenType(uint8 tokenType);
    /// @notice The evidence hash is zero.
    error LedgerZeroEvidence();
    /// @notice The evidence hash already backs an issuance (the token `uint256(evidenceHash)`).
    error LedgerEvidenceUsed(bytes32 evidenceHash);
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
    /// @notice The attestation threshold must be at least 1.
    error LedgerInvalidThreshold(uint8 threshold);

    // ------------------------------------------------------------------ issuance

    /**
     * @notice Issues a new token whose id is `request.evidenceHash`.
     * @dev Emits {Issued} and {IERC1155-TransferSingle}.
     *
     * Requirements: the caller holds the issuer role of `request.tokenType`; the request is valid (non-zero amount
     * and issuee, valid period, unused non-zero evidence); not paused; in limited mode a REC or offset issuee is
     * registered.
     * @return id The new token id.
     */
    function issue(IssueRequest calldata request) external returns (uint256 id);

    /**
     * @notice Issues several tokens in one transaction; all or nothing.
     * @dev Emits one {Issued} and one {IERC1155-TransferSingle} per request.
     * @return ids The new token ids, in request order.
     */
    function issueBatch(IssueRequest[] calldata requests) external returns (uint256[] memory ids);

    /**
     * @notice Issues audited emissions signed off chain by emissions auditors; anyone may submit.
     * @dev Emits {Issued} (issuer = lowest signer), {Attested} and {IERC1155-TransferSingle}. A signature cannot be
     * replayed: its evidence hash is spent by the first issuance.
     *
     * Requirements: `request.tokenType` is 3; `block.timestamp <= deadline`; at least {attestationThreshold}
     * signatures, from distinct current emissions auditors, ascending by signer.
     * @return id The new token id.
     */
    function issueAttested(Attestation calldata attestation) external returns (uint256 id);

    /**
     * @notice Submits several attestations in one transaction; all or nothing.
     * @return ids The new token ids, in order.
     */
    function issueAttestedBatch(Attestation[] calldata attestations) external returns (uint256[] memory ids);

    /**
     * @notice The EIP-712 digest auditors sign for `request` with `deadline`.
     * @return The digest bound to this chain and this contract.
     */
    function attestationDigest(IssueRequest calldata request, uint256 deadline) external view returns (bytes32);

    // ------------------------------------------------------------------ retirement and revocation

    /**
     * @notice Retires `amount` of REC or offset `id` held by `holder`, permanently, for `retirement.beneficiary`.
     * @dev Emits {Retired} (the receipt) and {IERC1155-TransferSingle} to the zero address.
     *
     * Requirements: caller is `holder` or approved for all by `holder`; `id` is a REC or offset; `amount` is non-zero
     * and at most the holder's balance; non-zero beneficiary; valid claimed period; not paused.
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
     * @notice Sets how many distinct auditor signatures an attestation needs.
     * @dev Emits {AttestationThresholdSet}. Requirements: caller is the admin; `threshold >= 1`.
     */
    function setAttestationThreshold(uint8 threshold) external;

    /// @notice Pauses issuance, transfers and retirement. Requirements: caller holds the pauser role.
    function pause() external;

    /// @notice Ends a pause. Requirements: caller holds the pauser role.
    function unpause() external;

    // ------------------------------------------------------------------ reads (all O(1))

    /// @notice The immutable record of `id`. Reverts with {LedgerUnknownToken} for an id never issued.
    function recordOf(uint256 id) external view returns (TokenRecord memory);

    /// @notice Whether `id` was ever issued.
    function exists(uint256 id) external view returns (bool);

    /// @notice For each hash, whether it already backs an issuance.
    function evidenceUsed(bytes32[] calldata evidenceHashes) external view returns (bool[] memory used);

    /// @notice Total ever issued of `id`.
    function issuedOf(uint256 id) external view returns (uint256);

    /// @notice Total retired of `id`.
    function retiredOf(uint256 id) external view returns (uint256);

    /// @notice Total revoked of `id`.
    function revokedOf(uint256 id) external view returns (uint256);

    /// @notice Sum of all balances of `id`: `issued - retired - revoked`.
    function availableOf(uint256 id) external view returns (uint256);

    /// @notice Amount of `id` that `holder` retired from its own balance.
    function retiredBy(address holder, uint256 id) external view returns (uint256);

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
}
