// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {ICarbonLedger} from "../../../contracts/ledger/ICarbonLedger.sol";
import {CarbonLedger} from "../../../contracts/ledger/CarbonLedger.sol";
import {IClaimsRegistry} from "../../../contracts/governance/IClaimsRegistry.sol";
import {ClaimsRegistry} from "../../../contracts/governance/ClaimsRegistry.sol";
import {ClimateGovernor} from "../../../contracts/governance/ClimateGovernor.sol";
import {Timelock} from "../../../contracts/governance/Timelock.sol";
import {VotingToken} from "../../../contracts/governance/VotingToken.sol";
import {Calendar} from "../utils/Calendar.sol";
import {Handler} from "../utils/Handler.sol";
import {vm} from "../utils/Vm.sol";

/**
 * @title ClaimsHandler
 * @notice The actions of the claims and DAO campaign: a registered company submits claims about 2021..2023;
 * members propose verdicts on them, vote, time passes, proposals are queued and executed through the governor.
 * The attacks are actions too: the company retires more offsets (or has more emissions recorded) for a year already
 * decided ("verdicts drift"), the timelock records a verdict outside any execution (a prank), and members run a
 * queued verdict directly on the timelock.
 *
 * Ghosts: for each executed verdict, the proposal that executed it and a hash of the frozen figures and verdict
 * record as read right after the execution; per proposal, the weight cast. Violation counters (must stay 0): a
 * verdict recorded outside an execution, a direct timelock execution that succeeded, a verdict whose frozen figures
 * differ from the live ones at its execution or whose proposal id is not the executing one.
 */
contract ClaimsHandler is Handler {
    uint256 public constant MAX_PROPOSALS = 12;
    uint16 public constant FIRST_YEAR = 2021;

    struct Proposal {
        uint256 id;
        uint256 claimId;
        bytes calldata_;
        bytes32 descriptionHash;
    }

    struct Verdict {
        uint256 claimId;
        uint256 proposalId;
        bytes32 frozenHash; // keccak256(abi.encode(report.frozen, report.verdict))
    }

    CarbonLedger public immutable ledger;
    ClaimsRegistry public immutable registry;
    ClimateGovernor public immutable governor;
    Timelock public immutable timelock;
    VotingToken public immutable token;
    address public immutable company;
    address public immutable auditor; // emissions auditor (threshold 1)
    address[] private _members;
    mapping(uint16 year => uint256) public offsetOf; // the company's offset token of each vintage

    Proposal[] private _proposals;
    mapping(uint256 proposalId => uint256) public ghostWeightCast;
    uint256[] private _claims;
    Verdict[] private _verdicts;

    // Violations: each must stay 0.
    uint256 public verdictsOutsideExecution; // the timelock recorded a verdict while no proposal executed
    uint256 public directExecutions; // a queued operation ran on the timelock other than through the governor
    uint256 public misattributedVerdicts; // a verdict's proposal id is not the executing proposal's
    uint256 public unfaithfulFreezes; // frozen figures differ from the live ones at the execution

    uint256 public lastVerdict; // index + 1 in _verdicts of the latest (0: none)
    uint256 public lastProposal; // index + 1 in _proposals of the latest voted or created (0: none)

    constructor(
        CarbonLedger ledger_,
        ClaimsRegistry registry_,
        ClimateGovernor governor_,
        Timelock timelock_,
        VotingToken token_,
        address company_,
        address auditor_,
        address[] memory members_,
        uint256[3] memory offsets
    ) {
        ledger = ledger_;
        registry = registry_;
        governor = governor_;
        timelock = timelock_;
        token = token_;
        company = company_;
        auditor = auditor_;
        _members = members_;
        for (uint16 i = 0; i < 3; ++i) offsetOf[FIRST_YEAR + i] = offsets[i];
    }

    // ---- views for the invariants -------------------------------------------------------------------------------

    function members() external view returns (address[] memory) {
        return _members;
    }

    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    function proposalAt(uint256 i) external view returns (uint256) {
        return _proposals[i].id;
    }

    function verdictCount() external view returns (uint256) {
        return _verdicts.length;
    }

    function verdictAt(uint256 i) external view returns (Verdict memory) {
        return _verdicts[i];
    }

    function claimCount() external view returns (uint256) {
        return _claims.length;
    }

    function violations() external view returns (uint256) {
        return verdictsOutsideExecution + directExecutions + misattributedVerdicts + unfaithfulFreezes;
    }

    function frozenHash(IClaimsRegistry.ClaimReport memory report) public pure returns (bytes32) {
        return keccak256(abi.encode(report.frozen, report.verdict));
    }

    // ---- claims ---------------------------------------------------------------------------------------------------

    /// @notice The company claims net zero, a ceiling, or a reduction from 2021, for 2021..2023.
    function submitClaim(uint256 seed) external {
        _start("submitClaim");
        IClaimsRegistry.ClaimRequest memory request;
        request.kind = IClaimsRegistry.ClaimKind(1 + seed % 3);
        request.year = FIRST_YEAR + uint16((seed >> 8) % 3);
        request.evidenceHash = keccak256(abi.encode("claim evidence", seed));
        if (request.kind == IClaimsRegistry.ClaimKind.EmissionsAtMost) {
            request.value = uint96((seed >> 16) % 2_000e6);
        } else if (request.kind == IClaimsRegistry.ClaimKind.Reduction) {
            if (request.year == FIRST_YEAR) request.year = FIRST_YEAR + 1;
            request.baseYear = FIRST_YEAR;
            request.value = uint96(1 + (seed >> 16) % 10_000);
        }
        vm.prank(company);
        _claims.push(registry.submitClaim(request));
    }

    // ---- the DAO --------------------------------------------------------------------------------------------------

    /// @notice A member proposes a verdict (approve or reject) on a claim.
    function proposeVerdict(uint256 seed) external {
        _start("proposeVerdict");
        if (_claims.length == 0 || _proposals.length >= MAX_PROPOSALS) return;
        uint256 claimId = _claims[seed % _claims.length];
        bytes memory data =
            abi.encodeCall(IClaimsRegistry.recordVerdict, (claimId, (seed >> 8) % 3 != 0, bytes32(seed)));
        string memory description = string.concat("verdict ", _str(_proposals.length));
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _operation(data);
        vm.prank(_member(seed >> 16));
        uint256 id = governor.propose(targets, values, calldatas, description);
        _proposals.push(Proposal(id, claimId, data, keccak256(bytes(description))));
        lastProposal = _proposals.length;
    }

    /// @notice A member votes on an active proposal (for twice as often as against or abstain).
    function vote(uint256 seed) external {
        _start("vote");
        if (_proposals.length == 0) return;
        uint256 index = seed % _proposals.length;
        uint256 id = _proposals[index].id;
        address voter = _member(seed >> 8);
        if (governor.state(id) != IGovernor.ProposalState.Active || governor.hasVoted(id, voter)) return;
        uint8 support = uint8((seed >> 16) % 4);
        vm.prank(voter);
        ghostWeightCast[id] += governor.castVote(id, support == 3 ? 1 : support);
        lastProposal = index + 1;
    }

    function queue(uint256 seed) external {
        _start("queue");
        if (_proposals.length == 0) return;
        Proposal memory p = _proposals[seed % _proposals.length];
        if (governor.state(p.id) != IGovernor.ProposalState.Succeeded) return;
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _operation(p.calldata_);
        governor.queue(targets, values, calldatas, p.descriptionHash);
        _outcome("queued");
    }

    /// @notice Anyone executes a ready proposal through the governor; the verdict it records is checked at once.
    function execute(uint256 seed) external {
        _start("execute");
        if (_proposals.length == 0) return;
        Proposal memory p = _proposals[seed % _proposals.length];
        if (governor.state(p.id) != IGovernor.ProposalState.Queued) return;
        IClaimsRegistry.Figures memory live = registry.claimOf(p.claimId).live;
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _operation(p.calldata_);
        vm.prank(_member(seed >> 8));
        try governor.execute(targets, values, calldatas, p.descriptionHash) {
            IClaimsRegistry.ClaimReport memory report = registry.claimOf(p.claimId);
            if (report.verdict.proposalId != p.id) ++misattributedVerdicts;
            if (keccak256(abi.encode(report.frozen)) != keccak256(abi.encode(live))) ++unfaithfulFreezes;
            _verdicts.push(Verdict(p.claimId, p.id, frozenHash(report)));
            lastVerdict = _verdicts.length;
            _outcome("executed");
        } catch {
            _outcome("execute.refused"); // not ready yet, or the claim already has a verdict
        }
    }

    /// @notice Time passes: up to two days.
    function warp(uint256 seconds_) external {
        _start("warp");
        _advance(seconds_, 2 days);
    }

    // ---- attacks --------------------------------------------------------------------------------------------------

    /**
     * @notice Verdicts drift: after (or before) a verdict, the company retires more offsets for the claim's year,
     * or the auditor records more emissions for it; the live figures move, the frozen ones must not.
     */
    function drift(uint256 seed, uint256 amount) external {
        _start("drift");
        uint16 year = FIRST_YEAR + uint16(seed % 3);
        (uint40 fromDate, uint40 thruDate) = Calendar.wholeYear(year);
        if ((seed >> 8) % 3 == 0) {
            bytes32[] memory records = new bytes32[](1);
            records[0] = keccak256(abi.encode("drift record", totalCalls));
            ICarbonLedger.IssueRequest memory request = ICarbonLedger.IssueRequest(
                3, company, 1 + amount % 300e6, fromDate, thruDate, keccak256(abi.encode("drift", totalCalls)), records, ""
            );
            vm.prank(auditor);
            ledger.issue(request);
            _outcome("drift.emissions");
            return;
        }
        uint256 id = offsetOf[year];
        uint256 balance = ledger.balanceOf(company, id);
        if (balance == 0) return;
        ICarbonLedger.Retirement memory retirement =
            ICarbonLedger.Retirement(company, bytes32(seed), fromDate, thruDate, "drift");
        vm.prank(company);
        ledger.retire(company, id, 1 + amount % (balance < 300e6 ? balance : 300e6), retirement);
        _outcome("drift.retired");
    }

    /// @notice The timelock (pranked) records a verdict with no proposal executing: must be refused.
    function verdictAsTimelock(uint256 seed) external {
        _start("verdictAsTimelock");
        if (_claims.length == 0) return;
        vm.prank(address(timelock));
        try registry.recordVerdict(_claims[seed % _claims.length], seed % 2 == 0, bytes32(seed)) {
            ++verdictsOutsideExecution;
        } catch {
            _outcome("direct.verdict.refused");
        }
    }

    /// @notice A member (or anyone) runs a queued verdict directly on the timelock: must be refused.
    function executeOnTimelock(uint256 seed) external {
        _start("executeOnTimelock");
        if (_proposals.length == 0) return;
        Proposal memory p = _proposals[seed % _proposals.length];
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _operation(p.calldata_);
        bytes32 salt = bytes20(address(governor)) ^ p.descriptionHash; // GovernorTimelockControl's salt
        vm.prank((seed >> 8) % 2 == 0 ? _member(seed >> 16) : address(uint160(seed >> 24)));
        try timelock.executeBatch(targets, values, calldatas, 0, salt) {
            ++directExecutions;
        } catch {
            _outcome("direct.execute.refused");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    function _operation(bytes memory data)
        private
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        targets = new address[](1);
        targets[0] = address(registry);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        calldatas[0] = data;
    }

    function _member(uint256 seed) private view returns (address) {
        return _members[seed % _members.length];
    }

    function _str(uint256 n) private pure returns (string memory) {
        if (n == 0) return "0";
        bytes memory b;
        for (; n != 0; n /= 10) b = abi.encodePacked(bytes1(uint8(48 + n % 10)), b);
        return string(b);
    }
}
