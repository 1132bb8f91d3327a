pragma circom 2.1.9;

include "EdDSAPoseidonCheck.circom";

// When enabled, checks an EdDSA-Poseidon signature (R8x, R8y, S) of M by the key (ax, ay).
// When disabled the verifier is fed the base point instead of the key, so that padding, whose key
// may be (0, 0) (not a curve point), needs no key.
template KeyedSignatureVerifier() {
    signal input enabled;
    signal input ax;
    signal input ay;
    signal input signature[3];
    signal input M;

    var B8x = 5299619240641551281634865583518297030282874472190772894086521144482721001553;
    var B8y = 16950150798460657717958625567821834550301663161624707787222815936182638968203;
    component sig = EdDSAPoseidonCheck();
    sig.enabled <== enabled;
    sig.Ax <== B8x + enabled * (ax - B8x);
    sig.Ay <== B8y + enabled * (ay - B8y);
    sig.R8x <== signature[0];
    sig.R8y <== signature[1];
    sig.S <== signature[2];
    sig.M <== M;
}
