pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";
include "RecordTypeBits.circom";
include "SingleBalanceUpdate.circom";

// One deposit slot, rules D1-D4 of docs/protocol.md §4.2, moving the state from rootIn to rootOut.
// A deposit with amount = 0 is padding: its fields are zero and it changes nothing.
// Outputs its pubdata record (section 6) as DEPOSIT_PUBDATA_BYTES*8 bits, most significant first.
template DepositSettlement(accountDepth, balanceDepth) {
    signal input rootIn;
    // accountId, tokenId, amount, ax, ay
    signal input deposit[5];
    // the account before: key, nonce, the token's balance and path, the order tree's root
    signal input oldKey[2];
    signal input nonce;
    signal input balance;
    signal input balancePath[balanceDepth][3];
    signal input orderRoot;
    signal input accountPath[accountDepth][3];

    signal output rootOut;
    signal output pubdata[DEPOSIT_PUBDATA_BYTES() * 8];

    // D1: fields in range; account and token inside their trees.
    component account = Num2Bits(ACCOUNT_ID_BITS());
    account.in <== deposit[0];
    for (var k = 2 * accountDepth; k < ACCOUNT_ID_BITS(); k++) account.out[k] === 0;
    component token = Num2Bits(TOKEN_ID_BITS());
    token.in <== deposit[1];
    for (var k = 2 * balanceDepth; k < TOKEN_ID_BITS(); k++) token.out[k] === 0;
    component amount = Num2Bits(AMOUNT_BITS());
    amount.in <== deposit[2];
    component keyX = Num2Bits_strict();
    keyX.in <== deposit[3];
    component keyY = Num2Bits_strict();
    keyY.in <== deposit[4];

    component isPadding = IsZero();
    isPadding.in <== deposit[2];
    signal enabled <== 1 - isPadding.out;
    deposit[0] * isPadding.out === 0;
    deposit[1] * isPadding.out === 0;
    deposit[3] * isPadding.out === 0;

    // D2: a key (ax != 0) creates the account, whose key was (0, 0); ax = 0 means no key at all.
    component keyless = IsZero();
    keyless.in <== deposit[3];
    deposit[4] * keyless.out === 0;
    signal creates <== 1 - keyless.out;
    oldKey[0] * creates === 0;
    oldKey[1] * creates === 0;

    // D3, D4: the balance grows by the amount and stays below 2^96.
    signal newBalance <== balance + deposit[2];
    component balanceRange = Num2Bits(AMOUNT_BITS());
    balanceRange.in <== newBalance;

    component update = SingleBalanceUpdate(accountDepth, balanceDepth);
    update.rootIn <== rootIn;
    for (var k = 0; k < 2 * accountDepth; k++) update.accountBits[k] <== account.out[k];
    update.accountPath <== accountPath;
    for (var k = 0; k < 2 * balanceDepth; k++) update.tokenBits[k] <== token.out[k];
    update.balancePath <== balancePath;
    update.orderRoot <== orderRoot;
    update.balance <== [balance, newBalance];
    // When creating, the old key is zero, so the new key is the deposit's.
    update.ax <== [oldKey[0], oldKey[0] + deposit[3]];
    update.ay <== [oldKey[1], oldKey[1] + deposit[4]];
    update.nonce <== [nonce, nonce];
    rootOut <== update.rootOut;

    // The record.
    component typeBits = RecordTypeBits(TX_DEPOSIT());
    typeBits.enabled <== enabled;
    var o = 0;
    for (var k = 0; k < 8; k++) { pubdata[o] <== typeBits.out[k]; o++; }
    for (var k = ACCOUNT_ID_BITS() - 1; k >= 0; k--) { pubdata[o] <== account.out[k]; o++; }
    for (var k = TOKEN_ID_BITS() - 1; k >= 0; k--) { pubdata[o] <== token.out[k]; o++; }
    for (var k = AMOUNT_BITS() - 1; k >= 0; k--) { pubdata[o] <== amount.out[k]; o++; }
    for (var k = 0; k < 2; k++) { pubdata[o] <== 0; o++; }
    for (var k = 253; k >= 0; k--) { pubdata[o] <== keyX.out[k]; o++; }
    for (var k = 0; k < 2; k++) { pubdata[o] <== 0; o++; }
    for (var k = 253; k >= 0; k--) { pubdata[o] <== keyY.out[k]; o++; }
    assert(o == DEPOSIT_PUBDATA_BYTES() * 8);
}
