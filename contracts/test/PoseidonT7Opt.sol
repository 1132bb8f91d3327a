// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CodeStore} from "../libraries/CodeStore.sol";

/// @notice Bench only (npm run bench -- --scenario commitment, docs/protocol.md §6): Poseidon with 6
///         inputs (t = 7) in the optimised form of circomlibjs' poseidon_opt (sparse partial rounds,
///         after filecoin's neptune), the same function as the circuit's Poseidon(6). The 1,036
///         round constants and matrices live in the code of two data contracts (one would pass the
///         24 KB code size limit) and are copied to memory once per call; the rounds are loops (fully unrolled with inline constants the code would
///         pass the 24 KB contract size limit).
contract PoseidonT7Opt {
    uint256 private constant F = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev Words: C (119), S (819), M (49, M[j][i] at 7j + i), P (49).
    uint256 private constant WORDS = 1036;
    /// @dev Words in the first data contract; the rest are in the second.
    uint256 private constant FIRST = 700;
    address private immutable CONSTANTS_A;
    address private immutable CONSTANTS_B;

    error WrongConstantCount(uint256 count);

    constructor(uint256[] memory constants) {
        if (constants.length != WORDS) revert WrongConstantCount(constants.length);
        uint256[] memory a = new uint256[](FIRST);
        uint256[] memory b = new uint256[](WORDS - FIRST);
        for (uint256 i = 0; i < WORDS; ++i) {
            if (i < FIRST) a[i] = constants[i];
            else b[i - FIRST] = constants[i];
        }
        CONSTANTS_A = CodeStore.store(a);
        CONSTANTS_B = CodeStore.store(b);
    }

    function poseidon(uint256[6] calldata inputs) external view returns (uint256 out) {
        address keyA = CONSTANTS_A;
        address keyB = CONSTANTS_B;
        assembly {
            function pow5(x) -> y {
                let x2 := mulmod(x, x, F)
                y := mulmod(x, mulmod(x2, x2, F), F)
            }
            // st := m * st (new_i = sum_j m[j][i] st_j), through tmp
            function mix(st, tmp, m) {
                for { let i := 0 } lt(i, 7) { i := add(i, 1) } {
                    let acc := 0
                    for { let j := 0 } lt(j, 7) { j := add(j, 1) } {
                        acc := addmod(acc, mulmod(mload(add(m, mul(add(mul(j, 7), i), 0x20))), mload(add(st, mul(j, 0x20))), F), F)
                    }
                    mstore(add(tmp, mul(i, 0x20)), acc)
                }
                for { let i := 0 } lt(i, 7) { i := add(i, 1) } {
                    mstore(add(st, mul(i, 0x20)), mload(add(tmp, mul(i, 0x20))))
                }
            }
            // st := pow5(st) + c[0..7)
            function sboxArk(st, c) {
                for { let i := 0 } lt(i, 7) { i := add(i, 1) } {
                    let p := add(st, mul(i, 0x20))
                    mstore(p, addmod(pow5(mload(p)), mload(add(c, mul(i, 0x20))), F))
                }
            }
            let k := mload(0x40)
            extcodecopy(keyA, k, 1, mul(FIRST, 0x20))
            extcodecopy(keyB, add(k, mul(FIRST, 0x20)), 1, mul(sub(WORDS, FIRST), 0x20))
            let c := k
            let s := add(c, mul(119, 0x20))
            let m := add(s, mul(819, 0x20))
            let p := add(m, mul(49, 0x20))
            let st := add(p, mul(49, 0x20))
            let tmp := add(st, 0xe0)
            mstore(0x40, add(tmp, 0xe0))
            mstore(st, mload(c))
            for { let i := 1 } lt(i, 7) { i := add(i, 1) } {
                mstore(add(st, mul(i, 0x20)), addmod(calldataload(add(inputs, mul(sub(i, 1), 0x20))), mload(add(c, mul(i, 0x20))), F))
            }
            for { let r := 0 } lt(r, 3) { r := add(r, 1) } {
                sboxArk(st, add(c, mul(mul(add(r, 1), 7), 0x20)))
                mix(st, tmp, m)
            }
            sboxArk(st, add(c, mul(28, 0x20)))
            mix(st, tmp, p)
            for { let r := 0 } lt(r, 63) { r := add(r, 1) } {
                let s0 := addmod(pow5(mload(st)), mload(add(c, mul(add(35, r), 0x20))), F)
                mstore(st, s0)
                let row := add(s, mul(mul(r, 13), 0x20))
                let acc := 0
                for { let j := 0 } lt(j, 7) { j := add(j, 1) } {
                    acc := addmod(acc, mulmod(mload(add(row, mul(j, 0x20))), mload(add(st, mul(j, 0x20))), F), F)
                }
                for { let j := 1 } lt(j, 7) { j := add(j, 1) } {
                    let q := add(st, mul(j, 0x20))
                    mstore(q, addmod(mload(q), mulmod(s0, mload(add(row, mul(add(6, j), 0x20))), F), F))
                }
                mstore(st, acc)
            }
            for { let r := 0 } lt(r, 3) { r := add(r, 1) } {
                sboxArk(st, add(c, mul(add(98, mul(r, 7)), 0x20)))
                mix(st, tmp, m)
            }
            for { let i := 0 } lt(i, 7) { i := add(i, 1) } {
                let q := add(st, mul(i, 0x20))
                mstore(q, pow5(mload(q)))
            }
            mix(st, tmp, m)
            out := mload(st)
        }
    }
}
