// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IGroth16BatchVerifier} from "../interfaces/IGroth16BatchVerifier.sol";

/// @notice Test-only: a dishonest verifier that accepts every proof while it reports an honest key,
///         as a malicious deployment would. `npm run verify` must catch every batch it let through.
contract AcceptAllVerifier is IGroth16BatchVerifier {
    bool public constant INSECURE_DEV_SETUP = true;
    uint256 public immutable PUBLIC_INPUTS;
    uint256[] private key;

    constructor(uint256[] memory vk) {
        PUBLIC_INPUTS = (vk.length - 14) / 2 - 1;
        key = vk;
    }

    function verifyingKey() external view returns (uint256[] memory) {
        return key;
    }

    function verifyProofs(uint256[8][] calldata, uint256[] calldata) external pure returns (bool) {
        return true;
    }
}
