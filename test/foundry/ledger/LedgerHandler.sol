// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ICarbonLedger} from "../../../contracts/ledger/ICarbonLedger.sol";
import {CarbonLedger} from "../../../contracts/ledger/CarbonLedger.sol";
import {Calendar} from "../utils/Calendar.sol";
import {Handler} from "../utils/Handler.sol";
import {vm} from "../utils/Vm.sol";

/**
 * @title LedgerHandler
 * @notice The actions of the ledger's invariant campaign, each as one actor of a small cast: a REC registry, an
 * offset registry, a rogue registry holding both roles (the squatter), three EOA emissions auditors and one
 * ERC-1271 wallet auditor, an outsider key, holders (the first two are emitters), an operator approved for all by
 * every holder, the revoker and the admin. Inputs are seeds mapped onto small pools (evidence hashes, record keys,
 * periods, claimed years) so that collisions, reuse and boundary cases happen within a run.
 *
 * Attacks are actions like the others: the lone auditor (issue, issueBatch and one-signature attestations at a
 * threshold above 1), the squatter (another scope's evidence hash spent first), double aggregation (a record
 * already counted, again under another period and evidence), the racer (a copied attestation submitted ahead of
 * a batch that contains it), and retire-before-revoke (fraudulent offsets retired before the revoker acts, then
 * voided).
 *
 * Ghosts are updated from successful calls only. Violation counters record what the ledger must never allow (an
 * emissions issuance with fewer auditor keys than the threshold, an issuance or retirement refused or accepted
 * against the rules); the invariants require them to stay 0.
 * @dev Every action starts at the handler's clock (see {Handler}).
 */
contract LedgerHandler is Handler {
    uint8 internal constant REC = 1;
    uint8 internal constant OFFSET = 2;
    uint8 internal constant EMISSIONS = 3;

    uint256 public constant EVIDENCE_POOL = 16;
    uint256 public constant RECORD_POOL = 32;
    uint256 public constant MAX_AMOUNT = 1e12; // 1,000 t CO2e, or 1 GWh
    uint16 public constant FIRST_TOKEN_YEAR = 2018;
    uint16 public constant TOKEN_YEARS = 6; // 2018..2023: all ended at the start (2024-01-01)
    uint16 public constant FIRST_CLAIM_YEAR = 2011;
    uint16 public constant CLAIM_YEARS = 18; // 2011..2028: far, near and future claims

    /// @notice What an issuance asks for (the handler's own copy of a request).
    struct Spec {
        uint8 tokenType;
        address issuee;
        uint256 amount;
        uint40 fromDate;
        uint40 thruDate;
        bytes32 evidence;
        bytes32[] records;
    }

    /// @notice A retirement bucket `retiredFor(id, holder, beneficiary, year)`.
    struct Bucket {
        uint256 id;
        address holder;
        address beneficiary;
        uint16 year;
    }

    /// @notice A (type, scope, key) use: of an evidence hash, or of a record key.
    struct Use {
        uint8 tokenType;
        address scope;
        bytes32 key;
    }

    struct AccountYear {
        address account;
        uint16 year;
    }

    CarbonLedger public immutable ledger;
    address public immutable admin;
    address public immutable revoker;
    address public immutable recIssuer;
    address public immutable offsetIssuer;
    address public immutable rogueIssuer;
    address public immutable operator;
    address public immutable wallet; // ERC-1271 auditor
    uint256 private immutable _walletOwnerKey;
    uint256 private immutable _outsiderKey;

    uint256[] private _auditorKeys; // the three EOA auditors
    address[] private _auditors; // EOA auditors, then the wallet
    address[] private _holders; // _holders[0], _holders[1] are the emitters

    // ---- ghosts ---------------------------------------------------------------------------------------------------

    uint256[] public ids;
    mapping(uint256 id => uint8) public ghostType;
    mapping(uint256 id => address) public ghostIssuee;
    mapping(uint256 id => uint16) public ghostYear;
    mapping(uint256 id => uint256) public ghostIssued;
    mapping(uint256 id => uint256) public ghostRetired; // net of voids
    mapping(uint256 id => uint256) public ghostRevoked; // voids included
    mapping(uint256 id => uint256) public ghostVoided;
    mapping(uint256 id => mapping(address holder => uint256)) public ghostBalance;
    mapping(uint256 id => uint256) private _amountOf;
    mapping(uint256 id => uint40) private _fromOf;
    mapping(uint256 id => uint40) private _thruOf;
    uint256[] private _retirables; // REC and offset ids
    uint256[] private _emissionIds;

    mapping(bytes32 useKey => uint256) public evidenceCount; // successful issuances per (type, scope, evidence)
    mapping(bytes32 useKey => uint256) public recordCount; // per (type, scope, record)
    mapping(bytes32 useKey => uint256) public recordToken; // the token the record backs
    Use[] private _evidenceUses;
    Use[] private _recordUses;

    mapping(address account => mapping(uint16 year => uint256)) public ghostEmissions; // issued - revoked
    mapping(address account => mapping(uint16 year => uint256)) public ghostOffsetsRetired; // net of voids
    mapping(address account => mapping(uint16 year => uint256)) public ghostRecsRetired; // net of voids
    mapping(address account => mapping(uint16 year => bool)) private _touched;
    AccountYear[] private _accountYears;

    Bucket[] private _buckets;
    mapping(bytes32 bucketKey => uint256) public ghostRetiredFor;
    mapping(bytes32 bucketKey => bool) private _bucketKnown;
    mapping(uint256 id => mapping(address holder => uint256)) public ghostRetiredBy;
    mapping(uint256 id => mapping(address holder => Bucket[])) private _bucketsOf;
    Bucket[] private _retirers; // the first bucket of each (id, holder) that retired

    Spec[] private _attested; // successful attestations, for the racer and double aggregation

    // Violations: each must stay 0.
    uint256 public underAttested; // emissions recorded with fewer auditor keys than the threshold
    uint256 public wronglyBlocked; // refused as "evidence used" or "record used" while ghosts say unused
    uint256 public unauthorizedIssued; // an issuance by an account without the type's role succeeded
    uint256 public badRetirements; // a retirement with a future or too distant claimed period succeeded
    uint256 public validRetirementsRefused; // refused for its claimed period although within the rules
    uint256 public conflictsSkipped; // an attested batch skipped (or issued over) a conflicting record
    uint256 public retiredRevoked; // revoke reached a retired amount
    uint256 public emissionsMoved; // a transfer of emissions succeeded
    uint256 public ghostErrors; // the ledger returned an unexpected id, or let more go than the ghosts hold

    // What the cheap form of the invariant checks first.
    uint256 public lastId;
    AccountYear public lastAccountYear;

    constructor(
        CarbonLedger ledger_,
        address admin_,
        address revoker_,
        address[3] memory issuers, // REC, offset, rogue (both roles)
        uint256[] memory auditorKeys,
        address wallet_,
        uint256 walletOwnerKey,
        uint256 outsiderKey,
        address[] memory holders_,
        address operator_
    ) {
        ledger = ledger_;
        admin = admin_;
        revoker = revoker_;
        recIssuer = issuers[0];
        offsetIssuer = issuers[1];
        rogueIssuer = issuers[2];
        _auditorKeys = auditorKeys;
        for (uint256 i = 0; i < auditorKeys.length; ++i) _auditors.push(vm.addr(auditorKeys[i]));
        _auditors.push(wallet_);
        wallet = wallet_;
        _walletOwnerKey = walletOwnerKey;
        _outsiderKey = outsiderKey;
        _holders = holders_;
        operator = operator_;
    }

    // ---- views for the invariants -------------------------------------------------------------------------------

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function holders() external view returns (address[] memory) {
        return _holders;
    }

    function evidenceUseCount() external view returns (uint256) {
        return _evidenceUses.length;
    }

    function evidenceUse(uint256 i) external view returns (Use memory) {
        return _evidenceUses[i];
    }

    function recordUseCount() external view returns (uint256) {
        return _recordUses.length;
    }

    function recordUse(uint256 i) external view returns (Use memory) {
        return _recordUses[i];
    }

    function accountYearCount() external view returns (uint256) {
        return _accountYears.length;
    }

    function accountYear(uint256 i) external view returns (AccountYear memory) {
        return _accountYears[i];
    }

    function bucketCount() external view returns (uint256) {
        return _buckets.length;
    }

    function bucket(uint256 i) external view returns (Bucket memory) {
        return _buckets[i];
    }

    function retirerCount() external view returns (uint256) {
        return _retirers.length;
    }

    /// @notice The `i`-th (id, holder) that retired, and all its buckets.
    function retirer(uint256 i) external view returns (Bucket[] memory) {
        Bucket memory b = _retirers[i];
        return _bucketsOf[b.id][b.holder];
    }

    function useKey(uint8 tokenType, address scope, bytes32 key) public pure returns (bytes32) {
        return keccak256(abi.encode(tokenType, scope, key));
    }

    function bucketKey(Bucket memory b) public pure returns (bytes32) {
        return keccak256(abi.encode(b.id, b.holder, b.beneficiary, b.year));
    }

    function violations() external view returns (uint256) {
        return underAttested + wronglyBlocked + unauthorizedIssued + badRetirements + validRetirementsRefused
            + conflictsSkipped + retiredRevoked + emissionsMoved + ghostErrors;
    }

    // ---- issuance -------------------------------------------------------------------------------------------------

    /// @notice A registry issues a REC or offset (the REC registry, the offset registry, or the rogue one with
    /// either type); sometimes the wrong registry for the type, which must fail.
    function issueCertificate(uint256 seed, uint256 amount) external {
        _start("issueCertificate");
        uint256 who = _pick(seed, "issuer", 4);
        address issuer = who == 0 ? recIssuer : who == 1 ? offsetIssuer : rogueIssuer;
        uint8 tokenType = who == 0 ? REC : who == 1 ? OFFSET : who == 2 ? REC : OFFSET;
        if (_pick(seed, "wrongRole", 16) == 0) tokenType = tokenType == REC ? OFFSET : REC;
        Spec memory s = _spec(seed, tokenType, _holders[_pick(seed, "issuee", _holders.length)], amount);
        _issueDirect(issuer, s, false);
    }

    /// @notice An EOA auditor (sometimes a holder without the role) issues audited emissions through issue or
    /// issueBatch: recorded only at threshold 1.
    function issueEmissions(uint256 seed, uint256 amount) external {
        _start("issueEmissions");
        uint256 who = _pick(seed, "auditor", 4);
        address caller = who < 3 ? _auditors[who] : _holders[2];
        Spec memory s = _spec(seed, EMISSIONS, _holders[_pick(seed, "emitter", 2)], amount);
        _issueDirect(caller, s, _pick(seed, "batch", 2) == 0);
    }

    /// @notice Emissions attested by a subset of the four auditors (possibly below the threshold), sometimes with
    /// a fault: an outsider's signature, a signature of another digest, a repeated signer, an expired deadline.
    function issueAttested(uint256 seed, uint256 amount) external {
        _start("issueAttested");
        Spec memory s = _spec(seed, EMISSIONS, _holders[_pick(seed, "emitter", 2)], amount);
        uint256 mask = _pick(seed, "signers", 16);
        uint256 fault = _pick(seed, "fault", 8); // 0..3 faults, 4..7 none
        (ICarbonLedger.Attestation memory a, uint256 valid) = _attest(s, mask, fault);
        _submitAttested(s, a, valid);
    }

    /**
     * @notice The lone auditor (threshold above 1): one auditor key tries every path alone: issue, issueBatch, an
     * attestation with its own signature only, and a batch of that attestation.
     */
    function loneAuditor(uint256 seed, uint256 amount) external {
        _start("loneAuditor");
        if (ledger.attestationThreshold() < 2) return;
        uint256 who = _pick(seed, "auditor", 4);
        Spec memory s = _spec(seed, EMISSIONS, _holders[_pick(seed, "emitter", 2)], amount);
        uint256 path = _pick(seed, "path", 4);
        if (path < 2 && who < 3) {
            _issueDirect(_auditors[who], s, path == 1);
            return;
        }
        (ICarbonLedger.Attestation memory a, uint256 valid) = _attest(s, 1 << who, 4);
        if (path == 2) {
            _submitAttested(s, a, valid);
        } else {
            ICarbonLedger.Attestation[] memory batch = new ICarbonLedger.Attestation[](1);
            batch[0] = a;
            Spec[] memory specs = new Spec[](1);
            specs[0] = s;
            uint256[] memory counts = new uint256[](1);
            counts[0] = valid;
            _submitBatch(specs, batch, counts);
        }
    }

    /**
     * @notice The racer: a batch of two or three attestations (fresh ones, and copies of attestations already on
     * chain), one of which a racer submits alone just before the batch; sometimes the batch also carries a copy
     * that conflicts with what is on chain (another amount under the same evidence), which must sink it.
     */
    function racerBatch(uint256 seed, uint256 amount) external {
        _start("racerBatch");
        uint256 n = 2 + _pick(seed, "size", 2);
        Spec[] memory specs = new Spec[](n);
        ICarbonLedger.Attestation[] memory batch = new ICarbonLedger.Attestation[](n);
        uint256[] memory counts = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 itemSeed = uint256(keccak256(abi.encode(seed, i)));
            uint256 kind = _pick(itemSeed, "kind", 16);
            if (kind < 3 && _attested.length != 0) {
                specs[i] = _copy(_attested[_pick(itemSeed, "copy", _attested.length)]);
                if (kind == 0) specs[i].amount += 1; // a conflicting copy
            } else {
                specs[i] = _spec(itemSeed, EMISSIONS, _holders[_pick(itemSeed, "emitter", 2)], amount ^ i);
            }
            (batch[i], counts[i]) = _attest(specs[i], 15, 4); // all four auditors
        }
        uint256 raced = _pick(seed, "raced", n + 1);
        if (raced < n) _submitAttested(specs[raced], batch[raced], counts[raced]); // the racer goes first
        _submitBatch(specs, batch, counts);
    }

    /**
     * @notice The squatter: the rogue registry, or an auditor for the other emitter, spends an evidence hash that
     * another scope used or will use; then that scope's own issuer issues under the same hash, which must not be
     * blocked (the ghosts flag any "evidence used" refusal of a hash unused in its own scope).
     */
    function squat(uint256 seed, uint256 amount) external {
        _start("squat");
        bool emissions = _pick(seed, "emissions", 2) == 0;
        Spec memory victim;
        if (emissions) {
            uint256 e = _pick(seed, "emitter", 2);
            victim = _spec(seed, EMISSIONS, _holders[e], amount);
            Spec memory squatter = _copy(victim);
            squatter.issuee = _holders[1 - e];
            squatter.records = _records(uint256(keccak256(abi.encode(seed, "squatRecords"))), 1);
            // At threshold 1 an auditor alone; above, a full attestation: the squatter is any issuing authority.
            if (ledger.attestationThreshold() == 1) {
                _issueDirect(_auditors[_pick(seed, "auditor", 3)], squatter, false);
            } else {
                (ICarbonLedger.Attestation memory a, uint256 valid) = _attest(squatter, 15, 4);
                _submitAttested(squatter, a, valid);
            }
            (ICarbonLedger.Attestation memory b, uint256 validB) = _attest(victim, 15, 4);
            _submitAttested(victim, b, validB);
        } else {
            bool rec = _pick(seed, "rec", 2) == 0;
            victim = _spec(seed, rec ? REC : OFFSET, _holders[_pick(seed, "issuee", 3)], amount);
            Spec memory squatter = _copy(victim);
            squatter.tokenType = _pick(seed, "squatType", 2) == 0 ? REC : OFFSET;
            squatter.records = new bytes32[](0);
            _issueDirect(rogueIssuer, squatter, false);
            _issueDirect(rec ? recIssuer : offsetIssuer, victim, false);
        }
    }

    /**
     * @notice Double aggregation: a record already counted in emissions is submitted again for the same emitter,
     * under another period kind (year after month, or month after year) and a fresh evidence hash, with all four
     * auditors' signatures. Must fail: one record, one token.
     */
    function doubleAggregate(uint256 seed) external {
        _start("doubleAggregate");
        if (_attested.length == 0) return;
        Spec memory old = _attested[_pick(seed, "old", _attested.length)];
        Spec memory s = _copy(old);
        s.evidence = keccak256(abi.encode("reaggregated", seed)); // fresh: nothing else stands in the way
        bool wasWholeYear = old.thruDate - old.fromDate > 40 days;
        uint16 year = _yearOfPeriod(old.fromDate, old.thruDate);
        (s.fromDate, s.thruDate) = wasWholeYear ? _slice(year, _pick(seed, "month", 12)) : Calendar.wholeYear(year);
        bytes32[] memory records = new bytes32[](2);
        records[0] = old.records[0];
        records[1] = _recordKey(_pick(seed, "extra", RECORD_POOL));
        s.records = records[0] == records[1] ? old.records : records;
        (ICarbonLedger.Attestation memory a, uint256 valid) = _attest(s, 15, 4);
        _submitAttested(s, a, valid);
    }

    // ---- transfers, retirement, revocation, voiding ---------------------------------------------------------------

    /// @notice A holder (or the operator for it) sends part of a balance to another holder; emissions must not move.
    function transfer(uint256 seed, uint256 amount) external {
        _start("transfer");
        if (ids.length == 0) return;
        uint256 id = ids[_pick(seed, "id", ids.length)];
        address from = ghostType[id] == EMISSIONS && _pick(seed, "emitter", 2) == 0
            ? ghostIssuee[id]
            : _holders[_pick(seed, "from", _holders.length)];
        address to = _holders[_pick(seed, "to", _holders.length)];
        uint256 balance = ledger.balanceOf(from, id);
        amount = balance == 0 ? 1 : 1 + amount % balance;
        vm.prank(_pick(seed, "operator", 2) == 0 ? operator : from);
        try ledger.safeTransferFrom(from, to, id, amount, "") {
            if (ghostType[id] == EMISSIONS) {
                ++emissionsMoved;
                return;
            }
            ghostBalance[id][from] = _sub(ghostBalance[id][from], amount);
            ghostBalance[id][to] += amount;
            _outcome("transfer.ok");
        } catch {
            _outcome("transfer.refused");
        }
        lastId = id;
    }

    /**
     * @notice A holder (or the operator) retires a REC or offset for a holder, claimed for a period drawn from
     * 2011..2028 (whole year or a 30-day slice): some future, some beyond the claim-year gap, some at its edge.
     */
    function retire(uint256 seed, uint256 amount) external {
        _start("retire");
        if (_retirables.length == 0) return;
        uint256 id = _retirables[_pick(seed, "id", _retirables.length)];
        address holder = _holders[_pick(seed, "holder", _holders.length)];
        uint16 claimYear = FIRST_CLAIM_YEAR + uint16(_pick(seed, "claimYear", CLAIM_YEARS));
        (uint40 fromDate, uint40 thruDate) = _pick(seed, "claimKind", 2) == 0
            ? Calendar.wholeYear(claimYear)
            : _slice(claimYear, _pick(seed, "month", 12));
        uint256 balance = ledger.balanceOf(holder, id);
        amount = balance == 0 ? 1 : 1 + amount % balance;
        address beneficiary = _holders[_pick(seed, "beneficiary", _holders.length)];
        _retire(seed, Bucket(id, holder, beneficiary, _yearOfPeriod(fromDate, thruDate)), amount, fromDate, thruDate);
    }

    /// @notice The revoker revokes part of an available balance (any type), or more than is available.
    function revoke(uint256 seed, uint256 amount) external {
        _start("revoke");
        if (ids.length == 0) return;
        uint256 id = ids[_pick(seed, "id", ids.length)];
        address holder = ghostType[id] == EMISSIONS && _pick(seed, "emitter", 4) != 0
            ? ghostIssuee[id]
            : _holders[_pick(seed, "holder", _holders.length)];
        uint256 balance = ledger.balanceOf(holder, id);
        amount = balance == 0 ? 1 : 1 + amount % (balance + (_pick(seed, "over", 8) == 0 ? 1 : 0));
        _revoke(id, holder, amount);
    }

    /// @notice The revoker voids part (or all) of a real retirement bucket, or a little more than is left.
    function voidRetirement(uint256 seed, uint256 amount) external {
        _start("voidRetirement");
        if (_buckets.length == 0) return;
        Bucket memory b = _buckets[_pick(seed, "bucket", _buckets.length)];
        uint256 left = ghostRetiredFor[bucketKey(b)];
        amount = left == 0 ? 1 : 1 + amount % (left + (_pick(seed, "over", 8) == 0 ? 1 : 0));
        _void(b, amount);
    }

    /**
     * @notice Retire-before-revoke: a holder retires all its fraudulent offsets for an emitter before the revoker
     * acts; the revoke then reaches nothing, and the void takes the retirement back out of the emitter's net
     * position.
     */
    function retireBeforeRevoke(uint256 seed) external {
        _start("retireBeforeRevoke");
        if (_retirables.length == 0) return;
        uint256 id = _retirables[_pick(seed, "id", _retirables.length)];
        address holder = _holders[_pick(seed, "holder", _holders.length)];
        uint256 balance = ledger.balanceOf(holder, id);
        if (balance == 0) return;
        Bucket memory b = Bucket(id, holder, _holders[_pick(seed, "emitter", 2)], ghostYear[id]);
        // The token's own (ended) year: always claimable.
        (uint40 fromDate, uint40 thruDate) = Calendar.wholeYear(b.year);
        if (!_retire(seed, b, balance, fromDate, thruDate)) return;
        _revoke(id, holder, balance); // must be refused: nothing is available any more
        _void(b, balance);
    }

    // ---- administration and time --------------------------------------------------------------------------------

    function setThreshold(uint256 seed) external {
        _start("setThreshold");
        vm.prank(admin);
        ledger.setAttestationThreshold(uint8(1 + seed % 3));
    }

    function setClaimYearGap(uint256 seed) external {
        _start("setClaimYearGap");
        vm.prank(admin);
        ledger.setClaimYearGap(uint8(seed % 8));
    }

    /// @notice Time passes (up to 30 days), so claimed periods in the future end within a run.
    function warp(uint256 seconds_) external {
        _start("warp");
        _advance(seconds_, 30 days);
    }

    // ---- internals: issuance --------------------------------------------------------------------------------------

    function _issueDirect(address caller, Spec memory s, bool batch) private {
        ICarbonLedger.IssueRequest memory request = _request(s);
        uint256 threshold = ledger.attestationThreshold();
        bool authorized = _hasIssuerRole(caller, s.tokenType);
        vm.prank(caller);
        if (batch) {
            ICarbonLedger.IssueRequest[] memory requests = new ICarbonLedger.IssueRequest[](1);
            requests[0] = request;
            try ledger.issueBatch(requests) returns (uint256[] memory issued) {
                _issued(s, caller, issued[0], authorized ? 1 : 0, threshold, authorized);
            } catch (bytes memory reason) {
                _refused(s, s.tokenType == EMISSIONS ? s.issuee : caller, reason);
            }
        } else {
            try ledger.issue(request) returns (uint256 id) {
                _issued(s, caller, id, authorized ? 1 : 0, threshold, authorized);
            } catch (bytes memory reason) {
                _refused(s, s.tokenType == EMISSIONS ? s.issuee : caller, reason);
            }
        }
    }

    function _submitAttested(Spec memory s, ICarbonLedger.Attestation memory a, uint256 valid) private {
        uint256 threshold = ledger.attestationThreshold();
        vm.prank(_holders[2]); // anyone may relay
        try ledger.issueAttested(a) returns (uint256 id) {
            _issued(s, a.signers[0], id, valid, threshold, true);
            _attested.push();
            _store(_attested[_attested.length - 1], s);
        } catch (bytes memory reason) {
            _refused(s, s.issuee, reason);
        }
    }

    /// @dev Processes a successful batch in order: an item whose id existed (before, or by an earlier item) was
    /// skipped and must be identical to it; any other item was issued.
    function _submitBatch(Spec[] memory specs, ICarbonLedger.Attestation[] memory batch, uint256[] memory valid)
        private
    {
        uint256 threshold = ledger.attestationThreshold();
        vm.prank(_holders[2]);
        try ledger.issueAttestedBatch(batch) returns (uint256[] memory issued) {
            _outcome("batch.ok");
            for (uint256 i = 0; i < specs.length; ++i) {
                uint256 id = _idOf(specs[i]);
                if (ghostIssued[id] != 0) {
                    if (!_identical(id, specs[i])) ++conflictsSkipped;
                    _outcome("batch.skipped");
                } else {
                    _issued(specs[i], batch[i].signers[0], issued[i], valid[i], threshold, true);
                    _attested.push();
                    _store(_attested[_attested.length - 1], specs[i]);
                }
            }
        } catch (bytes memory reason) {
            _outcome("batch.refused");
            // A batch whose items were all issued or identical copies must not fail for a copy.
            if (bytes4(reason) == ICarbonLedger.LedgerEvidenceUsed.selector && !_batchConflicts(specs)) {
                ++wronglyBlocked;
            }
        }
    }

    /// @dev Whether an item conflicts with a token on chain or with an earlier item of the batch (same id, another
    /// amount, period or records): then "evidence used" is the right refusal.
    function _batchConflicts(Spec[] memory specs) private view returns (bool) {
        for (uint256 i = 0; i < specs.length; ++i) {
            uint256 id = _idOf(specs[i]);
            if (ghostIssued[id] != 0 && !_identical(id, specs[i])) return true;
            for (uint256 j = 0; j < i; ++j) {
                if (_idOf(specs[j]) == id && !_sameSpec(specs[i], specs[j])) return true;
            }
        }
        return false;
    }

    function _sameSpec(Spec memory a, Spec memory b) private pure returns (bool) {
        return a.amount == b.amount && a.fromDate == b.fromDate && a.thruDate == b.thruDate
            && keccak256(abi.encode(a.records)) == keccak256(abi.encode(b.records));
    }

    /// @dev Ghost bookkeeping of one successful issuance, and the checks of what it must not have been.
    function _issued(Spec memory s, address issuer, uint256 id, uint256 keys, uint256 threshold, bool authorized)
        private
    {
        _outcome(s.tokenType == EMISSIONS ? bytes32("issued.emissions") : bytes32("issued.certificate"));
        if (!authorized) ++unauthorizedIssued;
        if (s.tokenType == EMISSIONS && keys < threshold) ++underAttested;
        address scope = s.tokenType == EMISSIONS ? s.issuee : issuer;
        if (id != uint256(useKey(s.tokenType, scope, s.evidence))) ++ghostErrors;
        _book(s, scope, id);
    }

    function _book(Spec memory s, address scope, uint256 id) private {
        ids.push(id);
        lastId = id;
        ghostType[id] = s.tokenType;
        ghostIssuee[id] = s.issuee;
        uint16 year = _yearOfPeriod(s.fromDate, s.thruDate);
        ghostYear[id] = year;
        ghostIssued[id] = s.amount;
        _amountOf[id] = s.amount;
        _fromOf[id] = s.fromDate;
        _thruOf[id] = s.thruDate;

        bytes32 key = useKey(s.tokenType, scope, s.evidence);
        if (evidenceCount[key]++ == 0) _evidenceUses.push(Use(s.tokenType, scope, s.evidence));
        for (uint256 i = 0; i < s.records.length; ++i) {
            bytes32 rk = useKey(s.tokenType, scope, s.records[i]);
            if (recordCount[rk]++ == 0) _recordUses.push(Use(s.tokenType, scope, s.records[i]));
            recordToken[rk] = id;
        }
        if (s.tokenType == EMISSIONS) {
            _emissionIds.push(id);
            ghostEmissions[s.issuee][year] += s.amount;
            _touch(s.issuee, year);
        } else {
            _retirables.push(id);
            ghostBalance[id][s.issuee] += s.amount;
        }
    }

    /// @dev A refused issuance: "evidence used" or "record used" must be true in the issuance's own scope.
    function _refused(Spec memory s, address scope, bytes memory reason) private {
        bytes4 selector = bytes4(reason);
        if (selector == ICarbonLedger.LedgerEvidenceUsed.selector) {
            _outcome("refused.evidenceUsed");
            // Spent by another type or scope, or not at all: a squat (or a bug) blocked it.
            if (evidenceCount[useKey(s.tokenType, scope, s.evidence)] == 0) ++wronglyBlocked;
        } else if (selector == ICarbonLedger.LedgerRecordUsed.selector) {
            _outcome("refused.recordUsed");
            (bytes32 record,) = abi.decode(_args(reason), (bytes32, uint256));
            bool repeated = s.records.length == 2 && s.records[0] == s.records[1];
            if (!repeated && recordCount[useKey(s.tokenType, scope, record)] == 0) ++wronglyBlocked;
        } else if (selector == ICarbonLedger.LedgerEmissionsNeedAttestation.selector) {
            _outcome("refused.needAttestation");
        } else if (selector == ICarbonLedger.LedgerAttestationInsufficientSignatures.selector) {
            _outcome("refused.fewSignatures");
        } else {
            _outcome("refused.other");
        }
    }

    /// @dev Signs `s` with the auditors in `mask` (bit i: auditor i; bit 3: the wallet), ascending, with `fault`:
    /// 0 an outsider's signature added, 1 one signature of another digest, 2 a signer repeated, 3 expired; 4+ none.
    /// Returns the attestation and how many auditor keys validly sign it (0 if a fault voids it).
    function _attest(Spec memory s, uint256 mask, uint256 fault)
        private
        view
        returns (ICarbonLedger.Attestation memory a, uint256 valid)
    {
        a.request = _request(s);
        a.deadline = fault == 3 ? now_ - 1 : now_ + 1 days;
        bytes32 digest = ledger.attestationDigest(a.request, a.deadline);
        uint256 n = 0;
        for (uint256 i = 0; i < 4; ++i) if (mask & (1 << i) != 0) ++n;
        bool extra = (fault == 0 || fault == 2) && (fault == 0 || n != 0);
        a.signers = new address[](n + (extra ? 1 : 0));
        a.signatures = new bytes[](a.signers.length);
        uint256 k = 0;
        for (uint256 i = 0; i < 4; ++i) {
            if (mask & (1 << i) == 0) continue;
            a.signers[k] = _auditors[i];
            a.signatures[k] = _sign(i == 3 ? _walletOwnerKey : _auditorKeys[i], digest);
            ++k;
        }
        if (fault == 0) {
            a.signers[k] = vm.addr(_outsiderKey);
            a.signatures[k] = _sign(_outsiderKey, digest);
        } else if (fault == 2 && n != 0) {
            a.signers[k] = a.signers[0];
            a.signatures[k] = a.signatures[0];
        } else if (fault == 1 && n != 0) {
            a.signatures[0] = _sign(_walletOwnerKey, keccak256(abi.encode(digest))); // wrong digest
        }
        _sortSigners(a);
        valid = fault >= 4 ? n : 0;
    }

    // ---- internals: retirement, revocation, voiding ---------------------------------------------------------------

    /// @dev `b.year` is the claimed period's year (what the bucket is filed under).
    function _retire(uint256 seed, Bucket memory b, uint256 amount, uint40 fromDate, uint40 thruDate)
        private
        returns (bool ok)
    {
        ICarbonLedger.Retirement memory r = ICarbonLedger.Retirement(b.beneficiary, bytes32(seed), fromDate, thruDate, "");
        uint16 tokenYear = ghostYear[b.id];
        uint256 gap = b.year > tokenYear ? b.year - tokenYear : tokenYear - b.year;
        bool periodOk = thruDate <= now_ && gap <= ledger.claimYearGap();
        vm.prank(_pick(seed, "operator", 2) == 0 ? operator : b.holder);
        try ledger.retire(b.holder, b.id, amount, r) {
            ok = true;
            if (!periodOk) ++badRetirements;
            _retired(b, amount);
        } catch (bytes memory reason) {
            bytes4 selector = bytes4(reason);
            if (
                selector == ICarbonLedger.LedgerClaimedPeriodInFuture.selector
                    || selector == ICarbonLedger.LedgerClaimedYearTooFar.selector
            ) {
                _outcome("retire.badPeriod");
                if (periodOk) ++validRetirementsRefused;
            } else {
                _outcome("retire.refused");
            }
        }
        lastId = b.id;
    }

    function _retired(Bucket memory b, uint256 amount) private {
        _outcome("retire.ok");
        bytes32 key = bucketKey(b);
        if (!_bucketKnown[key]) {
            _bucketKnown[key] = true;
            _buckets.push(b);
            if (_bucketsOf[b.id][b.holder].length == 0) _retirers.push(b);
            _bucketsOf[b.id][b.holder].push(b);
        }
        ghostRetiredFor[key] += amount;
        ghostRetiredBy[b.id][b.holder] += amount;
        ghostRetired[b.id] += amount;
        ghostBalance[b.id][b.holder] = _sub(ghostBalance[b.id][b.holder], amount);
        _addRetired(b.id, b.beneficiary, b.year, amount, true);
    }

    function _revoke(uint256 id, address holder, uint256 amount) private {
        uint256 available = ghostType[id] == EMISSIONS
            ? (holder == ghostIssuee[id] ? ghostIssued[id] - ghostRevoked[id] : 0)
            : ghostBalance[id][holder];
        vm.prank(revoker);
        try ledger.revoke(holder, id, amount, "fraud") {
            _outcome("revoke.ok");
            if (amount > available) ++retiredRevoked;
            ghostRevoked[id] += amount;
            if (ghostType[id] == EMISSIONS) {
                ghostEmissions[holder][ghostYear[id]] = _sub(ghostEmissions[holder][ghostYear[id]], amount);
            } else {
                ghostBalance[id][holder] = _sub(ghostBalance[id][holder], amount);
            }
        } catch {
            _outcome("revoke.refused");
        }
        lastId = id;
    }

    function _void(Bucket memory b, uint256 amount) private {
        vm.prank(revoker);
        try ledger.voidRetirement(b.holder, b.id, b.beneficiary, b.year, amount, "fraud found after retirement") {
            _outcome("void.ok");
            bytes32 key = bucketKey(b);
            ghostRetiredFor[key] = _sub(ghostRetiredFor[key], amount); // more than retired: a ghost error
            ghostRetiredBy[b.id][b.holder] = _sub(ghostRetiredBy[b.id][b.holder], amount);
            ghostRetired[b.id] = _sub(ghostRetired[b.id], amount);
            ghostRevoked[b.id] += amount;
            ghostVoided[b.id] += amount;
            _addRetired(b.id, b.beneficiary, b.year, amount, false);
        } catch {
            _outcome("void.refused");
        }
        lastId = b.id;
    }

    function _addRetired(uint256 id, address beneficiary, uint16 year, uint256 amount, bool add) private {
        mapping(address => mapping(uint16 => uint256)) storage totals =
            ghostType[id] == OFFSET ? ghostOffsetsRetired : ghostRecsRetired;
        if (add) totals[beneficiary][year] += amount;
        else totals[beneficiary][year] = _sub(totals[beneficiary][year], amount);
        _touch(beneficiary, year);
    }

    // ---- internals: helpers ---------------------------------------------------------------------------------------

    /// @dev `a - b`, or 0 with a ghost error when the ledger let more go than the ghosts hold (a handler revert
    /// would undo the ledger's call too and hide it).
    function _sub(uint256 a, uint256 b) private returns (uint256) {
        if (b > a) {
            ++ghostErrors;
            return 0;
        }
        return a - b;
    }

    function _pick(uint256 seed, bytes32 salt, uint256 n) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt))) % n;
    }

    function _touch(address account, uint16 year) private {
        lastAccountYear = AccountYear(account, year);
        if (_touched[account][year]) return;
        _touched[account][year] = true;
        _accountYears.push(AccountYear(account, year));
    }

    /// @dev A request from the pools: evidence of 16, records of 32 (1 or 2 for emissions, 0 to 2 otherwise), a
    /// token year 2018..2023 as a whole year or a 30-day slice of it.
    function _spec(uint256 seed, uint8 tokenType, address issuee, uint256 amount) private pure returns (Spec memory s) {
        s.tokenType = tokenType;
        s.issuee = issuee;
        s.amount = 1 + amount % MAX_AMOUNT;
        uint16 year = FIRST_TOKEN_YEAR + uint16(_pick(seed, "year", TOKEN_YEARS));
        (s.fromDate, s.thruDate) =
            _pick(seed, "periodKind", 2) == 0 ? Calendar.wholeYear(year) : _slice(year, _pick(seed, "month", 12));
        s.evidence = keccak256(abi.encode("evidence", _pick(seed, "evidence", EVIDENCE_POOL)));
        uint256 count = tokenType == EMISSIONS ? 1 + _pick(seed, "recordCount", 2) : _pick(seed, "recordCount", 3);
        s.records = _records(seed, count);
    }

    function _records(uint256 seed, uint256 count) private pure returns (bytes32[] memory records) {
        records = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            records[i] = _recordKey(_pick(seed, bytes32(uint256(0x7265636f7264) + i), RECORD_POOL));
        }
    }

    function _recordKey(uint256 i) private pure returns (bytes32) {
        return keccak256(abi.encode("record", i));
    }

    function _request(Spec memory s) private pure returns (ICarbonLedger.IssueRequest memory) {
        return ICarbonLedger.IssueRequest(s.tokenType, s.issuee, s.amount, s.fromDate, s.thruDate, s.evidence, s.records, "");
    }

    function _idOf(Spec memory s) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(s.tokenType, s.issuee, s.evidence))); // emissions: scope = emitter
    }

    /// @dev The ledger's rule for an identical record: amount, period, and every record already backing `id`.
    function _identical(uint256 id, Spec memory s) private view returns (bool) {
        if (_amountOf[id] != s.amount || _fromOf[id] != s.fromDate || _thruOf[id] != s.thruDate) return false;
        for (uint256 i = 0; i < s.records.length; ++i) {
            if (recordToken[useKey(s.tokenType, s.issuee, s.records[i])] != id) return false;
        }
        return true;
    }

    function _copy(Spec memory s) private pure returns (Spec memory c) {
        c = Spec(s.tokenType, s.issuee, s.amount, s.fromDate, s.thruDate, s.evidence, new bytes32[](s.records.length));
        for (uint256 i = 0; i < s.records.length; ++i) c.records[i] = s.records[i];
    }

    function _store(Spec storage stored, Spec memory s) private {
        stored.tokenType = s.tokenType;
        stored.issuee = s.issuee;
        stored.amount = s.amount;
        stored.fromDate = s.fromDate;
        stored.thruDate = s.thruDate;
        stored.evidence = s.evidence;
        for (uint256 i = 0; i < s.records.length; ++i) stored.records.push(s.records[i]);
    }

    function _hasIssuerRole(address account, uint8 tokenType) private view returns (bool) {
        bytes32 role = tokenType == REC
            ? ledger.REC_ISSUER_ROLE()
            : tokenType == OFFSET ? ledger.OFFSET_ISSUER_ROLE() : ledger.EMISSIONS_AUDITOR_ROLE();
        return ledger.hasRole(role, account);
    }

    function _sign(uint256 key, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Insertion sort of the signers (with their signatures) by address, ascending.
    function _sortSigners(ICarbonLedger.Attestation memory a) private pure {
        for (uint256 i = 1; i < a.signers.length; ++i) {
            for (uint256 j = i; j > 0 && a.signers[j - 1] > a.signers[j]; --j) {
                (a.signers[j - 1], a.signers[j]) = (a.signers[j], a.signers[j - 1]);
                (a.signatures[j - 1], a.signatures[j]) = (a.signatures[j], a.signatures[j - 1]);
            }
        }
    }

    /// @dev The custom error's arguments (the revert data after its selector).
    function _args(bytes memory reason) private pure returns (bytes memory args) {
        args = new bytes(reason.length - 4);
        for (uint256 i = 0; i < args.length; ++i) args[i] = reason[i + 4];
    }

    // ---- calendar (on the independent reference of {Calendar}) ------------------------------------------------

    /// @dev The `m`-th 30-day slice of `year` (m < 12: it ends by day 360, inside the year).
    function _slice(uint16 year, uint256 m) private pure returns (uint40 fromDate, uint40 thruDate) {
        fromDate = Calendar.startOfYear(year) + uint40(m * 30 days);
        thruDate = fromDate + 30 days - 1;
    }

    /// @dev The year containing the period's midpoint (every period here lies within one year).
    function _yearOfPeriod(uint40 fromDate, uint40 thruDate) private pure returns (uint16 year) {
        uint40 midpoint = fromDate + (thruDate - fromDate) / 2;
        year = 1970 + uint16(midpoint / 31_556_952);
        while (Calendar.startOfYear(year) > midpoint) --year;
        while (Calendar.startOfYear(year + 1) <= midpoint) ++year;
    }
}
