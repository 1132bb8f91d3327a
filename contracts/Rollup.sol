// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    SNARK_FIELD, FILL_PUBDATA_BYTES, PUBDATA_CHUNK_BYTES, HASH_INPUTS, FIRST_HASH_CHUNKS, CHUNKS_PER_HASH
} from "./generated/ProtocolConstants.sol";
import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {IPoseidon} from "./interfaces/IPoseidon.sol";

/// @title proofbook rollup
/// @notice Holds the L2 state root and moves it only for a batch whose Groth16 proof verifies
///         against the public input recomputed here from calldata (docs/protocol.md §6, §8).
contract Rollup {
    IGroth16Verifier public immutable verifier;
    IPoseidon public immutable hasher;
    /// @notice Fill slots per batch of the circuit behind `verifier`.
    uint256 public immutable fillsPerBatch;

    uint256 public stateRoot;
    uint256 public batchCount;

    event BatchSubmitted(uint256 indexed batchNumber, uint256 oldRoot, uint256 newRoot, uint256 publicInput);

    error StateRootMismatch(uint256 expected, uint256 provided);
    error PubdataLengthMismatch(uint256 expected, uint256 provided);
    error RootNotInField(uint256 root);
    error PublicInputNotInField(uint256 publicInput);
    error InvalidProof();

    constructor(IGroth16Verifier verifier_, IPoseidon hasher_, uint256 genesisRoot, uint256 fillsPerBatch_) {
        if (genesisRoot >= SNARK_FIELD) revert RootNotInField(genesisRoot);
        verifier = verifier_;
        hasher = hasher_;
        stateRoot = genesisRoot;
        fillsPerBatch = fillsPerBatch_;
    }

    /// @notice Applies batch `batchCount + 1`. `pubdata` stays in calldata for anyone rebuilding the state.
    /// @param proof Groth16 proof as [a0, a1, b00, b01, b10, b11, c0, c1] (snarkjs calldata order).
    function submitBatch(uint256 oldRoot, uint256 newRoot, bytes calldata pubdata, uint256[8] calldata proof) external {
        if (oldRoot != stateRoot) revert StateRootMismatch(stateRoot, oldRoot);
        uint256 expectedLength = fillsPerBatch * FILL_PUBDATA_BYTES;
        if (pubdata.length != expectedLength) revert PubdataLengthMismatch(expectedLength, pubdata.length);
        if (newRoot >= SNARK_FIELD) revert RootNotInField(newRoot);
        uint256 batchNumber = batchCount + 1;
        uint256 publicInput = publicInputHash(oldRoot, newRoot, batchNumber, pubdata);
        _verifyProof(publicInput, proof);
        stateRoot = newRoot;
        batchCount = batchNumber;
        emit BatchSubmitted(batchNumber, oldRoot, newRoot, publicInput);
    }

    /// @notice The batch circuit's public input: a Poseidon(HASH_INPUTS) chain over (oldRoot, newRoot,
    ///         batchNumber) and the pubdata in 31-byte big-endian chunks.
    function publicInputHash(uint256 oldRoot, uint256 newRoot, uint256 batchNumber, bytes calldata pubdata) public view returns (uint256 h) {
        uint256 nChunks = (pubdata.length + PUBDATA_CHUNK_BYTES - 1) / PUBDATA_CHUNK_BYTES;
        uint256[HASH_INPUTS] memory inputs;
        inputs[0] = oldRoot;
        inputs[1] = newRoot;
        inputs[2] = batchNumber;
        for (uint256 c = 0; c < FIRST_HASH_CHUNKS; ++c) inputs[3 + c] = _chunk(pubdata, c);
        h = hasher.poseidon(inputs);
        for (uint256 c = FIRST_HASH_CHUNKS; c < nChunks; c += CHUNKS_PER_HASH) {
            inputs[0] = h;
            for (uint256 k = 0; k < CHUNKS_PER_HASH; ++k) inputs[1 + k] = _chunk(pubdata, c + k);
            h = hasher.poseidon(inputs);
        }
    }

    function _verifyProof(uint256 publicInput, uint256[8] calldata proof) internal view {
        if (publicInput >= SNARK_FIELD) revert PublicInputNotInField(publicInput);
        bool ok = verifier.verifyProof(
            [proof[0], proof[1]],
            [[proof[2], proof[3]], [proof[4], proof[5]]],
            [proof[6], proof[7]],
            [publicInput]
        );
        if (!ok) revert InvalidProof();
    }

    /// @dev Chunk `index` of `data`: 31 bytes big-endian, zero beyond the end of `data`.
    function _chunk(bytes calldata data, uint256 index) private pure returns (uint256 v) {
        uint256 start = index * PUBDATA_CHUNK_BYTES;
        if (start >= data.length) return 0;
        assembly {
            v := shr(8, calldataload(add(data.offset, start)))
        }
        uint256 end = start + PUBDATA_CHUNK_BYTES;
        if (end > data.length) {
            // calldataload reads past `data`: clear what does not belong to it.
            uint256 drop = (end - data.length) * 8;
            v = (v >> drop) << drop;
        }
    }
}
