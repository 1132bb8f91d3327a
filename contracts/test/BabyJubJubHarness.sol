// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BabyJubJub} from "../libraries/BabyJubJub.sol";

/// @notice Test-only: exposes the BabyJubJub key check for the TS cross-test.
contract BabyJubJubHarness {
    function isAccountKey(uint256 ax, uint256 ay, uint256 qx, uint256 qy) external pure returns (bool) {
        return BabyJubJub.isAccountKey(ax, ay, qx, qy);
    }
}
