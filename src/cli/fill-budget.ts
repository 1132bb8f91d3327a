import { join } from "node:path";
import { CIRCUITS_DIR, ROOT } from "../prover/artifacts.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import { templateConstraints } from "../prover/template-constraints.js";

/** One template's measured constraints at a configuration's depths. */
export interface TemplateCost {
  template: string;
  constraints: number;
}

/**
 * The realistic flow of docs/protocol.md §4.5 per batch of `fills` fills: each taker order fills
 * 1.5 maker orders, each maker order is filled twice in the batch, four market makers quote.
 */
export function realisticRows(fills: number): { orderRows: number; accountRows: number } {
  const takerOrders = Math.ceil(fills / 1.5);
  const makerOrders = Math.ceil(fills / 2);
  return { orderRows: takerOrders + makerOrders, accountRows: takerOrders + 4 };
}

/**
 * The measured parts of today's fill and of the netted design's rows (docs/protocol.md §4.5), each
 * template compiled alone at `config`'s depths (circom --O2), and the design's constraints per fill
 * on the realistic flow and in the worst case (every fill with two new orders and two new accounts).
 */
export async function fillBudget(config: CircuitConfig, log: (m: string) => void) {
  const { accountDepth: a, balanceDepth: b, orderDepth: o } = config;
  const marketBits = Math.log2(config.nMarkets);
  const measure = async (file: string, main: string): Promise<TemplateCost> => {
    log(`compiling ${main} ...`);
    return { template: main, constraints: await templateConstraints(file, main) };
  };
  const circuit = (name: string) => join(CIRCUITS_DIR, `${name}.circom`);
  const rows = [
    await measure(circuit("FillSettlement"), `FillSettlement(${a}, ${b}, ${o}, ${marketBits})`),
    await measure(circuit("AccountUpdate"), `AccountUpdate(${a}, ${b}, ${o})`),
    await measure(circuit("OrderVerifier"), "OrderVerifier()"),
    await measure(circuit("EdDSAPoseidonCheck"), "EdDSAPoseidonCheck()"),
    await measure(circuit("OrderHash"), "OrderHash()"),
    await measure(circuit("OrderSlotUpdate"), `OrderSlotUpdate(${o})`),
    await measure(circuit("QuadMerkleUpdate"), `QuadMerkleUpdate(${a})`),
    await measure(circuit("QuadMerklePair"), `QuadMerklePair(${b})`),
    await measure(circuit("QuadMerklePair"), `QuadMerklePair(${o})`),
    await measure(circuit("QuadMerkleUpdate"), `QuadMerkleUpdate(${b})`),
    await measure(join(ROOT, "node_modules", "circomlib", "circuits", "poseidon.circom"), "Poseidon(5)"),
  ];
  const c = (prefix: string) => rows.find((r) => r.template.startsWith(prefix))!.constraints;
  const fill = c("FillSettlement");
  const accountUpdate = c("AccountUpdate");
  const orderVerifier = c("OrderVerifier");
  // The netted design's parts, from the measured templates: a fill keeps what is its own (the fill
  // without its two account updates, two order checks and two slot rules) plus two order hashes to
  // bind its order rows; an order row is an order check, the slot rule and the slot's path in its
  // account's order tree (read from and written back to its account row: ~2 constraints per account
  // row); an account row is the leaf's path, the leaf twice, the two balances' paths and their range
  // checks (AMOUNT_BITS + 1 each).
  const fillCore = fill - 2 * accountUpdate - 2 * orderVerifier - 2 * c("OrderSlotUpdate") + 2 * c("OrderHash");
  const orderRow = (accountRows: number) => orderVerifier + c("OrderSlotUpdate") + c(`QuadMerklePair(${o})`) + 2 * accountRows;
  const accountRow = c(`QuadMerkleUpdate(${a})`) + 2 * c("Poseidon(5)") + c(`QuadMerklePair(${b})`) + c(`QuadMerkleUpdate(${b})`) + 2 * 97;
  /** A party's one-hot selection of its order row and account row, and what the fill adds to them: about one constraint per row and value. */
  const selectors = (orderRows: number, accountRows: number) => 2 * (2 * orderRows + 4 * accountRows);
  const perFill = (fills: number, orderRows: number, accountRows: number) => Math.round(fillCore + selectors(orderRows, accountRows) + (orderRows * orderRow(accountRows) + accountRows * accountRow) / fills);
  const designs = [24, 30, 36, 40].map((fills) => {
    const { orderRows, accountRows } = realisticRows(fills);
    return { fills, orderRows, accountRows, perFillRealistic: perFill(fills, orderRows, accountRows), batchConstraints: perFill(fills, orderRows, accountRows) * fills };
  });
  // The worst case at 36 fills' rows: every fill brings two new orders and two new accounts.
  const worst = { perFill: fillCore + selectors(72, 72) + 2 * orderRow(72) + 2 * accountRow };
  return { templates: rows, today: { fill, accountUpdate, orderVerifier }, design: { fillCore, orderRow: orderRow(28), accountRow }, designs, worst };
}
