import { ProofbookError, ValidationError } from "../errors.js";

type Rule = `D${1 | 2 | 3}` | `W${1 | 2 | 3 | 4}`;

/** A deposit or withdrawal breaks one of the rules D1-D3 / W1-W4 of docs/protocol.md §4. Raised before the state changes. */
export class TransactionRuleError extends ProofbookError {
  constructor(
    readonly rule: Rule,
    detail: string,
  ) {
    super(`${rule.startsWith("D") ? "deposit" : "withdrawal"} rule ${rule}: ${detail}`);
  }
}

/** Runs `check`, turning a ValidationError (a field out of range or outside the trees) into a breach of `rule`. */
export function underRule<T>(rule: Rule, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof ValidationError) throw new TransactionRuleError(rule, e.message);
    throw e;
  }
}
