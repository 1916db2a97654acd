// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/**
 * @notice Test-only ERC-1155 receiver whose answer is set at deployment: accept, revert with a custom error, or
 * return a wrong magic value. Records how often each hook was called.
 */
contract ERC1155ReceiverMock is IERC1155Receiver {
    /// @notice How the receiver answers a transfer.
    enum Behaviour {
        Accept,
        RevertWithError,
        ReturnWrongValue
    }

    /// @notice The answer every hook gives.
    Behaviour public immutable BEHAVIOUR;
    /// @notice Number of accepted {onERC1155Received} calls.
    uint256 public singleReceived;
    /// @notice Number of accepted {onERC1155BatchReceived} calls.
    uint256 public batchReceived;

    /// @notice The receiver refuses the tokens.
    error ERC1155ReceiverMockRejected(address operator, address from);

    /// @param behaviour_ How every hook answers.
    constructor(Behaviour behaviour_) {
        BEHAVIOUR = behaviour_;
    }

    /// @inheritdoc IERC1155Receiver
    function onERC1155Received(address operator, address from, uint256, uint256, bytes calldata)
        external
        returns (bytes4)
    {
        _refuseIfConfigured(operator, from);
        ++singleReceived;
        return BEHAVIOUR == Behaviour.Accept ? this.onERC1155Received.selector : bytes4(0xdeadbeef);
    }

    /// @inheritdoc IERC1155Receiver
    function onERC1155BatchReceived(
        address operator,
        address from,
        uint256[] calldata,
        uint256[] calldata,
        bytes calldata
    ) external
        returns (bytes4)
    {
        _refuseIfConfigured(operator, from);
        ++batchReceived;
        return BEHAVIOUR == Behaviour.Accept ? this.onERC1155BatchReceived.selector : bytes4(0xdeadbeef);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    function _refuseIfConfigured(address operator, address from) private view {
        if (BEHAVIOUR == Behaviour.RevertWithError) revert ERC1155ReceiverMockRejected(operator, from);
    }
}
