pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/poseidon.circom";

// The signed message of an order (docs/protocol.md §3): H(packed, amount, price, domain) with
// packed = accountId + storageId*2^32 + baseToken*2^64 + quoteToken*2^80 + side*2^96
//        + validUntil*2^97 + maxFeeRate*2^129.
// The caller range checks every field, which makes the packing injective.
template OrderHash() {
    signal input accountId;
    signal input storageId;
    signal input baseToken;
    signal input quoteToken;
    signal input side;
    signal input validUntil;
    signal input maxFeeRate;
    signal input amount;
    signal input price;
    signal input domain;
    signal output out;

    component h = Poseidon(4);
    h.inputs[0] <== accountId + storageId * (1 << 32) + baseToken * (1 << 64) + quoteToken * (1 << 80) + side * (1 << 96)
        + validUntil * (1 << 97) + maxFeeRate * (1 << 129);
    h.inputs[1] <== amount;
    h.inputs[2] <== price;
    h.inputs[3] <== domain;
    out <== h.out;
}
