pragma circom 2.1.9;

// Generated from src/prover/circuit-configs.ts by npm run build. Do not edit.
include "../Batch.circom";

component main {public [oldRoot, newRoot, header, domain, chunks]} = Batch(2, 2, 2, 36, 4, 10, 5, 7, 42, 28);
