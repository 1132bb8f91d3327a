// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPoseidon} from "../interfaces/IPoseidon.sol";

/// @notice Bench only (npm run bench -- --scenario commitment, docs/protocol.md §6): the L1 side of
///         the public-input commitments proofbook weighed, each over (oldRoot, newRoot, header,
///         domain, pubdata). The one built (pubdata as public inputs) is Rollup.publicInputs with
///         Groth16BatchVerifier, measured there.
contract CommitmentBench {
    IPoseidon private immutable poseidon6;

    constructor(IPoseidon poseidon6_) {
        poseidon6 = poseidon6_;
    }

    /// @notice sha256 of the header fields and the pubdata, cut to 253 bits (one field element).
    function sha256Commitment(uint256 oldRoot, uint256 newRoot, uint256 header, uint256 domain, bytes calldata pubdata) external pure returns (uint256) {
        return uint256(sha256(abi.encodePacked(oldRoot, newRoot, header, domain, pubdata))) >> 3;
    }

    /// @notice keccak-256 of the same, cut to 253 bits.
    function keccakCommitment(uint256 oldRoot, uint256 newRoot, uint256 header, uint256 domain, bytes calldata pubdata) external pure returns (uint256) {
        return uint256(keccak256(abi.encodePacked(oldRoot, newRoot, header, domain, pubdata))) >> 3;
    }

    /// @notice The Poseidon(6) chain proofbook used before (bench/circuits/PoseidonChainCommitment.circom):
    ///         31-byte chunks, zero-padded to 2 + 5k, absorbed after (oldRoot, newRoot, header, domain).
    function poseidonChainCommitment(uint256 oldRoot, uint256 newRoot, uint256 header, uint256 domain, bytes calldata pubdata) external view returns (uint256 h) {
        uint256 nChunks = (pubdata.length + 30) / 31;
        uint256[6] memory inputs = [oldRoot, newRoot, header, domain, _chunk(pubdata, 0), _chunk(pubdata, 1)];
        h = poseidon6.poseidon(inputs);
        for (uint256 c = 2; c < nChunks; c += 5) {
            inputs[0] = h;
            for (uint256 k = 0; k < 5; ++k) inputs[1 + k] = _chunk(pubdata, c + k);
            h = poseidon6.poseidon(inputs);
        }
    }

    function _chunk(bytes calldata data, uint256 index) private pure returns (uint256 v) {
        uint256 start = index * 31;
        if (start >= data.length) return 0;
        uint256 end = start + 31 > data.length ? data.length : start + 31;
        for (uint256 i = start; i < end; ++i) v = (v << 8) | uint8(data[i]);
        v <<= 8 * (start + 31 - end);
    }
}
