pragma circom 2.1.9;

include "../../node_modules/circomlib/circuits/poseidon.circom";

// Bench only: a binary Poseidon Merkle path, to compare with circuits/QuadMerkleRoot.circom for the
// same number of leaves (npm run bench, scenario merkle-arity).
template BinaryMerkleRoot(depth) {
    signal input leaf;
    signal input indexBits[depth];
    signal input siblings[depth];
    signal output root;

    component hash[depth];
    signal level[depth + 1];
    signal left[depth];
    signal right[depth];
    level[0] <== leaf;
    for (var l = 0; l < depth; l++) {
        indexBits[l] * (indexBits[l] - 1) === 0;
        left[l] <== level[l] + indexBits[l] * (siblings[l] - level[l]);
        right[l] <== level[l] + siblings[l] - left[l];
        hash[l] = Poseidon(2);
        hash[l].inputs <== [left[l], right[l]];
        level[l + 1] <== hash[l].out;
    }
    root <== level[depth];
}
