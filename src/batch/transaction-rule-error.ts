import { ProofbookError } from "../errors.js";

/** A deposit or withdrawal breaks one of the rules D1-D4 / W1-W5 of docs/protocol.md §4. Raised before the state changes. */
export class TransactionRuleError extends ProofbookError {
  constructor(
    readonly rule: `D${1 | 2 | 3 | 4}` | `W${1 | 2 | 3 | 4 | 5}`,
    detail: string,
  ) {
    super(`${rule.startsWith("D") ? "deposit" : "withdrawal"} rule ${rule}: ${detail}`);
  }
}
