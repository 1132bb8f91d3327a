pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/poseidon.circom";

// The signed message of an order (docs/protocol.md §3): H(packed, amount, price) with
// packed = accountId + storageId*2^32 + baseToken*2^64 + quoteToken*2^80 + side*2^96.
// The caller range checks every field, which makes the packing injective.
template OrderHash() {
    signal input accountId;
    signal input storageId;
    signal input baseToken;
    signal input quoteToken;
    signal input side;
    signal input amount;
    signal input price;
    signal output out;

    component h = Poseidon(3);
    h.inputs[0] <== accountId + storageId * (1 << 32) + baseToken * (1 << 64) + quoteToken * (1 << 80) + side * (1 << 96);
    h.inputs[1] <== amount;
    h.inputs[2] <== price;
    out <== h.out;
}
