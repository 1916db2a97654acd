// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {VotingToken} from "../../../contracts/governance/VotingToken.sol";
import {ClimateGovernor} from "../../../contracts/governance/ClimateGovernor.sol";
import {Handler} from "../utils/Handler.sol";
import {vm} from "../utils/Vm.sol";

/**
 * @title VotingHandler
 * @notice The actions of the voting invariant campaign: members are minted and burned (as the minter), delegate
 * (to themselves, to another member or to nobody), try to transfer to one another, propose, vote, and time passes.
 * Keeps ghost state the invariants compare with the token and the governor.
 * @dev Forge calls these with fuzzed arguments; each action maps them onto valid-looking inputs and starts at the
 * handler's clock (see {Handler}).
 */
contract VotingHandler is Handler {
    uint256 public constant MAX_PROPOSALS = 8;
    uint256 public constant MAX_TIMES = 32;
    uint256 public constant MAX_MINT = 1_000_000e18;

    VotingToken public immutable token;
    ClimateGovernor public immutable governor;
    address public immutable minter;

    address[] private _actors;

    // Ghosts.
    mapping(address account => uint256) public ghostBalance; // initial + minted - burned
    uint256 public memberTransfers; // member-to-member moves that did not revert
    uint256 public delegationsToOthers; // delegate(other) calls that succeeded
    uint256 public refusedDelegationsToOthers; // delegate(other) calls the token refused

    uint256[] private _proposals;
    mapping(uint256 proposalId => uint256) public ghostWeightCast;
    uint256 private _lastVoted; // index + 1 in _proposals of the proposal voted on last (0: none)
    uint256[] private _times; // past clocks to check, the latest MAX_TIMES (ring buffer)
    uint256 private _nextTime;
    mapping(uint256 time => uint256) public votesAt; // members' votes when the clock left `time`
    mapping(uint256 time => uint256) public supplyAt; // total supply then

    constructor(VotingToken token_, ClimateGovernor governor_, address[] memory actors_) {
        token = token_;
        governor = governor_;
        minter = token_.minter();
        _actors = actors_;
        for (uint256 i = 0; i < actors_.length; ++i) ghostBalance[actors_[i]] = token_.balanceOf(actors_[i]);
    }

    // ---- views for the invariants --------------------------------------------------------------------------------

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function proposals() external view returns (uint256[] memory) {
        return _proposals;
    }

    /// @notice The proposal voted on last, and a rotating one (the invariant checks two per call); 0 for none.
    function proposalsToCheck() external view returns (uint256 latest, uint256 other) {
        uint256 n = _proposals.length;
        if (n == 0) return (0, 0);
        return (_lastVoted == 0 ? 0 : _proposals[_lastVoted - 1], _proposals[totalCalls % n]);
    }

    function times() external view returns (uint256[] memory) {
        return _times;
    }

    /// @notice The latest past clock recorded, and a rotating older one (the invariant checks two per call).
    function timesToCheck() external view returns (uint256 latest, uint256 older) {
        uint256 n = _times.length;
        if (n == 0) return (0, 0);
        return (_times[(_nextTime - 1) % MAX_TIMES], _times[totalCalls % n]);
    }

    // ---- actions --------------------------------------------------------------------------------------------------

    function mint(uint256 actorSeed, uint256 amount) external {
        _start("mint");
        address to = _actor(actorSeed);
        amount = amount % (MAX_MINT + 1);
        vm.prank(minter);
        token.mint(to, amount);
        ghostBalance[to] += amount;
    }

    function burn(uint256 actorSeed, uint256 amount) external {
        _start("burn");
        address from = _actor(actorSeed);
        amount = _upToBalance(from, amount);
        vm.prank(minter);
        token.burn(from, amount);
        ghostBalance[from] -= amount;
    }

    /// @notice Delegates to self, to another actor, or to nobody (seed picks). A refusal of delegation to another
    /// account (the non-transferable rule the token is getting) is counted, not a failure.
    function delegate(uint256 actorSeed, uint256 delegateeSeed) external {
        _start("delegate");
        address account = _actor(actorSeed);
        uint256 pick = delegateeSeed % (_actors.length + 2);
        address delegatee = pick == _actors.length ? address(0) : pick > _actors.length ? account : _actors[pick];
        vm.prank(account);
        try token.delegate(delegatee) {
            if (delegatee != account && delegatee != address(0)) ++delegationsToOthers;
        } catch {
            ++refusedDelegationsToOthers;
        }
    }

    /// @notice A member tries to send tokens to another member (must revert when non-transferable).
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        _start("transfer");
        (address from, address to, uint256 value) = _move(fromSeed, toSeed, amount);
        vm.prank(from);
        try token.transfer(to, value) {
            _moved(from, to, value);
        } catch {}
    }

    /// @notice The same through an allowance: approve, then the spender moves the owner's tokens.
    function transferFrom(uint256 ownerSeed, uint256 spenderSeed, uint256 amount) external {
        _start("transferFrom");
        (address owner, address spender, uint256 value) = _move(ownerSeed, spenderSeed, amount);
        vm.prank(owner);
        token.approve(spender, value);
        vm.prank(spender);
        try token.transferFrom(owner, spender, value) {
            _moved(owner, spender, value);
        } catch {}
    }

    function propose(uint256 actorSeed) external {
        _start("propose");
        if (_proposals.length >= MAX_PROPOSALS) return;
        address proposer = _actor(actorSeed);
        address[] memory targets = new address[](1);
        targets[0] = address(token);
        uint256[] memory values = new uint256[](1);
        bytes[] memory calldatas = new bytes[](1);
        calldatas[0] = abi.encodeCall(VotingToken.mint, (proposer, 1e18));
        string memory description = string.concat("proposal ", _digit(_proposals.length));
        vm.prank(proposer);
        try governor.propose(targets, values, calldatas, description) returns (uint256 proposalId) {
            _proposals.push(proposalId);
        } catch {}
    }

    function vote(uint256 actorSeed, uint256 proposalSeed, uint8 support) external {
        _start("vote");
        if (_proposals.length == 0) return;
        address voter = _actor(actorSeed);
        uint256 index = proposalSeed % _proposals.length;
        uint256 proposalId = _proposals[index];
        if (governor.state(proposalId) != IGovernor.ProposalState.Active || governor.hasVoted(proposalId, voter)) {
            return;
        }
        vm.prank(voter);
        ghostWeightCast[proposalId] += governor.castVote(proposalId, support % 3);
        _lastVoted = index + 1;
    }

    /// @notice Time passes: up to two days, so proposals move from pending to active to closed within a run.
    function warp(uint256 seconds_) external {
        _start("warp");
        // What the clock leaves behind is final: the past votes and supply at `now_` must read the same forever.
        uint256 votes = 0;
        for (uint256 i = 0; i < _actors.length; ++i) votes += token.getVotes(_actors[i]);
        votesAt[now_] = votes;
        supplyAt[now_] = token.totalSupply();
        _record(now_);
        _advance(seconds_, 2 days);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    function _actor(uint256 seed) private view returns (address) {
        return _actors[seed % _actors.length];
    }

    /// @dev `amount` mapped into 0..`account`'s balance.
    function _upToBalance(address account, uint256 amount) private view returns (uint256) {
        uint256 balance = token.balanceOf(account);
        return balance == 0 ? 0 : amount % (balance + 1);
    }

    /// @dev A member-to-member move to attempt: the two actors the seeds pick (maybe the same one), and an amount of
    /// up to the first one's balance.
    function _move(uint256 fromSeed, uint256 toSeed, uint256 amount)
        private
        view
        returns (address from, address to, uint256 value)
    {
        from = _actor(fromSeed);
        to = _actor(toSeed);
        value = _upToBalance(from, amount);
    }

    /// @dev A member-to-member move that did not revert (a violation of non-transferability), in the ghosts.
    function _moved(address from, address to, uint256 amount) private {
        ++memberTransfers;
        ghostBalance[from] -= amount;
        ghostBalance[to] += amount;
    }

    /// @dev Keeps `time` (now in the past once the clock moves on) among the latest MAX_TIMES checked clocks.
    function _record(uint256 time) private {
        if (_times.length < MAX_TIMES) _times.push(time);
        else _times[_nextTime % MAX_TIMES] = time;
        ++_nextTime;
    }

    function _digit(uint256 n) private pure returns (string memory) {
        return string(abi.encodePacked(bytes1(uint8(48 + n))));
    }
}
