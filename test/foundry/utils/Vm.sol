// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title Vm
 * @notice The few Foundry cheatcodes these tests use (forge-std is not installable offline). Signatures are
 * Foundry's: the cheatcode address dispatches on the selector, so names and argument types must match exactly.
 */
interface Vm {
    function prank(address msgSender) external;
    function startPrank(address msgSender) external;
    function stopPrank() external;
    function warp(uint256 newTimestamp) external;
    function assume(bool condition) external pure;
    function expectRevert() external;
    function expectRevert(bytes4 revertData) external;
    function expectRevert(bytes calldata revertData) external;
    function addr(uint256 privateKey) external pure returns (address keyAddr);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function label(address account, string calldata newLabel) external;
    function deal(address account, uint256 newBalance) external;
    function snapshotState() external returns (uint256 snapshotId);
    function revertToState(uint256 snapshotId) external returns (bool success);
    function envOr(string calldata name, bool defaultValue) external view returns (bool value);
}

/// @dev Foundry's cheatcode address.
Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
