pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";

// The market section of a batch (docs/protocol.md §4.1, rules M1-M4, and its records in §6): each
// record (baseToken, quoteToken, takerFeeRate, makerFeeRate, lotExponent, tickExponent) totals the
// fees of the fills that name it (`selected`, one-hot per fill, from MarketSelect). A record no
// enabled fill names is all zero; a named one has two different tokens. The exponents come as their
// bits (PowerOfTen range checks them). Outputs the records' pubdata, MARKET_PUBDATA_BYTES each.
template MarketSection(nFills, nMarkets) {
    signal input markets[nMarkets][6];
    signal input exponentBits[nMarkets][2][EXPONENT_BITS()];
    signal input selected[nFills][nMarkets];
    signal input enabled[nFills];
    signal input fees[nFills];
    signal output pubdata[nMarkets * MARKET_PUBDATA_BYTES() * 8];

    signal share[nFills][nMarkets];
    signal use[nFills][nMarkets];
    component unused[nMarkets];
    component samePair[nMarkets];
    component fieldBits[nMarkets][4];
    component totalBits[nMarkets];
    var o = 0;
    for (var j = 0; j < nMarkets; j++) {
        var total = 0;
        var used = 0;
        for (var i = 0; i < nFills; i++) {
            share[i][j] <== selected[i][j] * fees[i];
            use[i][j] <== selected[i][j] * enabled[i];
            total += share[i][j];
            used += use[i][j];
        }
        // M2: unused records are all zero (their total is: only enabled fills pay fees).
        unused[j] = IsZero();
        unused[j].in <== used;
        for (var f = 0; f < 6; f++) markets[j][f] * unused[j].out === 0;
        // M1: a used record has two different tokens.
        samePair[j] = IsEqual();
        samePair[j].in <== [markets[j][0], markets[j][1]];
        samePair[j].out * (1 - unused[j].out) === 0;
        // M3, M4 and the record: tokens and rates in 16 bits, exponents in 8 (5 used), fees in 96.
        for (var f = 0; f < 4; f++) {
            fieldBits[j][f] = Num2Bits(16);
            fieldBits[j][f].in <== markets[j][f];
            for (var k = 15; k >= 0; k--) { pubdata[o] <== fieldBits[j][f].out[k]; o++; }
        }
        for (var e = 0; e < 2; e++) {
            for (var k = 7; k >= EXPONENT_BITS(); k--) { pubdata[o] <== 0; o++; }
            for (var k = EXPONENT_BITS() - 1; k >= 0; k--) { pubdata[o] <== exponentBits[j][e][k]; o++; }
        }
        totalBits[j] = Num2Bits(AMOUNT_BITS());
        totalBits[j].in <== total;
        for (var k = AMOUNT_BITS() - 1; k >= 0; k--) { pubdata[o] <== totalBits[j].out[k]; o++; }
    }
    assert(o == nMarkets * MARKET_PUBDATA_BYTES() * 8);
}
