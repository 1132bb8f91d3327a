// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Rollup} from "../Rollup.sol";
import {IGroth16BatchVerifier} from "../interfaces/IGroth16BatchVerifier.sol";

/// @notice Test-only: a dishonest deployment's Rollup. It behaves as the real one, plus one
///         owner-only function that moves the tokens out. `npm run verify` must refuse its code.
contract DrainableRollup is Rollup {
    constructor(
        IGroth16BatchVerifier verifier_,
        address[2] memory hashers,
        uint256 genesisRoot,
        uint256[5] memory slots,
        uint256[3] memory depths,
        uint256 firstAccountId,
        uint256[2] memory timing,
        bool allowInsecureVerifier
    ) Rollup(verifier_, hashers, genesisRoot, slots, depths, firstAccountId, timing, allowInsecureVerifier) {}

    function drain(IERC20 token, address to) external onlyOwner {
        token.transfer(to, token.balanceOf(address(this)));
    }
}
