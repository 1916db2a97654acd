// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {ClimateGovernor} from "../../../contracts/governance/ClimateGovernor.sol";
import {Timelock} from "../../../contracts/governance/Timelock.sol";
import {VotingToken} from "../../../contracts/governance/VotingToken.sol";
import {Test} from "./Test.sol";
import {vm} from "./Vm.sol";

/**
 * @title DaoTest
 * @notice The set-up the DAO's invariant tests share: members with known keys and holdings, a governor with the
 * test settings (voting delay one day, no proposal threshold, quorum 10%, linear tally), and self-delegation.
 */
abstract contract DaoTest is Test {
    uint256 internal constant DAY = 1 days;

    /// @dev `count` members with the private keys `firstKey`, `firstKey + 1`, ...; the first holds `first`, each
    /// next one 100 tokens less (down to nothing).
    function _members(uint256 firstKey, uint256 count, uint256 first)
        internal
        pure
        returns (address[] memory members, uint256[] memory amounts)
    {
        members = new address[](count);
        amounts = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            members[i] = vm.addr(firstKey + i);
            amounts[i] = first > i * 100e18 ? first - i * 100e18 : 0;
        }
    }

    /// @dev A governor of `token` executing through `timelock`, with the test settings and the given voting period
    /// and late-quorum extension.
    function _governor(VotingToken token, Timelock timelock, uint256 votingPeriod, uint256 lateQuorumExtension)
        internal
        returns (ClimateGovernor)
    {
        return new ClimateGovernor(
            IVotes(address(token)),
            TimelockController(payable(address(timelock))),
            uint48(DAY),
            uint32(votingPeriod),
            0,
            10,
            uint48(lateQuorumExtension),
            false
        );
    }

    /// @dev Each member delegates its votes to itself.
    function _delegateToSelf(VotingToken token, address[] memory members) internal {
        for (uint256 i = 0; i < members.length; ++i) {
            vm.prank(members[i]);
            token.delegate(members[i]);
        }
    }
}
