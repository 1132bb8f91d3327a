import type { BatchShape } from "../batch/pubdata.js";
import type { StateDims } from "../state/account.js";
import { ValidationError } from "../errors.js";

/** One instance of the batch circuit: slots of each transaction type per batch, and tree depths. */
export interface CircuitConfig extends StateDims, BatchShape {
  /** Name of the circuits/main/<name>.circom instance and of its artifacts. */
  name: string;
}

/**
 * The configurations in use. `test` is the smallest meaningful one; `demo` drives the demo and the
 * bench; `production` has the state of a real exchange (2^20 accounts, 2^10 tokens, 2^14 order
 * slots per account). `npm run build` builds only test and demo unless asked: production's trusted
 * setup needs a ceremony file, and its batch size is settled by the settlement-cost work.
 */
export const CIRCUIT_CONFIGS = {
  test: { name: "batch_test", nDeposits: 1, nWithdrawals: 1, nCancels: 1, nFills: 1, nMarkets: 1, accountDepth: 2, balanceDepth: 1, orderDepth: 1 },
  demo: { name: "batch_demo", nDeposits: 3, nWithdrawals: 1, nCancels: 1, nFills: 2, nMarkets: 1, accountDepth: 2, balanceDepth: 1, orderDepth: 2 },
  // One fill slot and nothing else (18,112 constraints, a 2^15 domain): the test that runs a real
  // phase-2 contribution (test/prover/setup.test.ts) needs a circuit, not a big one.
  setup: { name: "batch_setup", nDeposits: 0, nWithdrawals: 0, nCancels: 0, nFills: 1, nMarkets: 1, accountDepth: 2, balanceDepth: 1, orderDepth: 1 },
  production: { name: "batch_production", nDeposits: 4, nWithdrawals: 4, nCancels: 2, nFills: 16, nMarkets: 4, accountDepth: 10, balanceDepth: 5, orderDepth: 7 },
  // The production state with as many fills as a 2^20 batch (what circom2, WASM, compiles here)
  // takes on the realistic flow, settled through rows (docs/protocol.md §4.5): 36 fills, 42 order
  // rows, 28 account rows; the largest batch, for the settlement-cost bench (§7). Dev setup only.
  large: { name: "batch_large", nDeposits: 2, nWithdrawals: 2, nCancels: 2, nFills: 36, nOrderRows: 42, nAccountRows: 28, nMarkets: 4, accountDepth: 10, balanceDepth: 5, orderDepth: 7 },
  // The production state (2^20 accounts, 2^14 order slots each) with a small batch: the operator
  // node's intake bench (docs/protocol.md §11) needs the real state layout, not a big batch.
  intake: { name: "batch_intake", nDeposits: 4, nWithdrawals: 1, nCancels: 1, nFills: 1, nMarkets: 1, accountDepth: 10, balanceDepth: 5, orderDepth: 7 },
  // The netted fill section (docs/protocol.md §4.5) on the demo's depths: 3 fills through 5 order
  // rows and 4 account rows. The other configurations still settle fill by fill (FillSettlement).
  netted: { name: "batch_netted", nDeposits: 1, nWithdrawals: 1, nCancels: 1, nFills: 3, nOrderRows: 5, nAccountRows: 4, nMarkets: 1, accountDepth: 2, balanceDepth: 1, orderDepth: 2 },
} as const satisfies Record<string, CircuitConfig>;

export type CircuitConfigName = keyof typeof CIRCUIT_CONFIGS;

/** What `npm run build` builds when no --circuit is given. */
export const DEFAULT_BUILD: readonly CircuitConfigName[] = ["test", "demo"];

export function circuitConfig(name: string): CircuitConfig {
  const config = (CIRCUIT_CONFIGS as Record<string, CircuitConfig>)[name];
  if (!config) throw new ValidationError("circuit", `must be one of ${Object.keys(CIRCUIT_CONFIGS).join(", ")}`, name);
  return config;
}

/** circuits/main/<name>.circom: only the parameterised main component. */
export function renderMain(config: CircuitConfig): string {
  return `pragma circom 2.1.9;

// Generated from src/prover/circuit-configs.ts by npm run build. Do not edit.
include "../Batch.circom";

component main {public [oldRoot, newRoot, header, domain, chunks]} = Batch(${config.nDeposits}, ${config.nWithdrawals}, ${config.nCancels}, ${config.nFills}, ${config.nMarkets}, ${config.accountDepth}, ${config.balanceDepth}, ${config.orderDepth}, ${config.nOrderRows ?? 0}, ${config.nAccountRows ?? 0});
`;
}
