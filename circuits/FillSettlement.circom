pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";
include "OrderVerifier.circom";
include "OrderSlotUpdate.circom";
include "AccountUpdate.circom";

// One fill between a taker order (index 0) and a maker order (index 1), rules F1-F11 of
// docs/protocol.md §4, moving the state from rootIn to rootOut. The fill's market record (chosen by
// MarketSelect) gives the pair, each party's fee rate and the scale: baseAmount = lots * lotPow,
// the maker's price = ticks * tickPow. Each party pays a fee in the quote token at its rate; `fees`
// outputs both fees' sum for the market section. A fill with lots = 0 is padding: it is disabled,
// changes nothing and its pubdata record is all zero. Outputs the fill's record (docs/protocol.md §6)
// as bits, most significant first, zero-padded to whole bytes.
template FillSettlement(accountDepth, balanceDepth, orderDepth, marketBits) {
    var RECORD_BITS = 4 * accountDepth + 4 * orderDepth + 2 * STORAGE_STEP_BITS() + 1 + marketBits + LOT_BITS() + TICK_BITS();
    var RECORD_BYTES = (RECORD_BITS + 7) \ 8;
    signal input rootIn;
    // from the batch header: the deployment's domain separator and the batch timestamp
    signal input domain;
    signal input timestamp;
    signal input orders[2][9];
    signal input signatures[2][3];
    signal input lots;
    signal input ticks;
    // the fill's market record: baseToken, quoteToken, takerFeeRate, makerFeeRate (range checked by
    // MarketSection), 10^lotExponent, 10^tickExponent; and its index's bits as published
    signal input market[6];
    signal input marketIndexBits[marketBits];
    signal input keys[2][2];
    signal input nonces[2];
    signal input accountPaths[2][accountDepth][3];
    // [party][0 = base, 1 = quote]: balances before the fill
    signal input balances[2][2];
    signal input balancePaths[2][2][balanceDepth][3];
    // [party][0 = slot storage id, 1 = slot filled]: the order slot before the fill
    signal input slots[2][2];
    signal input slotPaths[2][orderDepth][3];

    signal output rootOut;
    // taker fee + maker fee, in the quote token
    signal output fees;
    // 1 for a fill, 0 for padding
    signal output enabled;
    signal output pubdata[RECORD_BYTES * 8];

    var ACCOUNT = 0; var STORAGE = 1; var BASE = 2; var QUOTE = 3; var SIDE = 4; var VALID_UNTIL = 5; var MAX_FEE_RATE = 6; var AMOUNT = 7; var PRICE = 8;

    // F5: the fill amount in lots of its scale, and enabled = (lots != 0).
    component lotBits = Num2Bits(LOT_BITS());
    lotBits.in <== lots;
    component tickBits = Num2Bits(TICK_BITS());
    tickBits.in <== ticks;
    signal baseAmount <== lots * market[4];
    component fillBits = Num2Bits(AMOUNT_BITS());
    fillBits.in <== baseAmount;
    component isPadding = IsZero();
    isPadding.in <== lots;
    enabled <== 1 - isPadding.out;
    // The maker's price is ticks of its scale.
    signal makerPrice <== ticks * market[5];
    (orders[1][PRICE] - makerPrice) * enabled === 0;

    // F1: fields in range and signatures by the accounts' keys.
    component verify[2];
    for (var p = 0; p < 2; p++) {
        verify[p] = OrderVerifier();
        verify[p].enabled <== enabled;
        verify[p].order <== orders[p];
        verify[p].domain <== domain;
        verify[p].signature <== signatures[p];
        verify[p].ax <== keys[p][0];
        verify[p].ay <== keys[p][1];
        // Accounts and slots lie inside their trees.
        for (var k = 2 * accountDepth; k < ACCOUNT_ID_BITS(); k++) verify[p].accountBits[k] === 0;
    }
    // The balance paths use the taker's tokens; F2 makes them the maker's too.
    for (var k = 2 * balanceDepth; k < TOKEN_ID_BITS(); k++) {
        verify[0].baseBits[k] === 0;
        verify[0].quoteBits[k] === 0;
    }

    // F2: both orders trade the market record's pair (MarketSection: two different tokens).
    for (var p = 0; p < 2; p++) {
        (orders[p][BASE] - market[0]) * enabled === 0;
        (orders[p][QUOTE] - market[1]) * enabled === 0;
    }

    // F3: opposite sides.
    (orders[0][SIDE] + orders[1][SIDE] - 1) * enabled === 0;

    // F10: both orders are still valid at the batch timestamp (the caller range checks it;
    // OrderVerifier range checks validUntil).
    component live[2];
    for (var p = 0; p < 2; p++) {
        live[p] = LessEqThan(TIMESTAMP_BITS());
        live[p].in[0] <== timestamp;
        live[p].in[1] <== orders[p][VALID_UNTIL];
        (1 - live[p].out) * enabled === 0;
    }

    // F4: prices are positive; buyer.price >= seller.price; s = 1 when the taker sells.
    component zeroPrice[2];
    for (var p = 0; p < 2; p++) {
        zeroPrice[p] = IsZero();
        zeroPrice[p].in <== orders[p][PRICE];
        zeroPrice[p].out * enabled === 0;
    }
    signal s <== orders[0][SIDE];
    signal buyerPrice <== orders[0][PRICE] + s * (orders[1][PRICE] - orders[0][PRICE]);
    signal sellerPrice <== orders[0][PRICE] + orders[1][PRICE] - buyerPrice;
    component crossed = LessEqThan(AMOUNT_BITS());
    crossed.in[0] <== sellerPrice;
    crossed.in[1] <== buyerPrice;
    (1 - crossed.out) * enabled === 0;

    // F5: quoteAmount at the maker's price, in range.
    signal quoteAmount <== baseAmount * orders[1][PRICE];
    component quoteBits = Num2Bits(AMOUNT_BITS());
    quoteBits.in <== quoteAmount;

    // F11: fee rates within each order's maxFeeRate; fee = floor(quoteAmount * rate / 10^6). A fee
    // other than the floor leaves a remainder outside [0, 10^6) or wraps a balance out of range.
    component rateOk[2];
    component remBits[2];
    component remOk[2];
    signal fee[2];
    signal rem[2];
    for (var p = 0; p < 2; p++) {
        rateOk[p] = LessEqThan(FEE_RATE_BITS());
        rateOk[p].in[0] <== market[2 + p];
        rateOk[p].in[1] <== orders[p][MAX_FEE_RATE];
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

    // Balance changes of the taker (the maker's base change is the opposite); each party pays its
    // own fee out of its quote change.
    signal sBase <== s * baseAmount;
    signal sQuote <== s * quoteAmount;
    signal takerBaseDelta <== baseAmount - 2 * sBase;
    signal takerQuoteDelta <== 2 * sQuote - quoteAmount;

    // F6: order slots.
    component slot[2];
    for (var p = 0; p < 2; p++) {
        slot[p] = OrderSlotUpdate(orderDepth);
        slot[p].enabled <== enabled;
        slot[p].slotStorageId <== slots[p][0];
        slot[p].slotFilled <== slots[p][1];
        slot[p].storageBits <== verify[p].storageBits;
        slot[p].amount <== orders[p][AMOUNT];
        slot[p].fill <== baseAmount;
    }

    // F7, F8: taker, then maker.
    component account[2];
    for (var p = 0; p < 2; p++) {
        account[p] = AccountUpdate(accountDepth, balanceDepth, orderDepth);
        account[p].rootIn <== p == 0 ? rootIn : account[0].rootOut;
        for (var k = 0; k < 2 * accountDepth; k++) account[p].accountBits[k] <== verify[p].accountBits[k];
        account[p].accountPath <== accountPaths[p];
        account[p].ax <== keys[p][0];
        account[p].ay <== keys[p][1];
        account[p].nonce <== nonces[p];
        for (var k = 0; k < 2 * balanceDepth; k++) {
            account[p].baseBits[k] <== verify[0].baseBits[k];
            account[p].quoteBits[k] <== verify[0].quoteBits[k];
        }
        account[p].baseBalance <== balances[p][0];
        account[p].quoteBalance <== balances[p][1];
        account[p].baseDelta <== p == 0 ? takerBaseDelta : -takerBaseDelta;
        account[p].quoteDelta <== (p == 0 ? takerQuoteDelta : -takerQuoteDelta) - fee[p];
        account[p].basePath <== balancePaths[p][0];
        account[p].quotePath <== balancePaths[p][1];
        for (var k = 0; k < 2 * orderDepth; k++) account[p].slotBits[k] <== verify[p].storageBits[k];
        account[p].slotOldLeaf <== slot[p].oldLeaf;
        account[p].slotNewLeaf <== slot[p].newLeaf;
        account[p].slotPath <== slotPaths[p];
    }
    rootOut <== account[1].rootOut;

    // F9: the pubdata record. Padding must carry zero fields (lots is 0, the step bits are).
    for (var p = 0; p < 2; p++) {
        orders[p][ACCOUNT] * isPadding.out === 0;
        orders[p][STORAGE] * isPadding.out === 0;
    }
    s * isPadding.out === 0;
    ticks * isPadding.out === 0;
    for (var k = 0; k < marketBits; k++) marketIndexBits[k] * isPadding.out === 0;

    var o = 0;
    for (var p = 0; p < 2; p++) for (var k = 2 * accountDepth - 1; k >= 0; k--) { pubdata[o] <== verify[p].accountBits[k]; o++; }
    for (var p = 0; p < 2; p++) for (var k = 2 * orderDepth - 1; k >= 0; k--) { pubdata[o] <== verify[p].storageBits[k]; o++; }
    for (var p = 0; p < 2; p++) for (var k = 0; k < STORAGE_STEP_BITS(); k++) { pubdata[o] <== slot[p].stepBits[k]; o++; }
    pubdata[o] <== s; o++;
    for (var k = 0; k < marketBits; k++) { pubdata[o] <== marketIndexBits[k]; o++; }
    for (var k = LOT_BITS() - 1; k >= 0; k--) { pubdata[o] <== lotBits.out[k]; o++; }
    for (var k = TICK_BITS() - 1; k >= 0; k--) { pubdata[o] <== tickBits.out[k]; o++; }
    assert(o == RECORD_BITS);
    for (var k = RECORD_BITS; k < RECORD_BYTES * 8; k++) pubdata[k] <== 0;
}
