pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "ProtocolConstants.circom";

// out = 10^exponent for an exponent below 2^EXPONENT_BITS (range checked here; docs/protocol.md §4.1,
// rule M4): the product of 10^(2^k) over the exponent's set bits, one constraint per bit after the first.
template PowerOfTen() {
    signal input exponent;
    signal output out;
    // the exponent's bits, least significant first
    signal output bits[EXPONENT_BITS()];

    component range = Num2Bits(EXPONENT_BITS());
    range.in <== exponent;
    bits <== range.out;
    signal acc[EXPONENT_BITS()];
    acc[0] <== 1 + range.out[0] * 9;
    var factor = 10;
    for (var k = 1; k < EXPONENT_BITS(); k++) {
        factor = factor * factor;
        acc[k] <== acc[k - 1] * (1 + range.out[k] * (factor - 1));
    }
    out <== acc[EXPONENT_BITS() - 1];
}
