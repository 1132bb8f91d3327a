// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IDevSetupMarker} from "./IDevSetupMarker.sol";

/// @notice A Groth16 verifier that checks k proofs of its key at once (Groth16BatchVerifier).
interface IGroth16BatchVerifier is IDevSetupMarker {
    /// @notice How many public inputs a proof has.
    function PUBLIC_INPUTS() external view returns (uint256);

    /// @notice The verifying key: alpha, beta, gamma, delta (the precompile's G2 order), IC0, IC1, ...
    function verifyingKey() external view returns (uint256[] memory);

    /// @notice Proofs [A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y] and their k * PUBLIC_INPUTS
    ///         inputs, proof after proof: true only if all are valid.
    function verifyProofs(uint256[8][] calldata proofs, uint256[] calldata inputs) external view returns (bool);
}
