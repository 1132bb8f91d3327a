// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IGroth16Verifier} from "./IGroth16Verifier.sol";

/// @notice A Groth16 verifier that also checks k proofs of its key at once (Groth16BatchVerifier).
interface IGroth16BatchVerifier is IGroth16Verifier {
    /// @notice Proofs [A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y] of one public input each: true only if all are valid.
    function verifyProofs(uint256[8][] calldata proofs, uint256[] calldata inputs) external view returns (bool);
}
