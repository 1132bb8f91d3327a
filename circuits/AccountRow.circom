pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/poseidon.circom";
include "ProtocolConstants.circom";
include "QuadMerkleUpdate.circom";

// One account's balances of one pair changed by their net deltas, and its order root moved from
// orderRootIn to orderRootOut (docs/protocol.md §4.5: an account row; rule F8 for one fill's
// party): its base balance, then its quote balance, then its leaf H(ax, ay, nonce, balanceRoot,
// orderRoot) moves from rootIn to rootOut. The new balances are range checked to AMOUNT_BITS,
// which is rule F7 (on the net result in an account row): a balance that cannot pay wraps around
// the field and fails the check. Deltas of 0 and orderRootOut = orderRootIn change nothing.
template AccountRow(accountDepth, balanceDepth) {
    signal input rootIn;
    signal input accountBits[2 * accountDepth];
    signal input accountPath[accountDepth][3];
    signal input ax;
    signal input ay;
    signal input nonce;

    signal input baseBits[2 * balanceDepth];
    signal input quoteBits[2 * balanceDepth];
    signal input baseBalance;
    signal input quoteBalance;
    signal input baseDelta;
    signal input quoteDelta;
    signal input basePath[balanceDepth][3];
    signal input quotePath[balanceDepth][3];

    signal input orderRootIn;
    signal input orderRootOut;

    signal output rootOut;

    signal newBase <== baseBalance + baseDelta;
    signal newQuote <== quoteBalance + quoteDelta;
    component baseRange = Num2Bits(AMOUNT_BITS());
    baseRange.in <== newBase;
    component quoteRange = Num2Bits(AMOUNT_BITS());
    quoteRange.in <== newQuote;

    // Balance root before, and after the base change: both from the base leaf's path (the root
    // before is what the account leaf commits to, so it needs no separate check).
    component base = QuadMerklePair(balanceDepth);
    base.leaves <== [baseBalance, newBase];
    base.indexBits <== baseBits;
    base.siblings <== basePath;

    component quoteUpdate = QuadMerkleUpdate(balanceDepth);
    quoteUpdate.oldRoot <== base.roots[1];
    quoteUpdate.oldLeaf <== quoteBalance;
    quoteUpdate.newLeaf <== newQuote;
    quoteUpdate.indexBits <== quoteBits;
    quoteUpdate.siblings <== quotePath;

    component leafBefore = Poseidon(5);
    leafBefore.inputs <== [ax, ay, nonce, base.roots[0], orderRootIn];
    component leafAfter = Poseidon(5);
    leafAfter.inputs <== [ax, ay, nonce, quoteUpdate.newRoot, orderRootOut];

    component accountUpdate = QuadMerkleUpdate(accountDepth);
    accountUpdate.oldRoot <== rootIn;
    accountUpdate.oldLeaf <== leafBefore.out;
    accountUpdate.newLeaf <== leafAfter.out;
    accountUpdate.indexBits <== accountBits;
    accountUpdate.siblings <== accountPath;
    rootOut <== accountUpdate.newRoot;
}
