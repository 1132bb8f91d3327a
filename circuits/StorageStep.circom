pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";

// The storage-id rule of docs/protocol.md §2: step = gen(storageId) - gen(slotStorageId), with
// gen(x) = floor(x / 4^orderDepth), must be in [0, 2^STORAGE_STEP_BITS) when enabled (a newer order
// may take the slot over at most 3 generations ahead; an older one is refused). Both ids come as
// their STORAGE_ID_BITS bits (range checked by the caller). Outputs the step's bits (0 when disabled),
// most significant first as published, and whether the step is 0 (the slot's order continues).
template StorageStep(orderDepth) {
    signal input enabled;
    signal input storageBits[STORAGE_ID_BITS()];
    signal input slotStorageBits[STORAGE_ID_BITS()];
    signal output bits[STORAGE_STEP_BITS()];
    signal output continues;

    var step = 0;
    for (var k = 2 * orderDepth; k < STORAGE_ID_BITS(); k++) step += (storageBits[k] - slotStorageBits[k]) * (1 << (k - 2 * orderDepth));
    // A negative step wraps the field and fails the range check; so does one of 4 or more.
    component range = Num2Bits(STORAGE_STEP_BITS());
    range.in <== step * enabled;
    for (var k = 0; k < STORAGE_STEP_BITS(); k++) bits[k] <== range.out[STORAGE_STEP_BITS() - 1 - k];
    component zero = IsZero();
    zero.in <== step;
    continues <== zero.out;
}
