pragma circom 2.1.9;

include "QuadMerkleRoot.circom";

// Replaces `oldLeaf` by `newLeaf` at one index: checks oldLeaf against `oldRoot` and outputs the
// root with newLeaf on the same path.
template QuadMerkleUpdate(depth) {
    signal input oldRoot;
    signal input oldLeaf;
    signal input newLeaf;
    signal input indexBits[2 * depth];
    signal input siblings[depth][3];
    signal output newRoot;

    component before = QuadMerkleRoot(depth);
    before.leaf <== oldLeaf;
    before.indexBits <== indexBits;
    before.siblings <== siblings;
    before.root === oldRoot;

    component after = QuadMerkleRoot(depth);
    after.leaf <== newLeaf;
    after.indexBits <== indexBits;
    after.siblings <== siblings;
    newRoot <== after.root;
}
