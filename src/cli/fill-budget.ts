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

/** The netted fill section's constraints as measured: N(F, O, A) = c0 + cF·F + cO·O + cA·A + cFO·F·O + cFA·F·A + cOA·O·A. */
export interface SectionCoefficients {
  c0: number;
  cF: number;
  cO: number;
  cA: number;
  cFO: number;
  cFA: number;
  cOA: number;
}

/**
 * The built netted fill section (circuits/NettedFills.circom) at `config`'s depths: its templates
 * measured alone, and the section compiled at seven small sizes, from which its constraint count
 * (bilinear in fills F, order rows O and account rows A, as its loops are) is solved exactly and
 * checked against an eighth size; then its constraints per fill on the realistic flow and in the
 * worst case (every fill two new orders and two new accounts).
 */
export async function nettedSectionBudget(config: CircuitConfig, log: (m: string) => void) {
  const { accountDepth: a, balanceDepth: b, orderDepth: o } = config;
  const marketBits = Math.log2(config.nMarkets);
  const file = (name: string) => join(CIRCUITS_DIR, `${name}.circom`);
  const measure = async (name: string, args: string): Promise<TemplateCost> => {
    log(`compiling ${name}(${args}) ...`);
    return { template: `${name}(${args})`, constraints: await templateConstraints(file(name), `${name}(${args})`) };
  };
  const templates = [await measure("OrderRow", `${a}, ${o}`), await measure("AccountRow", `${a}, ${b}`), await measure("FillCore", `${a}, ${o}, ${marketBits}`)];
  const section = async (f: number, r: number, c: number) => (await measure("NettedFills", `${f}, ${r}, ${c}, ${a}, ${b}, ${o}, ${marketBits}`)).constraints;
  const n222 = await section(2, 2, 2);
  const [n422, n242, n224] = [await section(4, 2, 2), await section(2, 4, 2), await section(2, 2, 4)];
  const [n442, n424, n244] = [await section(4, 4, 2), await section(4, 2, 4), await section(2, 4, 4)];
  const cFO = (n442 - n422 - n242 + n222) / 4;
  const cFA = (n424 - n422 - n224 + n222) / 4;
  const cOA = (n244 - n242 - n224 + n222) / 4;
  const cF = (n422 - n222) / 2 - 2 * cFO - 2 * cFA;
  const cO = (n242 - n222) / 2 - 2 * cFO - 2 * cOA;
  const cA = (n224 - n222) / 2 - 2 * cFA - 2 * cOA;
  const c0 = n222 - 2 * (cF + cO + cA) - 4 * (cFO + cFA + cOA);
  const coefficients: SectionCoefficients = { c0, cF, cO, cA, cFO, cFA, cOA };
  const model = (f: number, r: number, c: number) => c0 + cF * f + cO * r + cA * c + cFO * f * r + cFA * f * c + cOA * r * c;
  const check = { fills: 3, orderRows: 5, accountRows: 3, measured: await section(3, 5, 3), model: model(3, 5, 3) };
  const designs = [24, 30, 36, 40].map((fills) => {
    const { orderRows, accountRows } = realisticRows(fills);
    const constraints = model(fills, orderRows, accountRows);
    return { fills, orderRows, accountRows, sectionConstraints: constraints, perFillRealistic: Math.round(constraints / fills) };
  });
  const worst = designs.map(({ fills }) => ({ fills, orderRows: 2 * fills, accountRows: 2 * fills, perFill: Math.round(model(fills, 2 * fills, 2 * fills) / fills) }));
  return { templates, coefficients, check, designs, worst };
}

