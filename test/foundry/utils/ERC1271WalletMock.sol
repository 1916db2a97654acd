// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @notice A smart-contract wallet for the forge tests (an audit firm's multisig, reduced to one key): ERC-1271
 * accepts a signature of the digest by its owner key, and nothing else.
 */
contract ERC1271WalletMock {
    bytes4 private constant _MAGIC = 0x1626ba7e; // IERC1271.isValidSignature.selector

    address public immutable OWNER;

    constructor(address owner_) {
        OWNER = owner_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(hash, signature);
        return error == ECDSA.RecoverError.NoError && signer == OWNER ? _MAGIC : bytes4(0xffffffff);
    }
}
