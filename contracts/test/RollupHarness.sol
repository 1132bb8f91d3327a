// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Rollup} from "../Rollup.sol";
import {IGroth16Verifier} from "../interfaces/IGroth16Verifier.sol";
import {IPoseidon} from "../interfaces/IPoseidon.sol";

/// @notice Test-only: exposes the proof check to feed it public inputs the hash never yields.
contract RollupHarness is Rollup {
    constructor(
        IGroth16Verifier verifier_,
        IPoseidon hasher_,
        uint256 genesisRoot,
        uint256[3] memory slots,
        uint256[2] memory depths,
        uint256 firstAccountId
    ) Rollup(verifier_, hasher_, genesisRoot, slots, depths, firstAccountId) {}

    function matchDeposits(bytes calldata pubdata) external view returns (uint256) {
        return _matchDeposits(pubdata);
    }

    function verifyProofFor(uint256 publicInput, uint256[8] calldata proof) external view {
        _verifyProof(publicInput, proof);
    }
}
