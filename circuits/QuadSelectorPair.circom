pragma circom 2.1.9;

// QuadSelector for two values at the same position among the same three siblings (the old and the
// new leaf of one Merkle update): the products of siblings and position bits are shared, which
// saves 5 of QuadSelector's 9 constraints per level of the second value.
template QuadSelectorPair() {
    signal input in[2];
    signal input siblings[3];
    signal input bits[2];
    signal output out[2][4];

    signal e3 <== bits[0] * bits[1];
    signal e0 <== 1 - bits[0] - bits[1] + e3;
    signal e1 <== bits[0] - e3;
    signal e2 <== bits[1] - e3;

    // Shared: what the siblings contribute to children 1 and 2.
    signal b1 <== e0 * siblings[0];
    signal c1 <== bits[1] * siblings[1];
    signal b2 <== (1 - bits[1]) * siblings[1];
    signal c2 <== e3 * siblings[2];

    signal a1[2];
    signal a2[2];
    for (var v = 0; v < 2; v++) {
        out[v][0] <== siblings[0] + e0 * (in[v] - siblings[0]);
        a1[v] <== e1 * in[v];
        out[v][1] <== a1[v] + b1 + c1;
        a2[v] <== e2 * in[v];
        out[v][2] <== a2[v] + b2 + c2;
        out[v][3] <== siblings[2] + e3 * (in[v] - siblings[2]);
    }
}
