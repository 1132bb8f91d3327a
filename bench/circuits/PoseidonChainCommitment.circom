pragma circom 2.1.9;

include "../../node_modules/circomlib/circuits/poseidon.circom";
include "../../circuits/ProtocolConstants.circom";

// The public-input commitment proofbook used before the pubdata became public inputs, kept to
// measure it (npm run bench -- --scenario commitment; docs/protocol.md §6): pubdata cut into
// 31-byte big-endian chunks, zero-padded to 2 + 5k chunks, absorbed by a Poseidon(6) chain that
// starts with (oldRoot, newRoot, header, domain).
template PoseidonChainCommitment(nBytes) {
    signal input oldRoot;
    signal input newRoot;
    // batchNumber + timestamp * 2^32
    signal input header;
    signal input domain;
    // pubdata bits, most significant first
    signal input bits[nBytes * 8];
    signal output out;

    var CHUNK_BITS = PUBDATA_CHUNK_BYTES() * 8;
    var HASH_INPUTS = 6;
    var FIRST = HASH_INPUTS - 4;
    var CHUNKS_PER_HASH = HASH_INPUTS - 1;
    var nChunks = (nBytes + PUBDATA_CHUNK_BYTES() - 1) \ PUBDATA_CHUNK_BYTES();
    var nHashes = 1;
    if (nChunks > FIRST) nHashes += (nChunks - FIRST + CHUNKS_PER_HASH - 1) \ CHUNKS_PER_HASH;
    var nPadded = FIRST + (nHashes - 1) * CHUNKS_PER_HASH;

    signal chunks[nPadded];
    for (var c = 0; c < nPadded; c++) {
        var acc = 0;
        for (var j = 0; j < CHUNK_BITS; j++) {
            var b = c * CHUNK_BITS + j;
            if (b < nBytes * 8) acc += bits[b] * (1 << (CHUNK_BITS - 1 - j));
        }
        chunks[c] <== acc;
    }

    component h[nHashes];
    h[0] = Poseidon(HASH_INPUTS);
    h[0].inputs[0] <== oldRoot;
    h[0].inputs[1] <== newRoot;
    h[0].inputs[2] <== header;
    h[0].inputs[3] <== domain;
    for (var c = 0; c < FIRST; c++) h[0].inputs[4 + c] <== chunks[c];
    for (var i = 1; i < nHashes; i++) {
        h[i] = Poseidon(HASH_INPUTS);
        h[i].inputs[0] <== h[i - 1].out;
        for (var c = 0; c < CHUNKS_PER_HASH; c++) h[i].inputs[1 + c] <== chunks[FIRST + (i - 1) * CHUNKS_PER_HASH + c];
    }
    out <== h[nHashes - 1].out;
}
