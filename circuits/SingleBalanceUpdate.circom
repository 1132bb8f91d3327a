pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "QuadMerklePair.circom";
include "QuadMerkleUpdate.circom";

// One account's leaf H(ax, ay, nonce, balanceRoot, orderRoot) changes in one balance, its key and
// its nonce (deposits and withdrawals, docs/protocol.md §4.2-4.3): the old leaf is checked against
// rootIn on the account's path and rootOut has the new leaf on the same path. The order tree is
// unchanged. The caller range checks the new balance and derives the new key and nonce.
template SingleBalanceUpdate(accountDepth, balanceDepth) {
    signal input rootIn;
    signal input accountBits[2 * accountDepth];
    signal input accountPath[accountDepth][3];
    signal input tokenBits[2 * balanceDepth];
    signal input balancePath[balanceDepth][3];
    signal input orderRoot;
    // [0 = before, 1 = after]
    signal input balance[2];
    signal input ax[2];
    signal input ay[2];
    signal input nonce[2];
    signal output rootOut;

    component balanceRoots = QuadMerklePair(balanceDepth);
    balanceRoots.leaves <== balance;
    balanceRoots.indexBits <== tokenBits;
    balanceRoots.siblings <== balancePath;
    component leaf[2];
    for (var t = 0; t < 2; t++) {
        leaf[t] = Poseidon(5);
        leaf[t].inputs <== [ax[t], ay[t], nonce[t], balanceRoots.roots[t], orderRoot];
    }

    component update = QuadMerkleUpdate(accountDepth);
    update.oldRoot <== rootIn;
    update.oldLeaf <== leaf[0].out;
    update.newLeaf <== leaf[1].out;
    update.indexBits <== accountBits;
    update.siblings <== accountPath;
    rootOut <== update.newRoot;
}
