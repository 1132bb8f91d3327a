// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only: an ERC-20 whose holders' balances can shrink by themselves (a negative
///         rebase, here any holder's balance cut by anyone). The Rollup does not support it.
contract RebasingToken is ERC20 {
    constructor() ERC20("Rebasing", "REB") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function rebaseDown(address holder, uint256 amount) external {
        _burn(holder, amount);
    }
}
