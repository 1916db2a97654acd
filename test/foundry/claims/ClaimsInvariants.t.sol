// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ICarbonLedger} from "../../../contracts/ledger/ICarbonLedger.sol";
import {CarbonLedger} from "../../../contracts/ledger/CarbonLedger.sol";
import {IClaimsRegistry} from "../../../contracts/governance/IClaimsRegistry.sol";
import {ClaimsRegistry} from "../../../contracts/governance/ClaimsRegistry.sol";
import {IProposalExecution} from "../../../contracts/governance/IProposalExecution.sol";
import {ClimateGovernor} from "../../../contracts/governance/ClimateGovernor.sol";
import {Timelock} from "../../../contracts/governance/Timelock.sol";
import {VotingToken} from "../../../contracts/governance/VotingToken.sol";
import {Calendar} from "../utils/Calendar.sol";
import {DaoTest} from "../utils/DaoTest.sol";
import {vm} from "../utils/Vm.sol";
import {ClaimsHandler} from "./ClaimsHandler.sol";

/**
 * @notice Invariants of the claims registry and the DAO that decides on claims (see {ClaimsHandler}), wired as
 * scripts/governance/wiring.ts leaves them: the governor is the timelock's only proposer, canceller and executor
 * (no open executor role, no admin); the registry knows the timelock and the governor; the voting token is
 * non-transferable with the timelock as minter; a company registered on the ledger has audited emissions and
 * offsets for 2021..2023.
 * - a recorded verdict's frozen figures (and its record) never change, whatever the ledger does afterwards;
 * - every verdict names the proposal that executed it, never 0;
 * - votes never exceed the supply at a proposal's snapshot (sum of past votes, and the tally);
 * - no verdict outside an execution, no operation run on the timelock directly.
 */
contract ClaimsInvariantsTest is DaoTest {
    ClaimsRegistry private registry;
    ClimateGovernor private governor;
    VotingToken private token;
    ClaimsHandler private handler;

    function setUp() public {
        (address[] memory members, uint256[] memory amounts) = _members(0x3E30, 4, 400e18); // 400, 300, 200, 100
        address[] memory none = new address[](0);
        Timelock timelock = new Timelock(DAY, none, none, address(this)); // temporary admin, renounced below
        token = new VotingToken("Climate DAO", "CDAO", members, amounts, address(timelock), false);
        governor = _governor(token, timelock, 3 * DAY, DAY);
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.grantRole(timelock.EXECUTOR_ROLE(), address(governor));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));

        CarbonLedger ledger = new CarbonLedger(address(this), 0);
        registry = new ClaimsRegistry(ICarbonLedger(address(ledger)), address(timelock), IProposalExecution(address(governor)));
        address company = vm.addr(0xC0);
        address auditor = vm.addr(0xA1);
        ledger.grantRole(ledger.REGISTRAR_ROLE(), address(this));
        ledger.grantRole(ledger.EMISSIONS_AUDITOR_ROLE(), auditor);
        ledger.grantRole(ledger.OFFSET_ISSUER_ROLE(), address(this));
        ledger.setParticipant(company, true);
        ledger.setProposalSource(address(governor));

        uint256[3] memory offsets;
        for (uint16 i = 0; i < 3; ++i) {
            uint16 year = 2021 + i;
            bytes32[] memory records = new bytes32[](1);
            records[0] = keccak256(abi.encode("bill", year));
            (uint40 fromDate, uint40 thruDate) = Calendar.wholeYear(year);
            vm.prank(auditor);
            ledger.issue(
                ICarbonLedger.IssueRequest(
                    3, company, uint256(1_000 - 100 * i) * 1e6, fromDate, thruDate, keccak256(abi.encode("audit", year)), records, ""
                )
            );
            offsets[i] = ledger.issue(
                ICarbonLedger.IssueRequest(
                    2, company, 5_000e6, fromDate, thruDate, keccak256(abi.encode("offsets", year)), new bytes32[](0), ""
                )
            );
        }

        _delegateToSelf(token, members);
        vm.warp(block.timestamp + 1);
        handler = new ClaimsHandler(
            ledger, registry, governor, timelock, token, company, auditor, members, offsets
        );
        targetActions(
            address(handler),
            abi.encode(
                [
                    // the claims and the DAO (a vote three times as often as another action)
                    ClaimsHandler.submitClaim.selector, ClaimsHandler.proposeVerdict.selector,
                    ClaimsHandler.vote.selector, ClaimsHandler.vote.selector, ClaimsHandler.vote.selector,
                    ClaimsHandler.warp.selector, ClaimsHandler.queue.selector, ClaimsHandler.execute.selector,
                    // the attacks (a drift twice as often)
                    ClaimsHandler.drift.selector, ClaimsHandler.drift.selector,
                    ClaimsHandler.verdictAsTimelock.selector, ClaimsHandler.executeOnTimelock.selector
                ]
            )
        );
    }

    /// forge-config: default.invariant.runs = 20
    /// forge-config: default.invariant.depth = 500
    /// forge-config: fuzz.invariant.runs = 200
    /// forge-config: fuzz.invariant.depth = 500
    function invariant_claims() public {
        vm.warp(handler.now_());
        _checkViolations();
        uint256 n = handler.verdictCount();
        if (n != 0) {
            _checkVerdict(handler.lastVerdict() - 1);
            _checkVerdict(handler.totalCalls() % n);
        }
        n = handler.proposalCount();
        if (n != 0) {
            if (handler.lastProposal() != 0) _checkVotes(handler.proposalAt(handler.lastProposal() - 1));
            _checkVotes(handler.proposalAt(handler.totalCalls() % n));
        }
    }

    /// @notice After each run: every verdict, every proposal, and no pending claim carries a proposal.
    function afterInvariant() public {
        vm.warp(handler.now_());
        _checkViolations();
        for (uint256 i = 0; i < handler.verdictCount(); ++i) _checkVerdict(i);
        for (uint256 i = 0; i < handler.proposalCount(); ++i) _checkVotes(handler.proposalAt(i));
        for (uint256 claimId = 1; claimId <= registry.claimCount(); ++claimId) {
            IClaimsRegistry.ClaimReport memory report = registry.claimOf(claimId);
            if (report.verdict.verdict == IClaimsRegistry.Verdict.Pending) {
                assertEq(report.verdict.proposalId, 0, "a pending claim names a proposal");
            } else {
                assertTrue(report.verdict.proposalId != 0, "a verdict with proposal id 0");
            }
        }
    }

    function _checkViolations() private view {
        assertEq(handler.verdictsOutsideExecution(), 0, "a verdict recorded outside a proposal's execution");
        assertEq(handler.directExecutions(), 0, "an operation ran on the timelock directly");
        assertEq(handler.misattributedVerdicts(), 0, "a verdict attributed to another proposal");
        assertEq(handler.unfaithfulFreezes(), 0, "frozen figures differ from the live ones at the verdict");
    }

    /// @dev The verdict still reads as frozen at its execution, under its own proposal (never 0).
    function _checkVerdict(uint256 index) private view {
        ClaimsHandler.Verdict memory v = handler.verdictAt(index);
        IClaimsRegistry.ClaimReport memory report = registry.claimOf(v.claimId);
        assertTrue(report.verdict.proposalId != 0, "a verdict with proposal id 0");
        assertEq(report.verdict.proposalId, v.proposalId, "verdict attributed to another proposal");
        assertTrue(handler.frozenHash(report) == v.frozenHash, "a verdict's frozen figures changed");
        assertEq(
            report.changedSinceVerdict,
            keccak256(abi.encode(report.frozen)) != keccak256(abi.encode(report.live)),
            "changedSinceVerdict"
        );
    }

    /// @dev At the proposal's snapshot: members' past votes and the tally are within the past supply; the tally is
    /// the weight cast.
    function _checkVotes(uint256 proposalId) private view {
        uint256 snapshot = governor.proposalSnapshot(proposalId);
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(proposalId);
        assertEq(against + forVotes + abstain, handler.ghostWeightCast(proposalId), "tally != weight cast");
        if (snapshot >= block.timestamp) return; // not in the past yet: no past reads
        uint256 supply = token.getPastTotalSupply(snapshot);
        address[] memory members = handler.members();
        uint256 votes = 0;
        for (uint256 i = 0; i < members.length; ++i) votes += token.getPastVotes(members[i], snapshot);
        assertLe(votes, supply, "past votes exceed the past supply");
        assertLe(against + forVotes + abstain, supply, "tally exceeds the supply at the snapshot");
    }
}
