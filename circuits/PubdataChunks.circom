pragma circom 2.1.9;

include "ProtocolConstants.circom";

// The pubdata part of the batch's public inputs (docs/protocol.md §6): each chunk is the next
// PUBDATA_CHUNK_BYTES bytes of the pubdata as a big-endian integer, the last one zero-padded on the
// right. One linear constraint per chunk: the bits are the records' own, already range-checked.
template PubdataChunks(nBytes) {
    // pubdata bits, most significant first
    signal input bits[nBytes * 8];
    signal input chunks[(nBytes + PUBDATA_CHUNK_BYTES() - 1) \ PUBDATA_CHUNK_BYTES()];

    var CHUNK_BITS = PUBDATA_CHUNK_BYTES() * 8;
    var nChunks = (nBytes + PUBDATA_CHUNK_BYTES() - 1) \ PUBDATA_CHUNK_BYTES();
    for (var c = 0; c < nChunks; c++) {
        var acc = 0;
        for (var j = 0; j < CHUNK_BITS; j++) {
            var b = c * CHUNK_BITS + j;
            if (b < nBytes * 8) acc += bits[b] * (1 << (CHUNK_BITS - 1 - j));
        }
        chunks[c] === acc;
    }
}
