import { createHash } from "node:crypto";
import { SNARK_FIELD } from "../constants.js";

/** The toxic waste of a Groth16 setup: tau (both phases), alpha and beta (phase 1); delta stays 1. */
export interface DevSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
}

/**
 * The INSECURE dev setup's secrets, derived from public strings: anyone can forge proofs under a
 * setup built from them (docs/protocol.md §10).
 */
export const DEV_SECRETS: DevSecrets = {
  tau: derive("tau"),
  alpha: derive("alpha"),
  beta: derive("beta"),
};

function derive(name: string): bigint {
  const digest = createHash("sha256").update(`proofbook INSECURE dev setup: ${name}`).digest("hex");
  return BigInt(`0x${digest}`) % SNARK_FIELD;
}
