// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SNARK_FIELD} from "./generated/ProtocolConstants.sol";
import {IGroth16BatchVerifier} from "./interfaces/IGroth16BatchVerifier.sol";

/// @title Groth16 verification of k proofs of one verifying key in one multi-pairing
/// @notice For circuits with one public input (the batch circuit). A proof (A, B, C) of input x is
///         valid when e(A, B) = e(alpha, beta) e(L, gamma) e(C, delta) with L = IC0 + x IC1. For k
///         proofs it checks one random linear combination of the k equations,
///           prod_i e(-r_i A_i, B_i) * e(S alpha, beta) * e(S IC0 + T IC1, gamma) * e(sum_i r_i C_i, delta) = 1
///         with S = sum r_i, T = sum r_i x_i: k + 3 pairings instead of 4k. r_0 = 1 and r_i (i > 0)
///         are 128-bit values derived from a hash of all proofs and inputs, fixed only once every
///         proof is, so a false proof passes with probability about 2^-128 (docs/protocol.md §8).
///         The verifying key is a constructor argument, in the order of snarkjs' generated verifier.
contract Groth16BatchVerifier is IGroth16BatchVerifier {
    /// @dev The BN254 base field.
    uint256 private constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    /// @notice True for the INSECURE dev setup (public tau): never deploy it where money is real.
    bool public immutable INSECURE_DEV_SETUP;

    uint256 private immutable alphaX;
    uint256 private immutable alphaY;
    uint256 private immutable betaX1;
    uint256 private immutable betaX2;
    uint256 private immutable betaY1;
    uint256 private immutable betaY2;
    uint256 private immutable gammaX1;
    uint256 private immutable gammaX2;
    uint256 private immutable gammaY1;
    uint256 private immutable gammaY2;
    uint256 private immutable deltaX1;
    uint256 private immutable deltaX2;
    uint256 private immutable deltaY1;
    uint256 private immutable deltaY2;
    uint256 private immutable ic0X;
    uint256 private immutable ic0Y;
    uint256 private immutable ic1X;
    uint256 private immutable ic1Y;

    /// @param vk alpha (x, y), beta, gamma, delta (x1, x2, y1, y2 each, the precompile's G2 order), IC0 (x, y), IC1 (x, y).
    constructor(uint256[18] memory vk, bool insecureDevSetup) {
        INSECURE_DEV_SETUP = insecureDevSetup;
        (alphaX, alphaY) = (vk[0], vk[1]);
        (betaX1, betaX2, betaY1, betaY2) = (vk[2], vk[3], vk[4], vk[5]);
        (gammaX1, gammaX2, gammaY1, gammaY2) = (vk[6], vk[7], vk[8], vk[9]);
        (deltaX1, deltaX2, deltaY1, deltaY2) = (vk[10], vk[11], vk[12], vk[13]);
        (ic0X, ic0Y, ic1X, ic1Y) = (vk[14], vk[15], vk[16], vk[17]);
    }

    /// @notice One proof, in the interface of snarkjs' generated verifier.
    function verifyProof(uint256[2] calldata pA, uint256[2][2] calldata pB, uint256[2] calldata pC, uint256[1] calldata pubSignals)
        external
        view
        returns (bool)
    {
        uint256[8][] memory proofs = new uint256[8][](1);
        proofs[0] = [pA[0], pA[1], pB[0][0], pB[0][1], pB[1][0], pB[1][1], pC[0], pC[1]];
        uint256[] memory inputs = new uint256[](1);
        inputs[0] = pubSignals[0];
        return _verify(proofs, inputs);
    }

    /// @notice k proofs [A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y] of `inputs`: true only if every one is valid.
    function verifyProofs(uint256[8][] calldata proofs, uint256[] calldata inputs) external view returns (bool) {
        return _verify(proofs, inputs);
    }

    function _verify(uint256[8][] memory proofs, uint256[] memory inputs) private view returns (bool) {
        uint256 k = proofs.length;
        if (k == 0 || inputs.length != k) return false;
        bytes32 seed = keccak256(abi.encode(proofs, inputs));
        uint256[] memory pairs = new uint256[](6 * (k + 3));
        // [S = sum r_i, T = sum r_i x_i, sum r_i C_i (x, y)]
        uint256[4] memory acc;
        for (uint256 i = 0; i < k; ++i) {
            if (inputs[i] >= SNARK_FIELD) return false;
            uint256 r = i == 0 ? 1 : uint256(keccak256(abi.encode(seed, i))) >> 128;
            if (!_addProof(pairs, 6 * i, proofs[i], r, acc)) return false;
            acc[0] = addmod(acc[0], r, SNARK_FIELD);
            acc[1] = addmod(acc[1], mulmod(r, inputs[i], SNARK_FIELD), SNARK_FIELD);
        }
        return _addKeyTerms(pairs, 6 * k, acc) && _pairing(pairs);
    }

    /// @dev Writes the pair (-r A, B) at `o` and adds r C to acc's sum; false for a malformed proof.
    function _addProof(uint256[] memory pairs, uint256 o, uint256[8] memory p, uint256 r, uint256[4] memory acc) private view returns (bool ok) {
        for (uint256 j = 0; j < 8; ++j) if (p[j] >= Q) return false;
        uint256[2] memory pt;
        (ok, pt) = _mul(p[0], p[1], r);
        if (!ok) return false;
        pairs[o] = pt[0];
        pairs[o + 1] = pt[1] == 0 ? 0 : Q - pt[1];
        for (uint256 j = 2; j < 6; ++j) pairs[o + j] = p[j];
        (ok, pt) = _mul(p[6], p[7], r);
        if (!ok) return false;
        (ok, pt) = _add([acc[2], acc[3]], pt);
        (acc[2], acc[3]) = (pt[0], pt[1]);
    }

    /// @dev Writes the pairs (S alpha, beta), (S IC0 + T IC1, gamma) and (sum r_i C_i, delta) at `o`.
    function _addKeyTerms(uint256[] memory pairs, uint256 o, uint256[4] memory acc) private view returns (bool ok) {
        uint256[2] memory pt;
        (ok, pt) = _mul(alphaX, alphaY, acc[0]);
        if (!ok) return false;
        _put(pairs, o, pt, [betaX1, betaX2, betaY1, betaY2]);
        uint256[2] memory t;
        (ok, pt) = _mul(ic0X, ic0Y, acc[0]);
        if (!ok) return false;
        (ok, t) = _mul(ic1X, ic1Y, acc[1]);
        if (!ok) return false;
        (ok, pt) = _add(pt, t);
        if (!ok) return false;
        _put(pairs, o + 6, pt, [gammaX1, gammaX2, gammaY1, gammaY2]);
        _put(pairs, o + 12, [acc[2], acc[3]], [deltaX1, deltaX2, deltaY1, deltaY2]);
    }

    function _put(uint256[] memory pairs, uint256 o, uint256[2] memory g1, uint256[4] memory g2) private pure {
        (pairs[o], pairs[o + 1]) = (g1[0], g1[1]);
        for (uint256 j = 0; j < 4; ++j) pairs[o + 2 + j] = g2[j];
    }

    /// @dev s (x, y) with the ecMul precompile; false if (x, y) is not on the curve.
    function _mul(uint256 x, uint256 y, uint256 s) private view returns (bool ok, uint256[2] memory out) {
        // 1 (x, y) needs no precompile, only the curve check the addition precompile does.
        if (s == 1) return _add([x, y], [uint256(0), uint256(0)]);
        uint256[3] memory input = [x, y, s];
        assembly {
            ok := staticcall(gas(), 0x07, input, 0x60, out, 0x40)
        }
    }

    /// @dev p + q with the ecAdd precompile.
    function _add(uint256[2] memory p, uint256[2] memory q) private view returns (bool ok, uint256[2] memory out) {
        uint256[4] memory input = [p[0], p[1], q[0], q[1]];
        assembly {
            ok := staticcall(gas(), 0x06, input, 0x80, out, 0x40)
        }
    }

    /// @dev Whether the product of the pairings of the (G1, G2) pairs is 1 (ecPairing precompile).
    function _pairing(uint256[] memory pairs) private view returns (bool) {
        uint256[1] memory out;
        bool ok;
        assembly {
            ok := staticcall(gas(), 0x08, add(pairs, 0x20), mul(mload(pairs), 0x20), out, 0x20)
        }
        return ok && out[0] == 1;
    }
}
