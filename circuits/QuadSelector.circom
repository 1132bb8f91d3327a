pragma circom 2.1.9;

// Places `in` among its three siblings at position idx = bits[0] + 2*bits[1] of a 4-ary node.
// Siblings are given in order with the current position left out. `bits` must be boolean (the
// caller takes them from Num2Bits).
template QuadSelector() {
    signal input in;
    signal input siblings[3];
    signal input bits[2];
    signal output out[4];

    signal e3 <== bits[0] * bits[1];
    signal e0 <== 1 - bits[0] - bits[1] + e3;
    signal e1 <== bits[0] - e3;
    signal e2 <== bits[1] - e3;

    out[0] <== siblings[0] + e0 * (in - siblings[0]);

    signal a1 <== e1 * in;
    signal b1 <== e0 * siblings[0];
    signal c1 <== bits[1] * siblings[1];
    out[1] <== a1 + b1 + c1;

    signal a2 <== e2 * in;
    signal b2 <== (1 - bits[1]) * siblings[1];
    signal c2 <== e3 * siblings[2];
    out[2] <== a2 + b2 + c2;

    out[3] <== siblings[2] + e3 * (in - siblings[2]);
}
