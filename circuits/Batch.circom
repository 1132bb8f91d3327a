pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "ProtocolConstants.circom";
include "FillSettlement.circom";
include "PublicInputHash.circom";

// The batch circuit (docs/protocol.md §4, §6): nFills fill slots applied in order take the state
// from oldRoot to newRoot; the only public signal is publicInput = hash(oldRoot, newRoot,
// batchNumber, pubdata).
template Batch(nFills, accountDepth, balanceDepth, orderDepth) {
    signal input publicInput;
    signal input oldRoot;
    signal input newRoot;
    signal input batchNumber;

    signal input orders[nFills][2][7];
    signal input signatures[nFills][2][3];
    signal input baseAmount[nFills];
    signal input keys[nFills][2][2];
    signal input nonces[nFills][2];
    signal input accountPaths[nFills][2][accountDepth][3];
    signal input balances[nFills][2][2];
    signal input balancePaths[nFills][2][2][balanceDepth][3];
    signal input slots[nFills][2][2];
    signal input slotPaths[nFills][2][orderDepth][3];

    component batchNumberRange = Num2Bits(BATCH_NUMBER_BITS());
    batchNumberRange.in <== batchNumber;

    var RECORD_BITS = FILL_PUBDATA_BYTES() * 8;
    component fill[nFills];
    component hash = PublicInputHash(nFills * FILL_PUBDATA_BYTES());
    for (var i = 0; i < nFills; i++) {
        fill[i] = FillSettlement(accountDepth, balanceDepth, orderDepth);
        fill[i].rootIn <== i == 0 ? oldRoot : fill[i - 1].rootOut;
        fill[i].orders <== orders[i];
        fill[i].signatures <== signatures[i];
        fill[i].baseAmount <== baseAmount[i];
        fill[i].keys <== keys[i];
        fill[i].nonces <== nonces[i];
        fill[i].accountPaths <== accountPaths[i];
        fill[i].balances <== balances[i];
        fill[i].balancePaths <== balancePaths[i];
        fill[i].slots <== slots[i];
        fill[i].slotPaths <== slotPaths[i];
        for (var b = 0; b < RECORD_BITS; b++) hash.bits[i * RECORD_BITS + b] <== fill[i].pubdata[b];
    }
    fill[nFills - 1].rootOut === newRoot;

    hash.oldRoot <== oldRoot;
    hash.newRoot <== newRoot;
    hash.batchNumber <== batchNumber;
    hash.out === publicInput;
}
