pragma circom 2.1.9;

// Writes a record's leading type byte, most significant bit first: `txType` when enabled, 0 for
// padding (docs/protocol.md §6).
template RecordTypeBits(txType) {
    signal input enabled;
    signal output out[8];
    for (var k = 0; k < 8; k++) out[k] <== ((txType >> (7 - k)) & 1) * enabled;
}
