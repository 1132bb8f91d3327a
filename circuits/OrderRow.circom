pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";
include "OrderVerifier.circom";
include "OrderSlotUpdate.circom";
include "QuadMerklePair.circom";

// One order row of the netted fill section (docs/protocol.md §4.5): a signed order, checked once
// for all of the batch's fills of it. `batchFilled` is what those fills add up to (the batch sums
// them); a row with batchFilled = 0 is padding: disabled, it changes nothing. When enabled: the
// order's fields in range and its signature for `domain` by the key (ax, ay) of its account (the
// batch selects the key from the order's account row; F1); the order live at `timestamp` (F10);
// its account and slot inside their trees; the slot rule for batchFilled (F6) against the slot
// (slot[0] storage id, slot[1] filled) at the order's slot index in the account's order tree,
// whose root moves from orderRootIn to orderRootOut. Outputs the order's hash (what a fill binds to),
// its account's and storage id's bits (least significant first) and the step's bits as published.
template OrderRow(accountDepth, orderDepth) {
    // accountId, storageId, baseToken, quoteToken, side, validUntil, maxFeeRate, amount, price
    signal input order[9];
    signal input signature[3];
    signal input domain;
    signal input timestamp;
    signal input ax;
    signal input ay;
    signal input batchFilled;
    signal input slot[2];
    signal input slotPath[orderDepth][3];
    signal input orderRootIn;

    signal output orderRootOut;
    signal output enabled;
    signal output hash;
    signal output accountBits[2 * accountDepth];
    signal output storageBits[STORAGE_ID_BITS()];
    signal output stepBits[STORAGE_STEP_BITS()];

    var VALID_UNTIL = 5; var AMOUNT = 7;

    component padding = IsZero();
    padding.in <== batchFilled;
    enabled <== 1 - padding.out;

    component verify = OrderVerifier();
    verify.enabled <== enabled;
    verify.order <== order;
    verify.domain <== domain;
    verify.signature <== signature;
    verify.ax <== ax;
    verify.ay <== ay;
    hash <== verify.hash;
    storageBits <== verify.storageBits;
    for (var k = 0; k < 2 * accountDepth; k++) accountBits[k] <== verify.accountBits[k];
    for (var k = 2 * accountDepth; k < ACCOUNT_ID_BITS(); k++) verify.accountBits[k] === 0;

    // F10: live at the batch timestamp (range checked by the caller; validUntil by OrderVerifier).
    component live = LessEqThan(TIMESTAMP_BITS());
    live.in[0] <== timestamp;
    live.in[1] <== order[VALID_UNTIL];
    (1 - live.out) * enabled === 0;

    // F6 for the batch's fills of the order together; batchFilled, a sum of the batch's fills,
    // is range checked first so that the rule's comparison sees a number below 2^(AMOUNT_BITS + 1).
    component filledRange = Num2Bits(AMOUNT_BITS());
    filledRange.in <== batchFilled;
    component slotUpdate = OrderSlotUpdate(orderDepth);
    slotUpdate.enabled <== enabled;
    slotUpdate.slotStorageId <== slot[0];
    slotUpdate.slotFilled <== slot[1];
    slotUpdate.storageBits <== verify.storageBits;
    slotUpdate.amount <== order[AMOUNT];
    slotUpdate.fill <== batchFilled;
    stepBits <== slotUpdate.stepBits;

    component path = QuadMerklePair(orderDepth);
    path.leaves <== [slotUpdate.oldLeaf, slotUpdate.newLeaf];
    for (var k = 0; k < 2 * orderDepth; k++) path.indexBits[k] <== verify.storageBits[k];
    path.siblings <== slotPath;
    (path.roots[0] - orderRootIn) * enabled === 0;
    orderRootOut <== orderRootIn + enabled * (path.roots[1] - orderRootIn);
}
