// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/**
 * @title VotingToken
 * @notice The DAO's membership and voting token: ERC-20 with delegation and checkpoints (ERC20Votes) on a timestamp
 * clock (ERC-6372), and gasless approvals (ERC20Permit).
 *
 * Initial holders are set at deployment; afterwards only the `minter` (the DAO's timelock) mints and burns.
 *
 * Votes count only once delegated (a member self-delegates with `delegate(self)`).
 *
 * When deployed non-transferable, neither tokens nor votes leave the account they were minted to: balances change
 * only by mints and burns (after deployment, decided by DAO vote), and an account may delegate only to itself
 * ({VotingTokenDelegationRestricted}, also through {delegateBySig}). So no transaction hands voting power to
 * another account, and votes cannot be bought on chain: the only way to gain votes is to be minted tokens (at
 * deployment, or later by a DAO vote). (No contract can stop a member from voting as someone pays them to, or
 * from giving away their key.)
 * When transferable, tokens move freely and any account may delegate to any other.
 */
contract VotingToken is ERC20, ERC20Permit, ERC20Votes {
    address private immutable _MINTER;
    bool private immutable _TRANSFERABLE;

    /// @notice `caller` is not the minter.
    error VotingTokenUnauthorizedMinter(address caller);
    /// @notice The token is non-transferable: only mints and burns move it.
    error VotingTokenNonTransferable(address from, address to);
    /// @notice The initial holders and amounts differ in length.
    error VotingTokenHoldersAmountsMismatch(uint256 holders, uint256 amounts);
    /// @notice The minter must not be the zero address.
    error VotingTokenZeroMinter();
    /// @notice The token is non-transferable: `delegator` may delegate only to itself, not to `delegatee`.
    error VotingTokenDelegationRestricted(address delegator, address delegatee);

    /**
     * @param name_ Token name (also the EIP-712 domain name for permits).
     * @param symbol_ Token symbol.
     * @param holders Initial holders.
     * @param amounts Initial amount of each holder (18 decimals).
     * @param minter_ The only account that may mint and burn afterwards (the timelock).
     * @param transferable_ Whether members may transfer tokens to one another and delegate to other accounts.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address[] memory holders,
        uint256[] memory amounts,
        address minter_,
        bool transferable_
    ) ERC20(name_, symbol_) ERC20Permit(name_) {
        if (minter_ == address(0)) revert VotingTokenZeroMinter();
        if (holders.length != amounts.length) revert VotingTokenHoldersAmountsMismatch(holders.length, amounts.length);
        _MINTER = minter_;
        _TRANSFERABLE = transferable_;
        for (uint256 i = 0; i < holders.length; ++i) {
            _mint(holders[i], amounts[i]);
        }
    }

    modifier onlyMinter() {
        if (msg.sender != _MINTER) revert VotingTokenUnauthorizedMinter(msg.sender);
        _;
    }

    /// @notice The only account that mints and burns (the timelock).
    function minter() external view returns (address) {
        return _MINTER;
    }

    /// @notice Whether members may transfer tokens to one another and delegate to other accounts.
    function transferable() external view returns (bool) {
        return _TRANSFERABLE;
    }

    /**
     * @notice Mints `amount` to `to`.
     * @dev Emits {IERC20-Transfer} from the zero address. Requirements: caller is the minter.
     */
    function mint(address to, uint256 amount) external onlyMinter {
        _mint(to, amount);
    }

    /**
     * @notice Burns `amount` held by `from` (e.g. a member leaves or is expelled by vote).
     * @dev Emits {IERC20-Transfer} to the zero address. Requirements: caller is the minter.
     */
    function burn(address from, uint256 amount) external onlyMinter {
        _burn(from, amount);
    }

    /// @notice ERC-6372 clock: the block timestamp.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372 clock mode: timestamps.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @dev Supply cap 2^120 - 1 (1.3e18 whole tokens): the governor packs tallies of raw weight in 120 bits.
    function _maxSupply() internal pure override returns (uint256) {
        return type(uint120).max;
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /**
     * @dev The one choke point for delegation ({delegate} and {delegateBySig} both end here): when non-transferable,
     * an account delegates only to itself, so votes stay with the account the DAO minted tokens to.
     */
    function _delegate(address account, address delegatee) internal override {
        if (!_TRANSFERABLE && delegatee != account) revert VotingTokenDelegationRestricted(account, delegatee);
        super._delegate(account, delegatee);
    }

    /// @dev The one choke point for balances: refuses member-to-member moves when non-transferable.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        if (!_TRANSFERABLE && from != address(0) && to != address(0)) revert VotingTokenNonTransferable(from, to);
        super._update(from, to, value);
    }
}
