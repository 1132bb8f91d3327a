pragma circom 2.1.9;

// Generated from src/prover/circuit-configs.ts by npm run build. Do not edit.
include "../Batch.circom";

component main {public [oldRoot, newRoot, header, domain, chunks]} = Batch(0, 0, 0, 1, 1, 2, 1, 1, 0, 0);
