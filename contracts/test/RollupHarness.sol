// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Rollup} from "../Rollup.sol";
import {IGroth16BatchVerifier} from "../interfaces/IGroth16BatchVerifier.sol";

/// @notice Test and bench only: exposes the queue matching to feed them what a real batch never
///         carries, and credits withdrawals without a batch.
contract RollupHarness is Rollup {
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

    function matchDeposits(bytes calldata pubdata) external view returns (uint256) {
        return _matchDeposits(pubdata);
    }

    function matchForced(bytes calldata pubdata) external view returns (uint256) {
        return _matchForced(pubdata);
    }

    /// @notice Marks the next `deposits` deposits and `forced` forced withdrawals consumed, as a landed
    ///         batch would (the deadline tests play an operator's pace without proofs).
    function consume(uint256 deposits, uint256 forced) external {
        depositsConsumed += deposits;
        forcedConsumed += forced;
    }

    /// @notice Credits a withdrawal as a landed batch would (the bench measures claims without a proof).
    function owe(uint256 accountId, uint256 tokenId, uint256 amount) external {
        owed[accountId][tokenId] += amount;
    }
}
