// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/**
 * @notice Test-only contract account with no ERC-1155 receiver hooks (it cannot accept transferable tokens) that
 * forwards calls from its owner, so a contract can act as emitter, holder or operator.
 */
contract ContractHolderMock {
    /// @notice The only account allowed to make this contract call others.
    address public immutable OWNER;

    /// @notice Someone other than the owner asked this contract to call out.
    error ContractHolderMockNotOwner(address caller);

    constructor() {
        OWNER = msg.sender;
    }

    /// @notice Calls `target` with `data` as this contract; bubbles up any revert.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != OWNER) revert ContractHolderMockNotOwner(msg.sender);
        return Address.functionCall(target, data);
    }
}
