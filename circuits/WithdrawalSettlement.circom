pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "../node_modules/circomlib/circuits/poseidon.circom";
include "ProtocolConstants.circom";
include "KeyedSignatureVerifier.circom";
include "RecordTypeBits.circom";
include "SingleBalanceUpdate.circom";

// One withdrawal slot, rules W1-W8 of docs/protocol.md §4.3, moving the state from rootIn to
// rootOut: a signed withdrawal (forced = 0, amount != 0), a forced one (forced = 1: the whole
// balance, no signature, nonce unchanged) or padding (neither: all fields zero, changes nothing).
// Outputs its pubdata record (section 6) as WITHDRAWAL_PUBDATA_BYTES*8 bits, most significant first.
template WithdrawalSettlement(accountDepth, balanceDepth) {
    signal input rootIn;
    // the deployment's domain separator (docs/protocol.md §3), from the batch header
    signal input domain;
    // accountId, tokenId, nonce, amount, forced
    signal input withdrawal[5];
    // R8x, R8y, S
    signal input signature[3];
    // the account before: key, the token's balance and path, the order tree's root
    signal input key[2];
    signal input balance;
    signal input balancePath[balanceDepth][3];
    signal input orderRoot;
    signal input accountPath[accountDepth][3];

    signal output rootOut;
    signal output pubdata[WITHDRAWAL_PUBDATA_BYTES() * 8];

    // W1: fields in range; account and token inside their trees.
    component account = Num2Bits(ACCOUNT_ID_BITS());
    account.in <== withdrawal[0];
    for (var k = 2 * accountDepth; k < ACCOUNT_ID_BITS(); k++) account.out[k] === 0;
    component token = Num2Bits(TOKEN_ID_BITS());
    token.in <== withdrawal[1];
    for (var k = 2 * balanceDepth; k < TOKEN_ID_BITS(); k++) token.out[k] === 0;
    component nonce = Num2Bits(NONCE_BITS());
    nonce.in <== withdrawal[2];
    component amount = Num2Bits(AMOUNT_BITS());
    amount.in <== withdrawal[3];

    signal forced <== withdrawal[4];
    forced * (forced - 1) === 0;
    component zeroAmount = IsZero();
    zeroAmount.in <== withdrawal[3];
    signal signed <== (1 - zeroAmount.out) * (1 - forced);
    signal enabled <== signed + forced;
    signal isPadding <== 1 - enabled;
    withdrawal[0] * isPadding === 0;
    withdrawal[1] * isPadding === 0;
    withdrawal[2] * isPadding === 0;

    // W2: a signed withdrawal is signed by the account's key.
    component message = Poseidon(4);
    message.inputs <== [WITHDRAWAL_TAG(), withdrawal[0] + withdrawal[1] * (1 << 32) + withdrawal[2] * (1 << 48), withdrawal[3], domain];
    component sig = KeyedSignatureVerifier();
    sig.enabled <== signed;
    sig.ax <== key[0];
    sig.ay <== key[1];
    sig.signature <== signature;
    sig.M <== message.out;

    // W3, W7: the nonce is the account's (it is in the old leaf); a signed withdrawal adds one.
    signal newNonce <== withdrawal[2] + signed;
    component nonceRange = Num2Bits(NONCE_BITS());
    nonceRange.in <== newNonce;

    // W4: the balance can pay.
    signal newBalance <== balance - withdrawal[3];
    component balanceRange = Num2Bits(AMOUNT_BITS());
    balanceRange.in <== newBalance;
    // W6: a forced withdrawal takes the whole balance.
    forced * newBalance === 0;

    // W5
    component update = SingleBalanceUpdate(accountDepth, balanceDepth);
    update.rootIn <== rootIn;
    for (var k = 0; k < 2 * accountDepth; k++) update.accountBits[k] <== account.out[k];
    update.accountPath <== accountPath;
    for (var k = 0; k < 2 * balanceDepth; k++) update.tokenBits[k] <== token.out[k];
    update.balancePath <== balancePath;
    update.orderRoot <== orderRoot;
    update.balance <== [balance, newBalance];
    update.ax <== [key[0], key[0]];
    update.ay <== [key[1], key[1]];
    update.nonce <== [withdrawal[2], newNonce];
    rootOut <== update.rootOut;

    component signedType = RecordTypeBits(TX_WITHDRAWAL());
    signedType.enabled <== signed;
    component forcedType = RecordTypeBits(TX_FORCED_WITHDRAWAL());
    forcedType.enabled <== forced;
    var o = 0;
    for (var k = 0; k < 8; k++) { pubdata[o] <== signedType.out[k] + forcedType.out[k]; o++; }
    for (var k = ACCOUNT_ID_BITS() - 1; k >= 0; k--) { pubdata[o] <== account.out[k]; o++; }
    for (var k = TOKEN_ID_BITS() - 1; k >= 0; k--) { pubdata[o] <== token.out[k]; o++; }
    for (var k = AMOUNT_BITS() - 1; k >= 0; k--) { pubdata[o] <== amount.out[k]; o++; }
    assert(o == WITHDRAWAL_PUBDATA_BYTES() * 8);
}
