// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Utils} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Utils.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ICarbonLedger} from "./ICarbonLedger.sol";
import {TokenMetadata} from "./TokenMetadata.sol";
import {UtcYear} from "./libraries/UtcYear.sol";
import {IProposalExecution} from "../governance/IProposalExecution.sol";

/**
 * @title CarbonLedger
 * @notice One ERC-1155 ledger of RECs (Wh), carbon offsets (g CO2e) and audited emissions (g CO2e).
 * @dev See {ICarbonLedger}. Balances of RECs and offsets live in `_positions` beside the holder's retired amount
 * (one slot: retirement updates both for the price of one write), and every mint, transfer and burn of them
 * passes through {_update}, which enforces pause, limited mode and emissions non-transferability. Audited
 * emissions are not balances at all: they never move, so the emitter's balance is derived from the record
 * (`issued - revoked`) and issuance writes no balance slot. Revocation and voiding alone bypass the pause, so fraud
 * can be removed during one. Every issuance path goes through {_issue}, which spends the evidence hash and the
 * records within the token's scope.
 */
contract CarbonLedger is ICarbonLedger, ERC1155, AccessControlDefaultAdminRules, EIP712, Pausable {
    bytes32 public constant REC_ISSUER_ROLE = keccak256("REC_ISSUER_ROLE");
    bytes32 public constant OFFSET_ISSUER_ROLE = keccak256("OFFSET_ISSUER_ROLE");
    bytes32 public constant EMISSIONS_AUDITOR_ROLE = keccak256("EMISSIONS_AUDITOR_ROLE");
    bytes32 public constant REVOKER_ROLE = keccak256("REVOKER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice EIP-712 type of what emissions auditors sign.
    bytes32 public constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(uint8 tokenType,address issuee,uint256 amount,uint40 fromDate,uint40 thruDate,"
        "bytes32 evidenceHash,bytes32 recordsHash,bytes32 metadataHash,uint256 deadline)"
    );

    /// @dev Largest issuance; keeps the three per-id totals and the year in one slot.
    uint256 private constant _MAX_AMOUNT = type(uint72).max;

    /**
     * @dev Default {claimYearGap}: 5 years, the span of the vintage window of ICAO's CORSIA first phase (2016
     * vintages usable for 2021 claims). Wide enough for ordinary vintage practice, narrow enough that a 2025
     * vintage cannot be claimed for 1990.
     */
    uint8 private constant _DEFAULT_CLAIM_YEAR_GAP = 5;

    /**
     * @dev Per id: its type, running totals and attributed year in one slot, written at issuance, so that retirement
     * and revocation read the type and year and update the totals with one non-zero slot. A type of None means the
     * id was never issued.
     */
    struct Supply {
        TokenType tokenType;
        uint72 issued;
        uint72 retired;
        uint72 revoked;
        uint16 year;
    }

    /// @dev The immutable part of a {TokenRecord} (its type lives in {Supply}).
    struct StoredRecord {
        address issuer;
        uint40 fromDate;
        uint40 thruDate;
        address issuee;
        uint40 createdAt;
        uint32 recordCount; // records bound at issuance (bounded by calldata), so a copy must name all of them
        string metadata;
    }

    /**
     * @dev Per id and holder of a REC or offset, in one slot: what it holds, what it retired, and the part of that
     * it retired for itself in the token's own year (the common case, so that a void can reach it without a slot
     * of its own; every other retirement is counted in `_retiredFor`). Amounts of an id never exceed its issuance,
     * at most 2^72 - 1, so the fields cannot overflow.
     */
    struct Position {
        uint88 available;
        uint80 retired;
        uint88 retiredOwnVintage;
    }

    /// @dev Per account and year; emissions and retired offsets share a slot because net position reads both.
    struct YearSlot {
        uint128 emissions;
        uint128 offsetsRetired;
    }

    // These share the slot of Pausable's flag: every issuance and retirement reads them with it.
    /// @dev Renders the JSON of {uri}; deployed by the constructor (it keeps the ledger under the code size limit).
    TokenMetadata private immutable _METADATA;

    bool private _limitedMode;
    uint8 private _attestationThreshold;
    uint8 private _claimYearGap;
    address private _proposalSource;

    mapping(uint256 id => StoredRecord) private _records;
    mapping(uint256 id => Supply) private _supply;
    mapping(uint256 id => mapping(address holder => Position)) private _positions;
    mapping(address account => mapping(uint16 year => YearSlot)) private _years;
    mapping(address account => mapping(uint16 year => uint256)) private _recsRetired;
    mapping(address account => bool) private _participants;
    /// @dev keccak256(type, scope, record key) => the token it backs.
    mapping(bytes32 scopedRecord => uint256 id) private _recordTokens;
    /// @dev keccak256(id, holder, beneficiary, year) => retired and not voided: what {voidRetirement} can reach.
    mapping(bytes32 retirementKey => uint256 amount) private _retiredFor;

    /**
     * @param initialAdmin Receives the admin role (hand it to the timelock with the two-step transfer).
     * @param adminTransferDelay Seconds a started admin transfer waits before it can be accepted.
     */
    constructor(address initialAdmin, uint48 adminTransferDelay)
        ERC1155("")
        AccessControlDefaultAdminRules(adminTransferDelay, initialAdmin)
        EIP712("CarbonLedger", "1")
    {
        _METADATA = new TokenMetadata();
        _setAttestationThreshold(1);
        _setClaimYearGap(_DEFAULT_CLAIM_YEAR_GAP);
    }

    // ================================================================== issuance

    /// @inheritdoc ICarbonLedger
    function issue(IssueRequest calldata request) external returns (uint256 id) {
        _checkDirectIssuer(request.tokenType);
        return _issue(request, msg.sender);
    }

    /// @inheritdoc ICarbonLedger
    function issueBatch(IssueRequest[] calldata requests) external returns (uint256[] memory ids) {
        uint256 n = requests.length;
        if (n == 0) revert LedgerEmptyBatch();
        ids = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            _checkDirectIssuer(requests[i].tokenType);
            ids[i] = _issue(requests[i], msg.sender);
        }
    }

    /// @inheritdoc ICarbonLedger
    function issueAttested(Attestation calldata attestation) external returns (uint256 id) {
        return _issueAttested(attestation);
    }

    /// @inheritdoc ICarbonLedger
    function issueAttestedBatch(Attestation[] calldata attestations) external returns (uint256[] memory ids) {
        _requireNotPaused(); // skips included: nothing happens during a pause
        uint256 n = attestations.length;
        if (n == 0) revert LedgerEmptyBatch();
        ids = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            IssueRequest calldata request = attestations[i].request;
            uint256 id = _tokenIdOf(request.tokenType, request.issuee, request.evidenceHash);
            if (
                request.tokenType == uint8(TokenType.AuditedEmissions) && _supply[id].tokenType != TokenType.None
                    && _isIdentical(id, request)
            ) {
                // A racer (or a copied attestation) got it on chain first: nothing to add, nothing to refuse.
                emit IssuanceSkipped(id, msg.sender);
                ids[i] = id;
            } else {
                ids[i] = _issueAttested(attestations[i]);
            }
        }
    }

    /// @inheritdoc ICarbonLedger
    function attestationDigest(IssueRequest calldata request, uint256 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ATTESTATION_TYPEHASH,
                    request.tokenType,
                    request.issuee,
                    request.amount,
                    request.fromDate,
                    request.thruDate,
                    request.evidenceHash,
                    keccak256(abi.encodePacked(request.records)),
                    keccak256(bytes(request.metadata)),
                    deadline
                )
            )
        );
    }

    /// @dev The issuer role of the type; audited emissions by one key only while the threshold is 1.
    function _checkDirectIssuer(uint8 tokenType) private view {
        _checkRole(_issuerRole(tokenType), msg.sender);
        uint8 threshold = _attestationThreshold;
        if (tokenType == uint8(TokenType.AuditedEmissions) && threshold > 1) {
            revert LedgerEmissionsNeedAttestation(threshold);
        }
    }

    function _issueAttested(Attestation calldata attestation) private returns (uint256 id) {
        IssueRequest calldata request = attestation.request;
        if (request.tokenType != uint8(TokenType.AuditedEmissions)) revert LedgerInvalidTokenType(request.tokenType);
        if (block.timestamp > attestation.deadline) {
            revert LedgerAttestationExpired(attestation.deadline, block.timestamp);
        }
        address[] calldata signers = attestation.signers;
        _checkAuditors(attestationDigest(request, attestation.deadline), signers, attestation.signatures);
        id = _issue(request, signers[0]);
        emit Attested(id, msg.sender, signers);
    }

    /**
     * @dev The signers must be at least the threshold, distinct, ascending and current auditors, each with a valid
     * signature: ECDSA for an account without code, ERC-1271 for a contract (a multisig wallet).
     */
    function _checkAuditors(bytes32 digest, address[] calldata signers, bytes[] calldata signatures) private view {
        uint256 n = signers.length;
        if (n != signatures.length) revert LedgerAttestationSignaturesMismatch(n, signatures.length);
        if (n < _attestationThreshold) revert LedgerAttestationInsufficientSignatures(n, _attestationThreshold);
        address previous = address(0);
        for (uint256 i = 0; i < n; ++i) {
            address signer = signers[i];
            if (signer <= previous) revert LedgerAttestationSignersNotAscending(previous, signer);
            if (!hasRole(EMISSIONS_AUDITOR_ROLE, signer)) revert LedgerAttestationSignerNotAuditor(signer);
            if (!SignatureChecker.isValidSignatureNow(signer, digest, signatures[i])) {
                revert LedgerAttestationInvalidSignature(signer);
            }
            previous = signer;
        }
    }

    /**
     * @dev Whether existing `id` holds exactly what `request` asks for: amount, period, metadata and the very same
     * records (as many, each bound to `id`).
     */
    function _isIdentical(uint256 id, IssueRequest calldata request) private view returns (bool) {
        StoredRecord storage record = _records[id];
        if (
            _supply[id].issued != request.amount || record.fromDate != request.fromDate
                || record.thruDate != request.thruDate || record.recordCount != request.records.length
                || keccak256(bytes(record.metadata)) != keccak256(bytes(request.metadata))
        ) return false;
        bytes32[] calldata records = request.records;
        for (uint256 i = 0; i < records.length; ++i) {
            if (_recordTokens[_scopedRecord(request.tokenType, request.issuee, records[i])] != id) return false;
        }
        return true;
    }

    /**
     * @dev The one issuance path. Validates, spends the evidence and records in the token's scope, writes the record
     * and totals, then mints. The only interaction is the ERC-1155 acceptance check on a contract receiving RECs or
     * offsets; emissions are recorded against their emitter without it, because a debt cannot be refused.
     */
    function _issue(IssueRequest calldata request, address issuer) private returns (uint256 id) {
        TokenType tokenType = TokenType(request.tokenType); // range checked by _issuerRole or _issueAttested
        address issuee = request.issuee;
        uint256 amount = request.amount;
        if (issuee == address(0)) revert LedgerZeroAddress();
        _checkAmount(amount);
        _checkPeriod(request.fromDate, request.thruDate);
        if (request.evidenceHash == bytes32(0)) revert LedgerZeroEvidence();
        bool emissions = tokenType == TokenType.AuditedEmissions;
        address scope = emissions ? issuee : issuer;
        id = _tokenIdOf(uint8(tokenType), scope, request.evidenceHash);
        Supply storage supply = _supply[id];
        if (supply.tokenType != TokenType.None) revert LedgerEvidenceUsed(request.evidenceHash, id);
        if (emissions && request.records.length == 0) revert LedgerEmissionsWithoutRecords();
        _spendRecords(uint8(tokenType), scope, request.records, id);

        uint16 year = UtcYear.attributedYear(request.fromDate, request.thruDate);
        supply.tokenType = tokenType;
        supply.issued = uint72(amount); // amount <= _MAX_AMOUNT, checked above
        supply.year = year;
        _storeRecord(_records[id], request, issuer);

        _emitIssued(id, issuer, request);
        if (emissions) {
            _requireNotPaused();
            _years[issuee][year].emissions += uint128(amount);
            emit TransferSingle(msg.sender, address(0), issuee, id, amount);
        } else {
            _mint(issuee, id, amount, ""); // through _update: pause and limited mode
        }
    }

    /// @dev Binds each record to `id` within the type and scope; a record already bound (or repeated) reverts.
    function _spendRecords(uint8 tokenType, address scope, bytes32[] calldata records, uint256 id) private {
        uint256 n = records.length;
        if (n == 0) return;
        for (uint256 i = 0; i < n; ++i) {
            bytes32 record = records[i];
            if (record == bytes32(0)) revert LedgerZeroRecord();
            bytes32 key = _scopedRecord(tokenType, scope, record);
            uint256 backed = _recordTokens[key];
            if (backed != 0) revert LedgerRecordUsed(record, backed);
            _recordTokens[key] = id;
        }
        emit RecordsBound(id, records);
    }

    function _emitIssued(uint256 id, address issuer, IssueRequest calldata request) private {
        emit Issued(
            id,
            issuer,
            request.issuee,
            TokenType(request.tokenType),
            request.amount,
            request.fromDate,
            request.thruDate,
            request.evidenceHash
        );
    }

    function _storeRecord(StoredRecord storage stored, IssueRequest calldata request, address issuer) private {
        stored.issuer = issuer;
        stored.fromDate = request.fromDate;
        stored.thruDate = request.thruDate;
        stored.issuee = request.issuee;
        stored.createdAt = uint40(block.timestamp);
        stored.recordCount = uint32(request.records.length); // calldata arrays cannot approach 2^32 entries
        if (bytes(request.metadata).length != 0) stored.metadata = request.metadata;
    }

    /// @dev The role that may issue `tokenType`; reverts for a code that is not 1, 2 or 3.
    function _issuerRole(uint8 tokenType) private pure returns (bytes32) {
        if (tokenType == uint8(TokenType.RenewableEnergyCertificate)) return REC_ISSUER_ROLE;
        if (tokenType == uint8(TokenType.CarbonOffset)) return OFFSET_ISSUER_ROLE;
        if (tokenType == uint8(TokenType.AuditedEmissions)) return EMISSIONS_AUDITOR_ROLE;
        revert LedgerInvalidTokenType(tokenType);
    }

    // ================================================================== retirement, revocation, voiding

    /// @inheritdoc ICarbonLedger
    function retire(address holder, uint256 id, uint256 amount, Retirement calldata retirement) external {
        _requireNotPaused();
        if (holder != msg.sender && !isApprovedForAll(holder, msg.sender)) {
            revert ERC1155MissingApprovalForAll(msg.sender, holder);
        }
        address beneficiary = retirement.beneficiary;
        if (beneficiary == address(0)) revert LedgerZeroAddress();
        _checkPeriod(retirement.fromDate, retirement.thruDate);
        if (retirement.thruDate > block.timestamp) {
            revert LedgerClaimedPeriodInFuture(retirement.thruDate, block.timestamp);
        }
        Supply storage supply = _supply[id];
        Supply memory totals = supply;
        if (totals.tokenType == TokenType.None) revert LedgerUnknownToken(id);
        if (totals.tokenType == TokenType.AuditedEmissions) revert LedgerNotRetirable(id, totals.tokenType);
        uint16 year = UtcYear.attributedYear(retirement.fromDate, retirement.thruDate);
        _checkClaimYear(year, totals.year);
        Position memory before = _positions[id][holder];
        _checkAvailable(holder, id, before.available, amount);

        // amount <= available <= issued <= _MAX_AMOUNT: the narrowing casts below cannot truncate, and the
        // holder's retired total plus its available balance never exceed the issuance.
        bool ownVintage = beneficiary == holder && year == totals.year;
        unchecked {
            _positions[id][holder] = Position({
                available: before.available - uint88(amount),
                retired: before.retired + uint80(amount),
                retiredOwnVintage: ownVintage ? before.retiredOwnVintage + uint88(amount) : before.retiredOwnVintage
            });
            supply.retired = totals.retired + uint72(amount);
        }
        if (!ownVintage) _retiredFor[_retirementKey(id, holder, beneficiary, year)] += amount;
        if (totals.tokenType == TokenType.CarbonOffset) {
            _years[beneficiary][year].offsetsRetired += uint128(amount);
        } else {
            _recsRetired[beneficiary][year] += amount;
        }

        emit Retired(
            holder,
            id,
            beneficiary,
            msg.sender,
            amount,
            retirement.beneficiaryNameCommitment,
            retirement.fromDate,
            retirement.thruDate,
            retirement.reason
        );
        emit TransferSingle(msg.sender, holder, address(0), id, amount);
    }

    /// @inheritdoc ICarbonLedger
    function revoke(address holder, uint256 id, uint256 amount, string calldata reason)
        external
        onlyRole(REVOKER_ROLE)
    {
        Supply storage supply = _supply[id];
        TokenType tokenType = supply.tokenType;
        if (tokenType == TokenType.None) revert LedgerUnknownToken(id);
        bool emissions = tokenType == TokenType.AuditedEmissions;
        Position storage position = _positions[id][holder];
        uint256 available = emissions ? _emissionsOf(_records[id], supply, holder) : position.available;
        _checkAvailable(holder, id, available, amount);

        // amount <= available <= issued <= _MAX_AMOUNT: the narrowing casts below cannot truncate.
        supply.revoked += uint72(amount);
        if (emissions) {
            // Their holder is their emitter, whose year totals counted them at issuance.
            _years[holder][supply.year].emissions -= uint128(amount);
        } else {
            // Not through _update: revocation must work while paused, and it moves nothing between holders.
            unchecked {
                position.available = uint88(available - amount);
            }
        }

        emit Revoked(holder, id, msg.sender, amount, _executingProposal(), reason);
        emit TransferSingle(msg.sender, holder, address(0), id, amount);
    }

    /// @inheritdoc ICarbonLedger
    function voidRetirement(
        address holder,
        uint256 id,
        address beneficiary,
        uint16 year,
        uint256 amount,
        string calldata reason
    ) external onlyRole(REVOKER_ROLE) {
        Supply storage supply = _supply[id];
        TokenType tokenType = supply.tokenType;
        if (tokenType == TokenType.None) revert LedgerUnknownToken(id);
        if (tokenType == TokenType.AuditedEmissions) revert LedgerNotRetirable(id, tokenType);
        if (amount == 0) revert LedgerZeroAmount();
        Position storage position = _positions[id][holder];
        bool ownVintage = beneficiary == holder && year == supply.year;
        bytes32 key = _retirementKey(id, holder, beneficiary, year);
        uint256 retired = ownVintage ? position.retiredOwnVintage : _retiredFor[key];
        if (retired < amount) revert LedgerInsufficientRetired(holder, id, beneficiary, year, retired, amount);

        // amount <= retiredFor <= the holder's retired <= the id's retired <= issued <= _MAX_AMOUNT: the
        // subtractions cannot underflow and the casts cannot truncate; the beneficiary's year total includes it.
        unchecked {
            if (ownVintage) position.retiredOwnVintage = uint88(retired - amount);
            else _retiredFor[key] = retired - amount;
            position.retired -= uint80(amount);
            supply.retired -= uint72(amount);
            supply.revoked += uint72(amount);
            if (tokenType == TokenType.CarbonOffset) {
                _years[beneficiary][year].offsetsRetired -= uint128(amount);
            } else {
                _recsRetired[beneficiary][year] -= amount;
            }
        }
        emit RetirementVoided(holder, id, beneficiary, year, amount, _executingProposal(), reason);
    }

    // ================================================================== administration

    /// @inheritdoc ICarbonLedger
    function setParticipant(address account, bool registered) external onlyRole(REGISTRAR_ROLE) {
        if (account == address(0)) revert LedgerZeroAddress();
        _participants[account] = registered;
        emit ParticipantSet(account, registered);
    }

    /// @inheritdoc ICarbonLedger
    function setLimitedMode(bool limited) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit LimitedModeSet(_limitedMode, limited);
        _limitedMode = limited;
    }

    /// @inheritdoc ICarbonLedger
    function setAttestationThreshold(uint8 threshold) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setAttestationThreshold(threshold);
    }

    /// @inheritdoc ICarbonLedger
    function setClaimYearGap(uint8 gap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setClaimYearGap(gap);
    }

    /// @inheritdoc ICarbonLedger
    function setProposalSource(address source) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit ProposalSourceSet(_proposalSource, source);
        _proposalSource = source;
    }

    function _setClaimYearGap(uint8 gap) private {
        emit ClaimYearGapSet(_claimYearGap, gap);
        _claimYearGap = gap;
    }

    function _setAttestationThreshold(uint8 threshold) private {
        if (threshold == 0) revert LedgerInvalidThreshold(threshold);
        emit AttestationThresholdSet(_attestationThreshold, threshold);
        _attestationThreshold = threshold;
    }

    /// @inheritdoc ICarbonLedger
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc ICarbonLedger
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ================================================================== reads

    /// @inheritdoc ICarbonLedger
    function recordOf(uint256 id) external view returns (TokenRecord memory) {
        return _existingRecord(id);
    }

    /// @inheritdoc ICarbonLedger
    function exists(uint256 id) external view returns (bool) {
        return _supply[id].tokenType != TokenType.None;
    }

    /// @inheritdoc ICarbonLedger
    function tokenIdOf(uint8 tokenType, address scope, bytes32 evidenceHash) external pure returns (uint256) {
        return _tokenIdOf(tokenType, scope, evidenceHash);
    }

    /// @inheritdoc ICarbonLedger
    function evidenceUsed(uint8 tokenType, address scope, bytes32[] calldata evidenceHashes)
        external
        view
        returns (bool[] memory used)
    {
        used = new bool[](evidenceHashes.length);
        for (uint256 i = 0; i < evidenceHashes.length; ++i) {
            used[i] = _supply[_tokenIdOf(tokenType, scope, evidenceHashes[i])].tokenType != TokenType.None;
        }
    }

    /// @inheritdoc ICarbonLedger
    function recordTokens(uint8 tokenType, address scope, bytes32[] calldata records)
        external
        view
        returns (uint256[] memory ids)
    {
        ids = new uint256[](records.length);
        for (uint256 i = 0; i < records.length; ++i) {
            ids[i] = _recordTokens[_scopedRecord(tokenType, scope, records[i])];
        }
    }

    /// @inheritdoc ICarbonLedger
    function issuedOf(uint256 id) external view returns (uint256) {
        return _supply[id].issued;
    }

    /// @inheritdoc ICarbonLedger
    function retiredOf(uint256 id) external view returns (uint256) {
        return _supply[id].retired;
    }

    /// @inheritdoc ICarbonLedger
    function revokedOf(uint256 id) external view returns (uint256) {
        return _supply[id].revoked;
    }

    /// @inheritdoc ICarbonLedger
    function availableOf(uint256 id) external view returns (uint256) {
        Supply memory supply = _supply[id];
        return uint256(supply.issued) - supply.retired - supply.revoked;
    }

    /// @inheritdoc ICarbonLedger
    function retiredBy(address holder, uint256 id) external view returns (uint256) {
        return _positions[id][holder].retired;
    }

    /// @inheritdoc ICarbonLedger
    function retiredFor(uint256 id, address holder, address beneficiary, uint16 year) external view returns (uint256) {
        if (beneficiary == holder && year == _supply[id].year) return _positions[id][holder].retiredOwnVintage;
        return _retiredFor[_retirementKey(id, holder, beneficiary, year)];
    }

    /**
     * @notice Available balance of `id` held by `account`. For audited emissions: `issued - revoked` for their
     * emitter, zero for anyone else.
     */
    function balanceOf(address account, uint256 id) public view override returns (uint256) {
        Supply storage supply = _supply[id];
        if (supply.tokenType == TokenType.AuditedEmissions) return _emissionsOf(_records[id], supply, account);
        return _positions[id][account].available;
    }

    /// @inheritdoc ICarbonLedger
    function yearTotals(address account, uint16 year) external view returns (YearTotals memory totals) {
        YearSlot memory slot = _years[account][year];
        totals.emissions = slot.emissions;
        totals.offsetsRetired = slot.offsetsRetired;
        totals.recsRetired = _recsRetired[account][year];
        totals.netPosition = _net(slot);
    }

    /// @inheritdoc ICarbonLedger
    function netPosition(address account, uint16 year) external view returns (int256) {
        return _net(_years[account][year]);
    }

    /// @inheritdoc ICarbonLedger
    function isParticipant(address account) external view returns (bool) {
        return _participants[account];
    }

    /// @inheritdoc ICarbonLedger
    function limitedMode() external view returns (bool) {
        return _limitedMode;
    }

    /// @inheritdoc ICarbonLedger
    function attestationThreshold() external view returns (uint8) {
        return _attestationThreshold;
    }

    /// @inheritdoc ICarbonLedger
    function claimYearGap() external view returns (uint8) {
        return _claimYearGap;
    }

    /// @inheritdoc ICarbonLedger
    function proposalSource() external view returns (address) {
        return _proposalSource;
    }

    /**
     * @notice ERC-1155 metadata of `id`: its metadata when that is a URI, otherwise a `data:` URI of a JSON
     * document built from the on-chain record by {TokenMetadata} (the issuance's JSON metadata, as an escaped
     * string, under `properties.metadata`).
     */
    function uri(uint256 id) public view override returns (string memory) {
        TokenRecord memory record = _existingRecord(id);
        bytes memory metadata = bytes(record.metadata);
        if (metadata.length != 0 && metadata[0] != "{") return record.metadata;
        return _METADATA.render(id, record);
    }

    /// @inheritdoc ERC1155
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC1155, AccessControlDefaultAdminRules)
        returns (bool)
    {
        return super.supportsInterface(interfaceId);
    }

    // ================================================================== the balance choke point

    /**
     * @notice Transfers `value` of REC or offset `id` from `from` to `to` (ERC-1155).
     * @dev The single-token path without ERC1155's singleton arrays; it applies the same rules as {_update}
     * through {_checkMovable} and {_move}.
     */
    function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes memory data)
        public
        override
    {
        address operator = _msgSender();
        _checkAuthorized(operator, from); // also refuses a zero `from`: nobody is approved by address(0)
        if (to == address(0)) revert ERC1155InvalidReceiver(address(0));
        _checkMovable(from, to);
        _move(from, to, id, value);
        emit TransferSingle(operator, from, to, id, value);
        ERC1155Utils.checkOnERC1155Received(operator, from, to, id, value, data);
    }

    /**
     * @dev Every batch transfer and every mint of RECs and offsets. Replaces ERC1155's balance bookkeeping with
     * `_positions`, with the same errors and events. Retirement and revocation burn through {retire} and {revoke}.
     */
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values)
        internal
        override
    {
        if (ids.length != values.length) revert ERC1155InvalidArrayLength(ids.length, values.length);
        _checkMovable(from, to);
        for (uint256 i = 0; i < ids.length; ++i) {
            _move(from, to, ids[i], values[i]);
        }
        if (ids.length == 1) {
            emit TransferSingle(_msgSender(), from, to, ids[0], values[0]);
        } else {
            emit TransferBatch(_msgSender(), from, to, ids, values);
        }
    }

    /// @dev Pause; in limited mode the receiver, and the sender of a transfer, must be registered.
    function _checkMovable(address from, address to) private view {
        _requireNotPaused();
        if (_limitedMode) {
            _requireParticipant(to);
            if (from != address(0)) _requireParticipant(from);
        }
    }

    /// @dev Moves `value` of `id` between positions (`from` zero: mint). Emissions have no position: they stay put.
    function _move(address from, address to, uint256 id, uint256 value) private {
        if (from != address(0)) {
            Position storage position = _positions[id][from];
            uint256 fromBalance = position.available;
            if (fromBalance < value || value == 0) {
                // Emissions have no position, so any transfer of them lands here: the type is read only off the
                // usual path (a positive amount within the balance).
                if (_supply[id].tokenType == TokenType.AuditedEmissions) revert LedgerEmissionsNonTransferable(id);
                if (fromBalance < value) revert ERC1155InsufficientBalance(from, fromBalance, value, id);
            }
            unchecked {
                position.available = uint88(fromBalance - value); // value <= fromBalance
            }
        }
        // ERC1155's internal _burn and _burnBatch would come here with `to` zero; this ledger burns only through
        // retire and revoke, but the hook stays correct for the whole internal API.
        if (to != address(0)) {
            // A mint is at most _MAX_AMOUNT and all balances of an id add up to at most its issuance: the
            // addition can neither overflow nor truncate.
            unchecked {
                _positions[id][to].available += uint88(value);
            }
        }
    }

    // ================================================================== checks and helpers

    function _existingRecord(uint256 id) private view returns (TokenRecord memory) {
        Supply memory supply = _supply[id];
        if (supply.tokenType == TokenType.None) revert LedgerUnknownToken(id);
        StoredRecord storage stored = _records[id];
        return TokenRecord({
            issuer: stored.issuer,
            fromDate: stored.fromDate,
            thruDate: stored.thruDate,
            tokenType: supply.tokenType,
            issuee: stored.issuee,
            createdAt: stored.createdAt,
            year: supply.year,
            metadata: stored.metadata
        });
    }

    function _tokenIdOf(uint8 tokenType, address scope, bytes32 evidenceHash) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(tokenType, scope, evidenceHash)));
    }

    function _scopedRecord(uint8 tokenType, address scope, bytes32 record) private pure returns (bytes32) {
        return keccak256(abi.encode(tokenType, scope, record));
    }

    function _retirementKey(uint256 id, address holder, address beneficiary, uint16 year)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(id, holder, beneficiary, year));
    }

    /// @dev The claimed year lies at most {claimYearGap} years from the token's year, either way.
    function _checkClaimYear(uint16 claimedYear, uint16 tokenYear) private view {
        uint256 gap = claimedYear > tokenYear ? claimedYear - tokenYear : tokenYear - claimedYear;
        uint8 maxGap = _claimYearGap;
        if (gap > maxGap) revert LedgerClaimedYearTooFar(claimedYear, tokenYear, maxGap);
    }

    /**
     * @dev The DAO proposal executing now, as the proposal source tells (0 without one, outside an execution, or if
     * the source fails: a bad source must never block the removal of fraud).
     */
    function _executingProposal() private view returns (uint256) {
        address source = _proposalSource;
        if (source == address(0)) return 0;
        try IProposalExecution(source).executingProposalId() returns (uint256 proposalId) {
            return proposalId;
        } catch {
            return 0;
        }
    }

    function _checkAmount(uint256 amount) private pure {
        if (amount == 0) revert LedgerZeroAmount();
        if (amount > _MAX_AMOUNT) revert LedgerAmountTooLarge(amount);
    }

    function _checkPeriod(uint40 fromDate, uint40 thruDate) private pure {
        if (fromDate > thruDate) revert LedgerInvalidPeriod(fromDate, thruDate);
    }

    function _checkAvailable(address holder, uint256 id, uint256 available, uint256 amount) private pure {
        if (amount == 0) revert LedgerZeroAmount();
        if (available < amount) revert LedgerInsufficientAvailable(holder, id, available, amount);
    }

    /// @dev Emissions held by `account`: what is left of them for their emitter, nothing for anyone else.
    function _emissionsOf(StoredRecord storage record, Supply storage supply, address account)
        private
        view
        returns (uint256)
    {
        return record.issuee == account ? uint256(supply.issued) - supply.revoked : 0;
    }

    function _requireParticipant(address account) private view {
        if (!_participants[account]) revert LedgerUnregisteredParticipant(account);
    }

    function _net(YearSlot memory slot) private pure returns (int256) {
        return int256(uint256(slot.emissions)) - int256(uint256(slot.offsetsRetired));
    }
}
