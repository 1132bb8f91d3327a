pragma circom 2.1.9;

// Generated from src/constants.ts by npm run build. Do not edit.

function ACCOUNT_ID_BITS() { return 32; }
function STORAGE_ID_BITS() { return 32; }
function TOKEN_ID_BITS() { return 16; }
function AMOUNT_BITS() { return 96; }
function BATCH_NUMBER_BITS() { return 32; }
function TIMESTAMP_BITS() { return 32; }
function FEE_RATE_BITS() { return 16; }
function FEE_RATE_DENOMINATOR() { return 1000000; }
function BATCH_TIMESTAMP_WINDOW() { return 86400; }
function NONCE_BITS() { return 32; }
function TX_PADDING() { return 0; }
function TX_DEPOSIT() { return 2; }
function TX_WITHDRAWAL() { return 3; }
function TX_FORCED_WITHDRAWAL() { return 4; }
function DEPOSIT_PUBDATA_BYTES() { return 83; }
function WITHDRAWAL_PUBDATA_BYTES() { return 19; }
function MARKET_PUBDATA_BYTES() { return 22; }
function STORAGE_STEP_BITS() { return 2; }
function LOT_BITS() { return 27; }
function TICK_BITS() { return 26; }
function EXPONENT_BITS() { return 5; }
function WITHDRAWAL_TAG() { return 1461501637330902918203684832716283019655932542976; }
function CANCEL_TAG() { return 2923003274661805836407369665432566039311865085952; }
function FULLY_FILLED() { return 79228162514264337593543950335; }
function PUBDATA_CHUNK_BYTES() { return 31; }
function HEADER_INPUTS() { return 4; }
