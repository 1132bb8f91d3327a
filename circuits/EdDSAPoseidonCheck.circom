pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/babyjub.circom";
include "../node_modules/circomlib/circuits/escalarmulany.circom";
include "../node_modules/circomlib/circuits/escalarmulfix.circom";

// When enabled, checks an EdDSA-Poseidon signature (R8, S) of M by the key A, as circomlibjs signs
// it: S*B8 = R8 + (8*h)*A with h = H(R8x, R8y, Ax, Ay, M). The same equation as circomlib's
// EdDSAPoseidonVerifier, without its check S < l (the order of B8): S*B8 = (S mod l)*B8, so an S
// at or above l verifies exactly when S mod l does. That check only rules out a second encoding of
// a valid signature (malleability); proofbook never uses a signature as an identifier, and it
// costs ~260 constraints per signature.
template EdDSAPoseidonCheck() {
    signal input enabled;
    signal input Ax;
    signal input Ay;
    signal input S;
    signal input R8x;
    signal input R8y;
    signal input M;

    component sBits = Num2Bits(253);
    sBits.in <== S;

    component hash = Poseidon(5);
    hash.inputs <== [R8x, R8y, Ax, Ay, M];
    component hBits = Num2Bits_strict();
    hBits.in <== hash.out;

    // 8*A: the cofactor cleared; a key whose 8-multiple has x = 0 signs nothing.
    component dbl[3];
    for (var i = 0; i < 3; i++) {
        dbl[i] = BabyDbl();
        dbl[i].x <== i == 0 ? Ax : dbl[i - 1].xout;
        dbl[i].y <== i == 0 ? Ay : dbl[i - 1].yout;
    }
    component zeroKey = IsZero();
    zeroKey.in <== dbl[2].xout;
    zeroKey.out * enabled === 0;

    component hA = EscalarMulAny(254);
    hA.e <== hBits.out;
    hA.p[0] <== dbl[2].xout;
    hA.p[1] <== dbl[2].yout;

    component right = BabyAdd();
    right.x1 <== R8x;
    right.y1 <== R8y;
    right.x2 <== hA.out[0];
    right.y2 <== hA.out[1];

    var B8[2] = [
        5299619240641551281634865583518297030282874472190772894086521144482721001553,
        16950150798460657717958625567821834550301663161624707787222815936182638968203
    ];
    component left = EscalarMulFix(253, B8);
    left.e <== sBits.out;

    component eqX = ForceEqualIfEnabled();
    eqX.enabled <== enabled;
    eqX.in <== [left.out[0], right.xout];
    component eqY = ForceEqualIfEnabled();
    eqY.enabled <== enabled;
    eqY.in <== [left.out[1], right.yout];
}
