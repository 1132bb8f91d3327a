pragma circom 2.1.9;

include "../../node_modules/circomlib/circuits/bitify.circom";
include "../../node_modules/circomlib/circuits/poseidon.circom";
include "../../circuits/QuadMerkleRoot.circom";

// Bench only: what an exit circuit would prove instead of Rollup.exit's on-chain Merkle check
// (docs/protocol.md §8): the balance leaf of (accountId, tokenId) under the account leaf
// H(ax, ay, nonce, balanceRoot, orderRoot) under stateRoot.
template ExitCheck(accountDepth, balanceDepth) {
    signal input stateRoot;
    signal input accountId;
    signal input tokenId;
    signal input balance;
    signal input balancePath[balanceDepth][3];
    signal input leaf[4];
    signal input accountPath[accountDepth][3];

    component account = Num2Bits(2 * accountDepth);
    account.in <== accountId;
    component token = Num2Bits(2 * balanceDepth);
    token.in <== tokenId;

    component balanceRoot = QuadMerkleRoot(balanceDepth);
    balanceRoot.leaf <== balance;
    balanceRoot.indexBits <== token.out;
    balanceRoot.siblings <== balancePath;

    component accountLeaf = Poseidon(5);
    accountLeaf.inputs <== [leaf[0], leaf[1], leaf[2], balanceRoot.root, leaf[3]];

    component root = QuadMerkleRoot(accountDepth);
    root.leaf <== accountLeaf.out;
    root.indexBits <== account.out;
    root.siblings <== accountPath;
    root.root === stateRoot;
}
