// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VotingToken} from "../../../contracts/governance/VotingToken.sol";
import {ClimateGovernor} from "../../../contracts/governance/ClimateGovernor.sol";
import {Timelock} from "../../../contracts/governance/Timelock.sol";
import {DaoTest} from "../utils/DaoTest.sol";
import {vm} from "../utils/Vm.sol";
import {VotingHandler} from "./VotingHandler.sol";

/**
 * @notice Invariants of the non-transferable voting token and the governor's tallies under random mints, burns,
 * delegations, transfer attempts, proposals, votes and time (see {VotingHandler}).
 *
 * One campaign checks every property after every action (runs x depth calls in all). The self-delegation property
 * ({_checkVotesWithinOwnBalance}) is PENDING a rule the token does not have yet: it is checked only when the token
 * refuses a delegation to another account (probed in setUp), or when forced with VOTING_SELF_DELEGATION_ONLY=true
 * (on the current token it then fails, as expected).
 */
contract VotingInvariantsTest is DaoTest {
    address private constant MINTER = address(0x4D696E746572); // stands for the timelock

    VotingToken private token;
    ClimateGovernor private governor;
    VotingHandler private handler;
    bool private selfDelegationOnly;

    function setUp() public {
        // 500, 400, ... 100; the sixth starts with nothing
        (address[] memory members, uint256[] memory amounts) = _members(1, 6, 500e18);
        for (uint256 i = 0; i < members.length; ++i) {
            vm.label(members[i], string.concat("member", string(abi.encodePacked(bytes1(uint8(49 + i))))));
        }
        token = new VotingToken("Climate DAO", "CDAO", members, amounts, MINTER, false);
        address[] memory none = new address[](0);
        Timelock timelock = new Timelock(2 * DAY, none, none, address(0));
        governor = _governor(token, timelock, 7 * DAY, 2 * DAY);
        _delegateToSelf(token, members);

        // Does this token allow only self-delegation? Probe once, then undo the probe.
        uint256 probe = vm.snapshotState();
        vm.prank(members[0]);
        try token.delegate(members[1]) {
            selfDelegationOnly = false;
        } catch {
            selfDelegationOnly = true;
        }
        vm.revertToState(probe);
        selfDelegationOnly = selfDelegationOnly || vm.envOr("VOTING_SELF_DELEGATION_ONLY", false);

        vm.warp(block.timestamp + 1);
        handler = new VotingHandler(token, governor, members);
        targetActions(
            address(handler),
            abi.encode(
                [
                    VotingHandler.mint.selector, VotingHandler.burn.selector, VotingHandler.delegate.selector,
                    VotingHandler.transfer.selector, VotingHandler.transferFrom.selector,
                    VotingHandler.propose.selector, VotingHandler.vote.selector,
                    // time passes twice as often as other actions
                    VotingHandler.warp.selector, VotingHandler.warp.selector
                ]
            )
        );
    }

    /// @notice The accounting of votes, checked after every action (one campaign: the checks below in turn).
    /// CI: 40 x 500 = 20,000 calls (the ledger and claims campaigns make up the rest of the suite's 50,000).
    /// forge-config: default.invariant.runs = 40
    /// forge-config: fuzz.invariant.runs = 400
    function invariant_votingAccounting() public {
        vm.warp(handler.now_());
        _checkNoMemberToMemberMoves();
        _checkVotesMatchDelegatedBalances();
        _checkPastVotesWithinPastSupply();
        _checkTallies();
        _checkVotesWithinOwnBalance(); // pending rule: see below
    }

    /// @dev Non-transferable: balances change only by mint and burn; no member-to-member move ever succeeds.
    function _checkNoMemberToMemberMoves() private view {
        assertEq(handler.memberTransfers(), 0, "a member-to-member transfer succeeded");
        address[] memory members = handler.actors();
        uint256 sum = 0;
        for (uint256 i = 0; i < members.length; ++i) {
            uint256 balance = token.balanceOf(members[i]);
            assertEq(balance, handler.ghostBalance(members[i]), "balance differs from initial + minted - burned");
            sum += balance;
        }
        assertEq(sum, token.totalSupply(), "tokens outside the members");
    }

    /// @dev Now: members' votes add up to exactly the balances of delegating members, within the supply.
    function _checkVotesMatchDelegatedBalances() private view {
        address[] memory members = handler.actors();
        uint256 votes = 0;
        uint256 delegated = 0;
        for (uint256 i = 0; i < members.length; ++i) {
            votes += token.getVotes(members[i]);
            if (token.delegates(members[i]) != address(0)) delegated += token.balanceOf(members[i]);
        }
        assertEq(votes, delegated, "sum of votes != delegated balances");
        assertLe(votes, token.totalSupply(), "votes exceed the supply");
    }

    /// @dev At past clocks (the latest and a rotating older one): the sum of past votes is at most the past total
    /// supply, and both still read what they were when the clock left that time.
    function _checkPastVotesWithinPastSupply() private view {
        (uint256 latest, uint256 older) = handler.timesToCheck();
        if (latest == 0) return;
        _checkPastClock(latest);
        if (older != latest) _checkPastClock(older);
    }

    function _checkPastClock(uint256 time) private view {
        address[] memory members = handler.actors();
        uint256 votes = 0;
        for (uint256 i = 0; i < members.length; ++i) votes += token.getPastVotes(members[i], time);
        uint256 supply = token.getPastTotalSupply(time);
        assertLe(votes, supply, "past votes exceed the past supply");
        assertEq(votes, handler.votesAt(time), "past votes changed");
        assertEq(supply, handler.supplyAt(time), "past supply changed");
    }

    /// @dev Each proposal's tally is the weight its voters cast, within the supply at its snapshot (checked for the
    /// proposal voted on last and a rotating one).
    function _checkTallies() private view {
        (uint256 latest, uint256 other) = handler.proposalsToCheck();
        if (latest != 0) _checkTally(latest);
        if (other != 0 && other != latest) _checkTally(other);
    }

    function _checkTally(uint256 proposalId) private view {
        (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes) = governor.proposalVotes(proposalId);
        uint256 tally = againstVotes + forVotes + abstainVotes;
        assertEq(tally, handler.ghostWeightCast(proposalId), "tally != weight cast");
        assertEq(governor.proposalQuorumVotes(proposalId), forVotes + abstainVotes, "quorum votes != for + abstain");
        uint256 snapshot = governor.proposalSnapshot(proposalId);
        if (snapshot < block.timestamp) {
            assertLe(tally, token.getPastTotalSupply(snapshot), "tally exceeds the supply at the snapshot");
        }
    }

    /// @dev PENDING the self-delegation rule (non-transferable: an account may delegate only to itself). Checked
    /// only when the token enforces it (probed in setUp) or when VOTING_SELF_DELEGATION_ONLY=true: then no
    /// account's votes exceed its own balance. Forced on the current token, it fails (delegating to another member
    /// is still allowed there).
    function _checkVotesWithinOwnBalance() private view {
        if (!selfDelegationOnly) return;
        address[] memory members = handler.actors();
        for (uint256 i = 0; i < members.length; ++i) {
            assertLe(token.getVotes(members[i]), token.balanceOf(members[i]), "votes exceed own balance");
        }
        assertEq(handler.delegationsToOthers(), 0, "a delegation to another account succeeded");
    }
}
