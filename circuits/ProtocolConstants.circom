pragma circom 2.1.9;

// Generated from src/constants.ts by npm run build. Do not edit.

function ACCOUNT_ID_BITS() { return 32; }
function STORAGE_ID_BITS() { return 32; }
function TOKEN_ID_BITS() { return 16; }
function AMOUNT_BITS() { return 96; }
function BATCH_NUMBER_BITS() { return 32; }
function FILL_PUBDATA_BYTES() { return 45; }
function PUBDATA_CHUNK_BYTES() { return 31; }
function HASH_INPUTS() { return 6; }
function FIRST_HASH_CHUNKS() { return 3; }
function CHUNKS_PER_HASH() { return 5; }
