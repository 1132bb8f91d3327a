pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";
include "RecordTypeBits.circom";

// The fee section of a batch (docs/protocol.md §4.1, §6): each fill's fees (taker + maker, in its
// quote token) go to the fee slot `feeSlots[i]`, whose token must be the fill's quote token when
// the fill pays any fee; each slot's total is published as a fee record (token, amount), which the
// contract credits to the operator's fee account on L1. A slot with a zero total is padding: its
// token must be 0 and its record is all zero bytes.
template FeeCollection(nFills, nFeeTokens) {
    signal input fees[nFills];
    signal input quoteTokens[nFills];
    signal input feeSlots[nFills];
    signal input feeTokens[nFeeTokens];
    signal output pubdata[nFeeTokens * FEE_PUBDATA_BYTES() * 8];

    component selected[nFills][nFeeTokens];
    signal share[nFills][nFeeTokens];
    var totals[nFeeTokens];
    for (var j = 0; j < nFeeTokens; j++) totals[j] = 0;
    for (var i = 0; i < nFills; i++) {
        var count = 0;
        for (var j = 0; j < nFeeTokens; j++) {
            selected[i][j] = IsEqual();
            selected[i][j].in[0] <== feeSlots[i];
            selected[i][j].in[1] <== j;
            count += selected[i][j].out;
            share[i][j] <== selected[i][j].out * fees[i];
            // The slot collects the fill's fees only in the fill's quote token.
            share[i][j] * (feeTokens[j] - quoteTokens[i]) === 0;
            totals[j] += share[i][j];
        }
        // Exactly one slot: feeSlots[i] is in [0, nFeeTokens).
        count === 1;
    }

    component amountBits[nFeeTokens];
    component tokenBits[nFeeTokens];
    component isPadding[nFeeTokens];
    component typeBits[nFeeTokens];
    var o = 0;
    for (var j = 0; j < nFeeTokens; j++) {
        amountBits[j] = Num2Bits(AMOUNT_BITS());
        amountBits[j].in <== totals[j];
        tokenBits[j] = Num2Bits(TOKEN_ID_BITS());
        tokenBits[j].in <== feeTokens[j];
        isPadding[j] = IsZero();
        isPadding[j].in <== totals[j];
        feeTokens[j] * isPadding[j].out === 0;
        typeBits[j] = RecordTypeBits(TX_FEE());
        typeBits[j].enabled <== 1 - isPadding[j].out;
        for (var k = 0; k < 8; k++) { pubdata[o] <== typeBits[j].out[k]; o++; }
        for (var k = TOKEN_ID_BITS() - 1; k >= 0; k--) { pubdata[o] <== tokenBits[j].out[k]; o++; }
        for (var k = AMOUNT_BITS() - 1; k >= 0; k--) { pubdata[o] <== amountBits[j].out[k]; o++; }
    }
    assert(o == nFeeTokens * FEE_PUBDATA_BYTES() * 8);
}
