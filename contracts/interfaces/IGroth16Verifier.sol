// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The verifier snarkjs generates from a zkey with one public signal, with the marker that
///         `npm run build` adds: true for the INSECURE dev setup (docs/protocol.md §8, §10).
interface IGroth16Verifier {
    function INSECURE_DEV_SETUP() external view returns (bool);

    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[1] calldata pubSignals
    ) external view returns (bool);
}
