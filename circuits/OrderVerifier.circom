pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "KeyedSignatureVerifier.circom";
include "ProtocolConstants.circom";
include "OrderHash.circom";

// Range checks an order's fields (docs/protocol.md §3), outputs their bits (least significant
// first) and its hash, and when enabled checks its EdDSA-Poseidon signature for `domain` against
// the key (ax, ay) (rule F1).
template OrderVerifier() {
    signal input enabled;
    // accountId, storageId, baseToken, quoteToken, side, validUntil, maxFeeRate, amount, price
    signal input order[9];
    signal input domain;
    // R8x, R8y, S
    signal input signature[3];
    signal input ax;
    signal input ay;

    signal output accountBits[ACCOUNT_ID_BITS()];
    signal output storageBits[STORAGE_ID_BITS()];
    signal output baseBits[TOKEN_ID_BITS()];
    signal output quoteBits[TOKEN_ID_BITS()];
    signal output hash;

    component account = Num2Bits(ACCOUNT_ID_BITS());
    account.in <== order[0];
    accountBits <== account.out;
    component storage = Num2Bits(STORAGE_ID_BITS());
    storage.in <== order[1];
    storageBits <== storage.out;
    component base = Num2Bits(TOKEN_ID_BITS());
    base.in <== order[2];
    baseBits <== base.out;
    component quote = Num2Bits(TOKEN_ID_BITS());
    quote.in <== order[3];
    quoteBits <== quote.out;
    order[4] * (order[4] - 1) === 0;
    component validUntil = Num2Bits(TIMESTAMP_BITS());
    validUntil.in <== order[5];
    component maxFeeRate = Num2Bits(FEE_RATE_BITS());
    maxFeeRate.in <== order[6];
    component amount = Num2Bits(AMOUNT_BITS());
    amount.in <== order[7];
    component price = Num2Bits(AMOUNT_BITS());
    price.in <== order[8];

    component orderHash = OrderHash();
    orderHash.accountId <== order[0];
    orderHash.storageId <== order[1];
    orderHash.baseToken <== order[2];
    orderHash.quoteToken <== order[3];
    orderHash.side <== order[4];
    orderHash.validUntil <== order[5];
    orderHash.maxFeeRate <== order[6];
    orderHash.amount <== order[7];
    orderHash.price <== order[8];
    orderHash.domain <== domain;
    hash <== orderHash.out;

    component sig = KeyedSignatureVerifier();
    sig.enabled <== enabled;
    sig.ax <== ax;
    sig.ay <== ay;
    sig.signature <== signature;
    sig.M <== orderHash.out;
}
