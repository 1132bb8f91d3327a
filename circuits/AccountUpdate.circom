pragma circom 2.1.9;

include "AccountRow.circom";
include "QuadMerklePair.circom";

// One account's part of a fill (rule F8): one order slot change in its order tree, and its two
// balances and leaf as an AccountRow (which range checks the new balances: rule F7).
template AccountUpdate(accountDepth, balanceDepth, orderDepth) {
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

    signal input slotBits[2 * orderDepth];
    signal input slotOldLeaf;
    signal input slotNewLeaf;
    signal input slotPath[orderDepth][3];

    signal output rootOut;

    component orders = QuadMerklePair(orderDepth);
    orders.leaves <== [slotOldLeaf, slotNewLeaf];
    orders.indexBits <== slotBits;
    orders.siblings <== slotPath;

    component row = AccountRow(accountDepth, balanceDepth);
    row.rootIn <== rootIn;
    row.accountBits <== accountBits;
    row.accountPath <== accountPath;
    row.ax <== ax;
    row.ay <== ay;
    row.nonce <== nonce;
    row.baseBits <== baseBits;
    row.quoteBits <== quoteBits;
    row.baseBalance <== baseBalance;
    row.quoteBalance <== quoteBalance;
    row.baseDelta <== baseDelta;
    row.quoteDelta <== quoteDelta;
    row.basePath <== basePath;
    row.quotePath <== quotePath;
    row.orderRootIn <== orders.roots[0];
    row.orderRootOut <== orders.roots[1];
    rootOut <== row.rootOut;
}
