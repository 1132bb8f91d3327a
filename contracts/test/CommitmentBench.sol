// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPoseidon} from "../interfaces/IPoseidon.sol";
import {PubdataChunks} from "../libraries/PubdataChunks.sol";

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
        uint256 nChunks = PubdataChunks.count(pubdata.length);
        uint256[6] memory inputs = [oldRoot, newRoot, header, domain, PubdataChunks.chunk(pubdata, 0), PubdataChunks.chunk(pubdata, 1)];
        h = poseidon6.poseidon(inputs);
        for (uint256 c = 2; c < nChunks; c += 5) {
            inputs[0] = h;
            for (uint256 k = 0; k < 5; ++k) inputs[1 + k] = PubdataChunks.chunk(pubdata, c + k);
            h = poseidon6.poseidon(inputs);
        }
    }
}
