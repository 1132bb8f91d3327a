pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";

// A fill's market record (docs/protocol.md §4.1): `index` names one of the batch's nMarkets
// records (nMarkets a power of 2, index range checked to log2(nMarkets) bits); `out` is that
// record's row of `markets` (baseToken, quoteToken, takerFeeRate, makerFeeRate, 10^lotExponent,
// 10^tickExponent), `selected` the one-hot choice, `bits` the index as published, most significant first.
template MarketSelect(nMarkets, marketBits) {
    signal input index;
    signal input markets[nMarkets][6];
    signal output out[6];
    signal output selected[nMarkets];
    signal output bits[marketBits];

    assert(1 << marketBits == nMarkets);
    component range = Num2Bits(marketBits);
    range.in <== index;
    for (var k = 0; k < marketBits; k++) bits[k] <== range.out[marketBits - 1 - k];

    component eq[nMarkets];
    var count = 0;
    for (var j = 0; j < nMarkets; j++) {
        eq[j] = IsEqual();
        eq[j].in <== [index, j];
        selected[j] <== eq[j].out;
        count += eq[j].out;
    }
    count === 1;

    signal terms[6][nMarkets];
    for (var f = 0; f < 6; f++) {
        var sum = 0;
        for (var j = 0; j < nMarkets; j++) {
            terms[f][j] <== selected[j] * markets[j][f];
            sum += terms[f][j];
        }
        out[f] <== sum;
    }
}
