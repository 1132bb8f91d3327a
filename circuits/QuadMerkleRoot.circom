pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "QuadSelector.circom";

// Root of a 4-ary Poseidon Merkle tree of `depth` levels, from a leaf, the bits of its index
// (2 per level, least significant first) and the three siblings of each level from the leaf up.
template QuadMerkleRoot(depth) {
    signal input leaf;
    signal input indexBits[2 * depth];
    signal input siblings[depth][3];
    signal output root;

    component select[depth];
    component hash[depth];
    signal level[depth + 1];
    level[0] <== leaf;
    for (var l = 0; l < depth; l++) {
        select[l] = QuadSelector();
        select[l].in <== level[l];
        select[l].siblings <== siblings[l];
        select[l].bits[0] <== indexBits[2 * l];
        select[l].bits[1] <== indexBits[2 * l + 1];
        hash[l] = Poseidon(4);
        hash[l].inputs <== select[l].out;
        level[l + 1] <== hash[l].out;
    }
    root <== level[depth];
}
