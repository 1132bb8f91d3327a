import { ProofbookError, ValidationError } from "../errors.js";

type Rule = `D${1 | 2 | 3}` | `W${1 | 2 | 3 | 4}` | `C${1 | 2 | 3}`;

const KIND = { D: "deposit", W: "withdrawal", C: "cancel" } as const;

/** A deposit, withdrawal or cancel breaks one of the rules D1-D3 / W1-W4 / C1-C3 of docs/protocol.md §4. Raised before the state changes. */
export class TransactionRuleError extends ProofbookError {
  constructor(
    readonly rule: Rule,
    detail: string,
  ) {
    super(`${KIND[rule[0] as keyof typeof KIND]} rule ${rule}: ${detail}`);
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
