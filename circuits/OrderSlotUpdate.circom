pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";
include "StorageStep.circom";

// The order-slot rule (docs/protocol.md §2, rule F6). The slot holds (slotStorageId, slotFilled);
// the order has `storageId` (as its bits) and `amount` (both range checked by the caller) and is
// filled by `fill`. When enabled: the storage id is 0 to 3 generations past the slot's (StorageStep),
// and the order's total filled stays <= amount. Outputs the old and the new slot leaf (new = old
// when disabled) and the step's bits for the fill record.
template OrderSlotUpdate(orderDepth) {
    signal input enabled;
    signal input slotStorageId;
    signal input slotFilled;
    signal input storageBits[STORAGE_ID_BITS()];
    signal input amount;
    signal input fill;
    signal output oldLeaf;
    signal output newLeaf;
    signal output stepBits[STORAGE_STEP_BITS()];

    // A unique decomposition of the old leaf.
    component sidBits = Num2Bits(STORAGE_ID_BITS());
    sidBits.in <== slotStorageId;
    component filledBits = Num2Bits(AMOUNT_BITS());
    filledBits.in <== slotFilled;
    oldLeaf <== slotStorageId + slotFilled * (1 << STORAGE_ID_BITS());

    component step = StorageStep(orderDepth);
    step.enabled <== enabled;
    step.storageBits <== storageBits;
    step.slotStorageBits <== sidBits.out;
    stepBits <== step.bits;

    signal previous <== step.continues * slotFilled;
    signal total <== previous + fill;
    component notOverfilled = LessEqThan(AMOUNT_BITS() + 1);
    notOverfilled.in[0] <== total;
    notOverfilled.in[1] <== amount;
    (1 - notOverfilled.out) * enabled === 0;

    var storageId = 0;
    for (var k = 0; k < STORAGE_ID_BITS(); k++) storageId += storageBits[k] * (1 << k);
    signal computed <== storageId + total * (1 << STORAGE_ID_BITS());
    newLeaf <== oldLeaf + enabled * (computed - oldLeaf);
}
