pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "../node_modules/circomlib/circuits/poseidon.circom";
include "ProtocolConstants.circom";
include "KeyedSignatureVerifier.circom";
include "QuadMerklePair.circom";
include "QuadMerkleUpdate.circom";
include "StorageStep.circom";

// One cancel slot, rules C1-C4 of docs/protocol.md §4.4, moving the state from rootIn to rootOut:
// a signed L2 cancel (accountId != 0) sets the order slot of storageId to (storageId, FULLY_FILLED);
// padding (accountId = 0, storageId = 0) changes nothing. Outputs its pubdata record (section 6:
// account, slot, step) as bits, most significant first, zero-padded to whole bytes.
template CancelSettlement(accountDepth, orderDepth) {
    var RECORD_BITS = 2 * accountDepth + 2 * orderDepth + STORAGE_STEP_BITS();
    var RECORD_BYTES = (RECORD_BITS + 7) \ 8;
    signal input rootIn;
    // the deployment's domain separator (docs/protocol.md §3), from the batch header
    signal input domain;
    // accountId, storageId
    signal input cancel[2];
    // R8x, R8y, S
    signal input signature[3];
    // the account before: key, nonce, balance root, and the slot with its path in the order tree
    signal input key[2];
    signal input nonce;
    signal input balanceRoot;
    // slot storage id, slot filled
    signal input slot[2];
    signal input slotPath[orderDepth][3];
    signal input accountPath[accountDepth][3];

    signal output rootOut;
    signal output pubdata[RECORD_BYTES * 8];

    // C1: fields in range, the account inside its tree; account 0 is padding.
    component account = Num2Bits(ACCOUNT_ID_BITS());
    account.in <== cancel[0];
    for (var k = 2 * accountDepth; k < ACCOUNT_ID_BITS(); k++) account.out[k] === 0;
    component storage = Num2Bits(STORAGE_ID_BITS());
    storage.in <== cancel[1];
    component isPadding = IsZero();
    isPadding.in <== cancel[0];
    signal enabled <== 1 - isPadding.out;
    cancel[1] * isPadding.out === 0;

    // C2: signed by the account's key.
    component message = Poseidon(3);
    message.inputs <== [CANCEL_TAG(), cancel[0] + cancel[1] * (1 << ACCOUNT_ID_BITS()), domain];
    component sig = KeyedSignatureVerifier();
    sig.enabled <== enabled;
    sig.ax <== key[0];
    sig.ay <== key[1];
    sig.signature <== signature;
    sig.M <== message.out;

    // C3: the slot holds this storage id or one of the 3 generations before it (a unique
    // decomposition of the old leaf).
    component slotId = Num2Bits(STORAGE_ID_BITS());
    slotId.in <== slot[0];
    component slotFilled = Num2Bits(AMOUNT_BITS());
    slotFilled.in <== slot[1];
    component step = StorageStep(orderDepth);
    step.enabled <== enabled;
    step.storageBits <== storage.out;
    step.slotStorageBits <== slotId.out;

    // C4: the slot becomes (storageId, FULLY_FILLED); padding leaves it.
    signal oldLeaf <== slot[0] + slot[1] * (1 << STORAGE_ID_BITS());
    signal newLeaf <== oldLeaf + enabled * (cancel[1] + FULLY_FILLED() * (1 << STORAGE_ID_BITS()) - oldLeaf);
    component orderRoots = QuadMerklePair(orderDepth);
    orderRoots.leaves <== [oldLeaf, newLeaf];
    for (var k = 0; k < 2 * orderDepth; k++) orderRoots.indexBits[k] <== storage.out[k];
    orderRoots.siblings <== slotPath;
    component leaf[2];
    for (var t = 0; t < 2; t++) {
        leaf[t] = Poseidon(5);
        leaf[t].inputs <== [key[0], key[1], nonce, balanceRoot, orderRoots.roots[t]];
    }
    component update = QuadMerkleUpdate(accountDepth);
    update.oldRoot <== rootIn;
    update.oldLeaf <== leaf[0].out;
    update.newLeaf <== leaf[1].out;
    for (var k = 0; k < 2 * accountDepth; k++) update.indexBits[k] <== account.out[k];
    update.siblings <== accountPath;
    rootOut <== update.newRoot;

    var o = 0;
    for (var k = 2 * accountDepth - 1; k >= 0; k--) { pubdata[o] <== account.out[k]; o++; }
    for (var k = 2 * orderDepth - 1; k >= 0; k--) { pubdata[o] <== storage.out[k]; o++; }
    for (var k = 0; k < STORAGE_STEP_BITS(); k++) { pubdata[o] <== step.bits[k]; o++; }
    assert(o == RECORD_BITS);
    for (var k = RECORD_BITS; k < RECORD_BYTES * 8; k++) pubdata[k] <== 0;
}
