// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SNARK_FIELD} from "./generated/ProtocolConstants.sol";
import {IGroth16BatchVerifier} from "./interfaces/IGroth16BatchVerifier.sol";
import {CodeStore} from "./libraries/CodeStore.sol";

/// @title Groth16 verification of k proofs of one verifying key in one multi-pairing
/// @notice A proof (A, B, C) of inputs x_0..x_{n-1} is valid when e(A, B) = e(alpha, beta) e(L, gamma)
///         e(C, delta) with L = IC0 + sum_j x_j IC_{j+1}. For k proofs it checks one random linear
///         combination of the k equations,
///           prod_i e(-r_i A_i, B_i) * e(S alpha, beta) * e(S IC0 + sum_j T_j IC_{j+1}, gamma) * e(sum_i r_i C_i, delta) = 1
///         with S = sum_i r_i, T_j = sum_i r_i x_ij: k + 3 pairings instead of 4k, and n scalar
///         multiplications for the inputs of all k proofs instead of k n. r_0 = 1 and r_i (i > 0)
///         are 128-bit values derived from the hash of the whole call (all proofs and inputs), fixed only once every
///         proof is, so a false proof passes with probability about 2^-128 (docs/protocol.md §8).
///         The verifying key is a constructor argument, kept as the code of a data contract.
contract Groth16BatchVerifier is IGroth16BatchVerifier {
    /// @dev The BN254 base field.
    uint256 private constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @dev Key words before IC: alpha (2), beta, gamma, delta (4 each).
    uint256 private constant IC_OFFSET = 14;

    /// @notice True for the INSECURE dev setup (public tau): never deploy it where money is real.
    bool public immutable INSECURE_DEV_SETUP;
    /// @notice How many public inputs a proof has.
    uint256 public immutable PUBLIC_INPUTS;
    /// @dev Holds the key words as its code, after one STOP byte.
    address private immutable KEY;

    error InvalidVerifyingKey(uint256 words);

    /// @param vk alpha (x, y), beta, gamma, delta (x1, x2, y1, y2 each, the precompile's G2 order),
    ///        then IC0, IC1, ... (x, y each): one IC point more than public inputs.
    constructor(uint256[] memory vk, bool insecureDevSetup) {
        if (vk.length < IC_OFFSET + 4 || vk.length % 2 != 0) revert InvalidVerifyingKey(vk.length);
        INSECURE_DEV_SETUP = insecureDevSetup;
        PUBLIC_INPUTS = (vk.length - IC_OFFSET) / 2 - 1;
        KEY = CodeStore.store(vk);
    }

    /// @notice The verifying key words as the constructor took them: anyone checking batches from L1
    ///         compares them with the key they trust (`npm run verify`).
    function verifyingKey() external view returns (uint256[] memory) {
        return CodeStore.load(KEY, IC_OFFSET + 2 * (PUBLIC_INPUTS + 1));
    }

    /// @notice One proof, in the argument order of snarkjs' generated verifier (its inputs as a dynamic array).
    function verifyProof(uint256[2] calldata pA, uint256[2][2] calldata pB, uint256[2] calldata pC, uint256[] calldata pubSignals)
        external
        view
        returns (bool)
    {
        uint256[8][] memory proofs = new uint256[8][](1);
        proofs[0] = [pA[0], pA[1], pB[0][0], pB[0][1], pB[1][0], pB[1][1], pC[0], pC[1]];
        return this.verifyProofs(proofs, pubSignals);
    }

    /// @notice k proofs [A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y] and their k * PUBLIC_INPUTS
    ///         inputs, proof after proof: true only if every proof is valid. Everything is read from
    ///         calldata where it lies (no copy); the coefficients' seed is the hash of the whole call.
    function verifyProofs(uint256[8][] calldata proofs, uint256[] calldata inputs) external view returns (bool) {
        uint256 k = proofs.length;
        uint256 n = PUBLIC_INPUTS;
        if (k == 0 || inputs.length != k * n) return false;
        uint256[] memory pairs = new uint256[](6 * (k + 3));
        // T_j = sum_i r_i x_ij; acc = [S = sum_i r_i, sum_i r_i C_i (x, y), the coefficients' seed]
        uint256[] memory t = new uint256[](n);
        uint256[4] memory acc;
        acc[3] = uint256(keccak256(msg.data));
        for (uint256 i = 0; i < k; ++i) {
            if (!_addProof(pairs, t, acc, i, proofs[i], inputs[i * n:(i + 1) * n])) return false;
        }
        return _addKeyTerms(pairs, 6 * k, acc, t) && _pairing(pairs);
    }

    /// @dev Proof i with coefficient r (1 for the first, else 128 bits of a hash of the seed and i):
    ///      writes the pair (-r A, B), adds r to S, r C to acc's sum and r x_j to T_j; false for a
    ///      malformed proof or an input not below r.
    function _addProof(uint256[] memory pairs, uint256[] memory t, uint256[4] memory acc, uint256 i, uint256[8] calldata p, uint256[] calldata x)
        private
        view
        returns (bool ok)
    {
        uint256 r = i == 0 ? 1 : uint256(keccak256(abi.encode(acc[3], i))) >> 128;
        if (!_accumulate(t, x, r)) return false;
        for (uint256 j = 0; j < 8; ++j) if (p[j] >= Q) return false;
        uint256 o = 6 * i;
        uint256 px;
        uint256 py;
        (ok, px, py) = _mul(p[0], p[1], r);
        if (!ok) return false;
        pairs[o] = px;
        pairs[o + 1] = py == 0 ? 0 : Q - py;
        for (uint256 j = 2; j < 6; ++j) pairs[o + j] = p[j];
        (ok, px, py) = _mul(p[6], p[7], r);
        if (!ok) return false;
        (ok, acc[1], acc[2]) = _add(acc[1], acc[2], px, py);
        acc[0] = addmod(acc[0], r, SNARK_FIELD);
    }

    /// @dev t_j += r x_j for every input x_j; false if one is not below r.
    function _accumulate(uint256[] memory t, uint256[] calldata x, uint256 r) private pure returns (bool ok) {
        uint256 field = SNARK_FIELD;
        assembly ("memory-safe") {
            let tp := add(t, 0x20)
            ok := 1
            for { let j := 0 } lt(j, x.length) { j := add(j, 1) } {
                let v := calldataload(add(x.offset, mul(j, 0x20)))
                if iszero(lt(v, field)) {
                    ok := 0
                    break
                }
                let at := add(tp, mul(j, 0x20))
                mstore(at, addmod(mload(at), mulmod(r, v, field), field))
            }
        }
    }

    /// @dev Writes the pairs (S alpha, beta), (S IC0 + sum_j T_j IC_{j+1}, gamma) and (sum r_i C_i, delta) at `o`.
    function _addKeyTerms(uint256[] memory pairs, uint256 o, uint256[4] memory acc, uint256[] memory t) private view returns (bool ok) {
        uint256[] memory vk = CodeStore.load(KEY, IC_OFFSET + 2 * (PUBLIC_INPUTS + 1));
        uint256 x;
        uint256 y;
        (ok, x, y) = _mul(vk[0], vk[1], acc[0]);
        if (!ok) return false;
        _put(pairs, o, x, y, vk, 2);
        (ok, x, y) = _mul(vk[IC_OFFSET], vk[IC_OFFSET + 1], acc[0]);
        if (!ok) return false;
        for (uint256 j = 0; j < t.length; ++j) {
            // 0 * IC is the identity: padding chunks, zero in every batch, cost nothing.
            if (t[j] == 0) continue;
            uint256 w = IC_OFFSET + 2 * (j + 1);
            (bool mulOk, uint256 termX, uint256 termY) = _mul(vk[w], vk[w + 1], t[j]);
            if (!mulOk) return false;
            (ok, x, y) = _add(x, y, termX, termY);
            if (!ok) return false;
        }
        _put(pairs, o + 6, x, y, vk, 6);
        _put(pairs, o + 12, acc[1], acc[2], vk, 10);
    }

    /// @dev Writes the G1 point (x, y) and the G2 point of key words [g2, g2 + 4) at `o`.
    function _put(uint256[] memory pairs, uint256 o, uint256 x, uint256 y, uint256[] memory vk, uint256 g2) private pure {
        (pairs[o], pairs[o + 1]) = (x, y);
        for (uint256 j = 0; j < 4; ++j) pairs[o + 2 + j] = vk[g2 + j];
    }

    /// @dev s (x, y) with the ecMul precompile; false if (x, y) is not on the curve. Scratch memory only.
    function _mul(uint256 x, uint256 y, uint256 s) private view returns (bool ok, uint256 rx, uint256 ry) {
        // 1 (x, y) needs no precompile, only the curve check the addition precompile does.
        if (s == 1) return _add(x, y, 0, 0);
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, x)
            mstore(add(m, 0x20), y)
            mstore(add(m, 0x40), s)
            ok := staticcall(gas(), 0x07, m, 0x60, m, 0x40)
            rx := mload(m)
            ry := mload(add(m, 0x20))
        }
    }

    /// @dev (x1, y1) + (x2, y2) with the ecAdd precompile; false if either is not on the curve. Scratch memory only.
    function _add(uint256 x1, uint256 y1, uint256 x2, uint256 y2) private view returns (bool ok, uint256 rx, uint256 ry) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, x1)
            mstore(add(m, 0x20), y1)
            mstore(add(m, 0x40), x2)
            mstore(add(m, 0x60), y2)
            ok := staticcall(gas(), 0x06, m, 0x80, m, 0x40)
            rx := mload(m)
            ry := mload(add(m, 0x20))
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
