pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";

// The order-slot rule (docs/protocol.md §2, rule F6). The slot holds (slotStorageId, slotFilled);
// the order has `storageId` and `amount` (both range checked by the caller) and is filled by `fill`.
// When enabled: slotStorageId <= storageId, and the order's total filled stays <= amount.
// Outputs the old and the new slot leaf (new = old when disabled).
template OrderSlotUpdate() {
    signal input enabled;
    signal input slotStorageId;
    signal input slotFilled;
    signal input storageId;
    signal input amount;
    signal input fill;
    signal output oldLeaf;
    signal output newLeaf;

    // A unique decomposition of the old leaf.
    component sidBits = Num2Bits(STORAGE_ID_BITS());
    sidBits.in <== slotStorageId;
    component filledBits = Num2Bits(AMOUNT_BITS());
    filledBits.in <== slotFilled;
    oldLeaf <== slotStorageId + slotFilled * (1 << STORAGE_ID_BITS());

    component same = IsEqual();
    same.in[0] <== slotStorageId;
    same.in[1] <== storageId;
    component newer = LessThan(STORAGE_ID_BITS());
    newer.in[0] <== slotStorageId;
    newer.in[1] <== storageId;
    // Storage-id rule: the slot is this order's or older.
    (1 - same.out - newer.out) * enabled === 0;

    signal previous <== same.out * slotFilled;
    signal total <== previous + fill;
    component notOverfilled = LessEqThan(AMOUNT_BITS() + 1);
    notOverfilled.in[0] <== total;
    notOverfilled.in[1] <== amount;
    (1 - notOverfilled.out) * enabled === 0;

    signal computed <== storageId + total * (1 << STORAGE_ID_BITS());
    newLeaf <== oldLeaf + enabled * (computed - oldLeaf);
}
