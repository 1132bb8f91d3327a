pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";

// What a fill of the netted fill section checks of its own (docs/protocol.md §4.5): rules F2-F5
// and F11 of §4 between a taker order (party 0) and a maker order (party 1), given the fields of
// each that the fill uses (from the order rows it names, whose signatures, expiries and slots are
// checked there), and its record (§6). The market record (from MarketSelect) gives the pair, each
// party's fee rate and the scale: baseAmount = lots * lotPow, the maker's price = ticks * tickPow.
// A fill with lots = 0 is padding: disabled, its parties must be all zero and its record is all
// zero. Outputs the base amount the fill adds to each order row's batchFilled, each party's
// balance changes (quote changes net of its own fee), the fees' sum and the record's bits, most
// significant first, zero-padded to whole bytes. Each party's accountId, slot index and step are
// range checked to the trees here, as the record publishes them.
template FillCore(accountDepth, orderDepth, marketBits) {
    var RECORD_BITS = 4 * accountDepth + 4 * orderDepth + 2 * STORAGE_STEP_BITS() + 1 + marketBits + LOT_BITS() + TICK_BITS();
    var RECORD_BYTES = (RECORD_BITS + 7) \ 8;
    signal input lots;
    signal input ticks;
    signal input market[6];
    signal input marketIndexBits[marketBits];
    // [party]: accountId, slot index, storage step (as the record publishes them), side, price,
    // baseToken, quoteToken, maxFeeRate
    signal input parties[2][8];

    signal output enabled;
    signal output baseAmount;
    signal output fees;
    // [party][0 = base, 1 = quote]
    signal output changes[2][2];
    signal output pubdata[RECORD_BYTES * 8];

    var ACCOUNT = 0; var SLOT = 1; var STEP = 2; var SIDE = 3; var PRICE = 4; var BASE = 5; var QUOTE = 6; var MAX_FEE_RATE = 7;

    // F5: the fill amount in lots of its scale, and enabled = (lots != 0).
    component lotBits = Num2Bits(LOT_BITS());
    lotBits.in <== lots;
    component tickBits = Num2Bits(TICK_BITS());
    tickBits.in <== ticks;
    baseAmount <== lots * market[4];
    component fillBits = Num2Bits(AMOUNT_BITS());
    fillBits.in <== baseAmount;
    component isPadding = IsZero();
    isPadding.in <== lots;
    enabled <== 1 - isPadding.out;
    signal makerPrice <== ticks * market[5];
    (parties[1][PRICE] - makerPrice) * enabled === 0;

    // F2: both orders trade the market record's pair. F3: opposite sides.
    for (var p = 0; p < 2; p++) {
        (parties[p][BASE] - market[0]) * enabled === 0;
        (parties[p][QUOTE] - market[1]) * enabled === 0;
    }
    (parties[0][SIDE] + parties[1][SIDE] - 1) * enabled === 0;

    // F4: prices are positive; buyer.price >= seller.price; s = 1 when the taker sells.
    component zeroPrice[2];
    for (var p = 0; p < 2; p++) {
        zeroPrice[p] = IsZero();
        zeroPrice[p].in <== parties[p][PRICE];
        zeroPrice[p].out * enabled === 0;
    }
    signal s <== parties[0][SIDE];
    signal buyerPrice <== parties[0][PRICE] + s * (parties[1][PRICE] - parties[0][PRICE]);
    signal sellerPrice <== parties[0][PRICE] + parties[1][PRICE] - buyerPrice;
    component crossed = LessEqThan(AMOUNT_BITS());
    crossed.in[0] <== sellerPrice;
    crossed.in[1] <== buyerPrice;
    (1 - crossed.out) * enabled === 0;

    // F5: quoteAmount at the maker's price, in range.
    signal quoteAmount <== baseAmount * parties[1][PRICE];
    component quoteBits = Num2Bits(AMOUNT_BITS());
    quoteBits.in <== quoteAmount;

    // F11: fee rates within each order's maxFeeRate; fee = floor(quoteAmount * rate / 10^6).
    component rateOk[2];
    component remBits[2];
    component remOk[2];
    signal fee[2];
    signal rem[2];
    for (var p = 0; p < 2; p++) {
        rateOk[p] = LessEqThan(FEE_RATE_BITS());
        rateOk[p].in[0] <== market[2 + p];
        rateOk[p].in[1] <== parties[p][MAX_FEE_RATE];
        (1 - rateOk[p].out) * enabled === 0;
        fee[p] <-- (quoteAmount * market[2 + p]) \ FEE_RATE_DENOMINATOR();
        rem[p] <-- (quoteAmount * market[2 + p]) % FEE_RATE_DENOMINATOR();
        fee[p] * FEE_RATE_DENOMINATOR() + rem[p] === quoteAmount * market[2 + p];
        remBits[p] = Num2Bits(20);
        remBits[p].in <== rem[p];
        remOk[p] = LessThan(20);
        remOk[p].in[0] <== rem[p];
        remOk[p].in[1] <== FEE_RATE_DENOMINATOR();
        remOk[p].out === 1;
    }
    fees <== fee[0] + fee[1];

    // Balance changes: the taker's base change is +baseAmount when it buys, the maker's the
    // opposite; each pays its own fee out of its quote change.
    signal sBase <== s * baseAmount;
    signal sQuote <== s * quoteAmount;
    changes[0][0] <== baseAmount - 2 * sBase;
    changes[1][0] <== -changes[0][0];
    changes[0][1] <== 2 * sQuote - quoteAmount - fee[0];
    changes[1][1] <== quoteAmount - 2 * sQuote - fee[1];

    // The record's fields in range of the trees (F9), and all zero for padding.
    component accountBits[2];
    component slotBits[2];
    component stepBits[2];
    for (var p = 0; p < 2; p++) {
        accountBits[p] = Num2Bits(2 * accountDepth);
        accountBits[p].in <== parties[p][ACCOUNT];
        slotBits[p] = Num2Bits(2 * orderDepth);
        slotBits[p].in <== parties[p][SLOT];
        stepBits[p] = Num2Bits(STORAGE_STEP_BITS());
        stepBits[p].in <== parties[p][STEP];
        parties[p][ACCOUNT] * isPadding.out === 0;
        parties[p][SLOT] * isPadding.out === 0;
        parties[p][STEP] * isPadding.out === 0;
    }
    s * isPadding.out === 0;
    ticks * isPadding.out === 0;
    for (var k = 0; k < marketBits; k++) marketIndexBits[k] * isPadding.out === 0;

    var o = 0;
    for (var p = 0; p < 2; p++) for (var k = 2 * accountDepth - 1; k >= 0; k--) { pubdata[o] <== accountBits[p].out[k]; o++; }
    for (var p = 0; p < 2; p++) for (var k = 2 * orderDepth - 1; k >= 0; k--) { pubdata[o] <== slotBits[p].out[k]; o++; }
    for (var p = 0; p < 2; p++) for (var k = STORAGE_STEP_BITS() - 1; k >= 0; k--) { pubdata[o] <== stepBits[p].out[k]; o++; }
    pubdata[o] <== s; o++;
    for (var k = 0; k < marketBits; k++) { pubdata[o] <== marketIndexBits[k]; o++; }
    for (var k = LOT_BITS() - 1; k >= 0; k--) { pubdata[o] <== lotBits.out[k]; o++; }
    for (var k = TICK_BITS() - 1; k >= 0; k--) { pubdata[o] <== tickBits.out[k]; o++; }
    assert(o == RECORD_BITS);
    for (var k = RECORD_BITS; k < RECORD_BYTES * 8; k++) pubdata[k] <== 0;
}
