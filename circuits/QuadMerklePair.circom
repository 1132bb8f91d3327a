pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "QuadSelectorPair.circom";

// The roots of a 4-ary Poseidon Merkle tree with leaves[0], and with leaves[1], at the same index
// and with the same siblings (docs/protocol.md §2): both sides of one leaf update. Same as two
// QuadMerkleRoot, sharing the position products of each level.
template QuadMerklePair(depth) {
    signal input leaves[2];
    signal input indexBits[2 * depth];
    signal input siblings[depth][3];
    signal output roots[2];

    component select[depth];
    component hash[depth][2];
    signal level[depth + 1][2];
    level[0] <== leaves;
    for (var l = 0; l < depth; l++) {
        select[l] = QuadSelectorPair();
        select[l].in <== level[l];
        select[l].siblings <== siblings[l];
        select[l].bits[0] <== indexBits[2 * l];
        select[l].bits[1] <== indexBits[2 * l + 1];
        for (var v = 0; v < 2; v++) {
            hash[l][v] = Poseidon(4);
            hash[l][v].inputs <== select[l].out[v];
            level[l + 1][v] <== hash[l][v].out;
        }
    }
    roots <== level[depth];
}
