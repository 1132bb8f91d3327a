import { ProofbookError } from "../errors.js";

/** A circuit failed to compile, or its artifacts are missing. */
export class CircuitBuildError extends ProofbookError {}

/** The trusted setup failed or was refused. */
export class SetupError extends ProofbookError {}

/** The artifacts come from the INSECURE dev setup and dev use was not allowed. */
export class InsecureSetupError extends ProofbookError {
  constructor(circuit: string, detail = "refusing the INSECURE dev setup outside dev use; build with --ptau FILE or pass allowInsecureDevSetup (PROOFBOOK_DEV_SETUP=1)") {
    super(`${circuit}: ${detail}`);
  }
}

/** A witness could not be computed (the batch breaks a circuit rule) or a proof did not verify. */
export class ProofError extends ProofbookError {}
