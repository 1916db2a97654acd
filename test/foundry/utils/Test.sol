// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title Test
 * @notice A minimal base for forge tests (forge-std is not installable offline): reverting assertions, `bound`,
 * and the invariant-target hooks forge reads. The hooks' names and return types follow forge-std's StdInvariant
 * ABI, which forge calls by selector.
 */
abstract contract Test {
    /// @notice Target of an invariant campaign restricted to some functions (forge-std's `FuzzSelector`).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @notice Marks a test contract (as forge-std does).
    bool public IS_TEST = true;

    address[] private _targetedContracts;
    address[] private _targetedSenders;
    address[] private _excludedContracts;
    address[] private _excludedSenders;
    FuzzSelector[] private _targetedSelectors;

    // ---- invariant hooks, read by forge after setUp -------------------------------------------------------------

    function targetContracts() public view returns (address[] memory) {
        return _targetedContracts;
    }

    function targetSenders() public view returns (address[] memory) {
        return _targetedSenders;
    }

    function excludeContracts() public view returns (address[] memory) {
        return _excludedContracts;
    }

    function excludeSenders() public view returns (address[] memory) {
        return _excludedSenders;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetedSelectors;
    }

    function targetContract(address target) internal {
        _targetedContracts.push(target);
    }

    function targetSender(address sender) internal {
        _targetedSenders.push(sender);
    }

    function excludeContract(address target) internal {
        _excludedContracts.push(target);
    }

    function excludeSender(address sender) internal {
        _excludedSenders.push(sender);
    }

    function targetSelector(address target, bytes4[] memory selectors) internal {
        _targetedSelectors.push(FuzzSelector(target, selectors));
    }

    /// @notice Targets `handler` with only the actions in `selectors`, in order: the ABI encoding of a literal array
    /// of selectors, `abi.encode([H.a.selector, H.b.selector, ...])` (one word each); an action listed n times is
    /// picked n times as often.
    function targetActions(address handler, bytes memory selectors) internal {
        require(selectors.length % 32 == 0, "targetActions: not an encoded array of selectors");
        bytes4[] memory actions = new bytes4[](selectors.length / 32);
        for (uint256 i = 0; i < actions.length; ++i) {
            for (uint256 j = 0; j < 4; ++j) actions[i] |= bytes4(selectors[32 * i + j]) >> (8 * j);
        }
        targetContract(handler);
        targetSelector(handler, actions);
    }

    // ---- fuzz helpers --------------------------------------------------------------------------------------------

    /// @notice Maps any `x` into [min, max] (min <= max), keeping small values and the bounds reachable.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + x % (size + 1);
    }

    // ---- assertions (revert on failure: forge reports the message) ----------------------------------------------

    function fail(string memory message) internal pure {
        revert(string.concat("assertion failed: ", message));
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) fail(message);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) fail(message);
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, ": ", _str(a), " != ", _str(b)));
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, ": addresses differ"));
    }

    function assertEq(bool a, bool b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, a ? ": true != false" : ": false != true"));
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) fail(string.concat(message, ": ", _str(a), " > ", _str(b)));
    }

    function assertLt(uint256 a, uint256 b, string memory message) internal pure {
        if (a >= b) fail(string.concat(message, ": ", _str(a), " >= ", _str(b)));
    }

    function assertGe(uint256 a, uint256 b, string memory message) internal pure {
        if (a < b) fail(string.concat(message, ": ", _str(a), " < ", _str(b)));
    }

    function _str(uint256 value) private pure returns (string memory) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) ++digits;
        bytes memory buffer = new bytes(digits);
        for (; value != 0; value /= 10) buffer[--digits] = bytes1(uint8(48 + (value % 10)));
        return string(buffer);
    }
}
