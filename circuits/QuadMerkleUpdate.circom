pragma circom 2.1.9;

include "QuadMerklePair.circom";

// Replaces `oldLeaf` by `newLeaf` at one index: checks oldLeaf against `oldRoot` and outputs the
// root with newLeaf on the same path.
template QuadMerkleUpdate(depth) {
    signal input oldRoot;
    signal input oldLeaf;
    signal input newLeaf;
    signal input indexBits[2 * depth];
    signal input siblings[depth][3];
    signal output newRoot;

    component roots = QuadMerklePair(depth);
    roots.leaves <== [oldLeaf, newLeaf];
    roots.indexBits <== indexBits;
    roots.siblings <== siblings;
    roots.roots[0] === oldRoot;
    newRoot <== roots.roots[1];
}
