// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title ERC1271WalletMock
 * @notice Test-only smart-contract wallet (a one-owner stand-in for a Safe): it accepts a hash as signed when its
 * owner's ECDSA signature of that hash is given, as an ERC-1271 wallet answers {isValidSignature}.
 */
contract ERC1271WalletMock is IERC1271 {
    /// @notice The account whose ECDSA signatures this wallet accepts.
    address public immutable OWNER;

    /// @param owner The account whose signatures the wallet accepts.
    constructor(address owner) {
        OWNER = owner;
    }

    /**
     * @notice ERC-1271: whether `signature` is the owner's ECDSA signature of `hash`.
     * @return magicValue The ERC-1271 magic value when it is, `0xffffffff` otherwise.
     */
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4 magicValue) {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(hash, signature);
        bool valid = err == ECDSA.RecoverError.NoError && recovered == OWNER;
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
