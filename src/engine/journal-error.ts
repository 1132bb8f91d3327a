import { ProofbookError } from "../errors.js";

/** A journal the engine cannot apply: a sequence gap, time going backwards, an unknown input type. */
export class JournalError extends ProofbookError {}
