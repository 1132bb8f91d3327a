import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { ROOT } from "../prover/artifacts.js";
import { runSettlement } from "../sequencer/run-settlement.js";
import { ValidationError } from "../errors.js";
import { intArg, intListArg, parseArgs, proverArg } from "./args.js";
import { build } from "./build.js";
import { engineBench } from "./engine-bench.js";
import { printTable } from "./demo.js";
import { merkleArity } from "./merkle-arity.js";
import { moneyGas, txConstraints } from "./money-bench.js";
import { CIRCUIT_CONFIGS, circuitConfig } from "../prover/circuit-configs.js";
import { fillBudget, nettedSectionBudget } from "./fill-budget.js";
import { commitmentCost } from "./commitment-bench.js";
import { type SettlementCost, settlementCost, type SettlementFlow } from "./settlement-bench.js";
import { rowBudget } from "../batch/fill-rows.js";
import { intakeRates } from "./intake-bench.js";
import { proverBench } from "./prover-bench.js";
import { fleetBench } from "./fleet-bench.js";
import { policyBench } from "./policy-bench.js";
import { redisOptions } from "../prover/proving-queue.js";
import { nodeIntakeBench } from "./node-intake-bench.js";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

const SCENARIOS = ["engine", "intake", "node", "pipeline", "money", "settlement", "commitment", "prover", "fleet", "fill-budget", "policy"] as const;

export const USAGE = `usage: proofbook bench [--scenario all|${SCENARIOS.join("|")}] [--ops N] [--clients C] [--markets M] [--depth D1,D2] [--ks K1,K2] [--runs R] [--batches N] [--circuit NAME] [--workers W] [--seed S] [--prover native|snarkjs] [--prover-queue redis://HOST:PORT] [--rate ORDERS_PER_S] [--flow realistic|fresh]
  Measures and writes JSON under bench/results/, printing a table per scenario (docs and README: Figures).
  --prover chooses the backend of the pipeline, settlement and fleet scenarios (default: native where its
  addon loads); the prover scenario always measures both. --prover-queue: the pipeline scenario proves
  through \`proofbook prover\` processes on that Redis (docs/protocol.md §12). The fleet scenario starts
  its own redis-server (Debian's) and provers.`;

/**
 * npm run bench [-- --scenario engine|intake|pipeline|money|settlement|commitment]: every scenario by default, each writing JSON under
 * bench/results/ and printing a table.
 */
export async function bench(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { flow: "string", rate: "string", scenario: "string", batches: "string", circuit: "string", workers: "string", seed: "string", ops: "string", markets: "string", depth: "string", runs: "string", clients: "string", ks: "string", prover: "string", "prover-queue": "string" });
  proverArg(args.prover);
  if (typeof args["prover-queue"] === "string") redisOptions(args["prover-queue"], "--prover-queue");
  const scenario = args.scenario ?? "all";
  if (scenario !== "all" && !SCENARIOS.includes(scenario as (typeof SCENARIOS)[number])) throw new ValidationError("--scenario", `must be all, ${SCENARIOS.join(" or ")}`, scenario);
  if (scenario === "all" || scenario === "engine") await benchEngine(args);
  if (scenario === "all" || scenario === "intake") await benchIntake(args);
  if (scenario === "all" || scenario === "node") await benchNode(args);
  if (scenario === "all" || scenario === "pipeline") await benchPipeline(args);
  if (scenario === "all" || scenario === "money") await benchMoney();
  if (scenario === "all" || scenario === "settlement") await benchSettlement(args);
  if (scenario === "all" || scenario === "commitment") await benchCommitment();
  if (scenario === "all" || scenario === "prover") await benchProver(args);
  if (scenario === "all" || scenario === "fleet") await benchFleet(args);
  if (scenario === "all" || scenario === "fill-budget") await benchFillBudget();
  if (scenario === "all" || scenario === "policy") await benchPolicy(args);
  return 0;
}

/**
 * Where a fill's constraints go at the production depths, and the netted design's budget from the
 * same templates (docs/protocol.md §4.5): compiles each template alone, no setup.
 */
async function benchFillBudget(): Promise<void> {
  const config = CIRCUIT_CONFIGS.production;
  const budget = await fillBudget(config, (m) => console.log(`[bench] fill-budget: ${m}`));
  const built = await nettedSectionBudget(config, (m) => console.log(`[bench] fill-budget: ${m}`));
  const report = { scenario: "fill-budget", date: new Date().toISOString(), machine: machine(), depths: { account: config.accountDepth, balance: config.balanceDepth, order: config.orderDepth }, ...budget, built };
  const file = await writeReport("fill-budget", report);
  console.log("");
  printTable(["template", "constraints"], budget.templates.map((t) => [t.template, String(t.constraints)]));
  console.log("");
  printTable(
    ["fills", "order rows", "account rows", "constraints per fill (realistic flow)", "batch constraints"],
    budget.designs.map((d) => [String(d.fills), String(d.orderRows), String(d.accountRows), String(d.perFillRealistic), String(d.batchConstraints)]),
  );
  console.log(`\nnetted design: fill ${budget.design.fillCore} + selectors, order row ${budget.design.orderRow}, account row ${budget.design.accountRow}; worst case ${budget.worst.perFill} per fill (today ${budget.today.fill})`);
  const c = built.coefficients;
  console.log(`\nbuilt: ${built.templates.map((t) => `${t.template} ${t.constraints}`).join(", ")}`);
  console.log(`NettedFills(F, O, A) = ${c.c0} + ${c.cF}·F + ${c.cO}·O + ${c.cA}·A + ${c.cFO}·F·O + ${c.cFA}·F·A + ${c.cOA}·O·A (checked at 3, 5, 3: measured ${built.check.measured}, model ${built.check.model})\n`);
  printTable(
    ["fills", "order rows", "account rows", "section constraints", "per fill (realistic)", "per fill (worst: 2F, 2F)"],
    built.designs.map((d, i) => [String(d.fills), String(d.orderRows), String(d.accountRows), String(d.sectionConstraints), String(d.perFillRealistic), String(built.worst[i]!.perFill)]),
  );
  console.log(`\nwrote ${file}\n`);
}

/**
 * The public-input commitment (docs/protocol.md §6): L1 gas and constraints per pubdata byte of
 * sha256, keccak256, the Poseidon(6) chain and the pubdata as public inputs (built), and what each
 * would cost for a 16-byte and today's fill record.
 */
async function benchCommitment(): Promise<void> {
  const [test] = await build({ circuits: ["test"], log: (m) => console.log(`[build] ${m}`) });
  const { points, rates } = await commitmentCost(test!, (m) => console.log(`[bench] commitment: ${m}`));
  const report = { scenario: "commitment", date: new Date().toISOString(), machine: machine(), points, rates };
  const file = await writeReport("commitment", report);
  console.log("");
  const fmt = (x: number | undefined) => (x === undefined ? "not measured" : x.toFixed(1));
  printTable(
    ["commitment", "proofs per tx (k)", "L1 gas per pubdata byte", "constraints per pubdata byte", "L1 gas per 16-byte fill", "constraints per 16-byte fill"],
    rates.map((r) => [r.option, String(r.k), fmt(r.l1GasPerByte), fmt(r.constraintsPerByte), fmt(16 * r.l1GasPerByte), fmt(r.constraintsPerByte === undefined ? undefined : 16 * r.constraintsPerByte)]),
  );
  console.log(`\nwrote ${file}\n`);
}

/**
 * Money in and out: constraints of one slot of each transaction type at the test, demo and
 * production sizes (compile only), and the L1 gas of each money operation at the test and
 * production depths.
 */
async function benchMoney(): Promise<void> {
  const constraints = [];
  for (const name of ["test", "demo", "production"] as const) {
    console.log(`[bench] money: constraints per transaction type at the ${name} size (compiling, no setup) ...`);
    constraints.push(await txConstraints(CIRCUIT_CONFIGS[name]));
  }
  const gas = [];
  for (const name of ["test", "production"] as const) {
    console.log(`[bench] money: L1 gas of deposits, claims, forced withdrawals and exits at the ${name} depths ...`);
    gas.push({ circuit: CIRCUIT_CONFIGS[name].name, ...(await moneyGas(CIRCUIT_CONFIGS[name])) });
  }
  const report = { scenario: "money", date: new Date().toISOString(), machine: machine(), constraints, gas };
  const file = await writeReport("money", report);
  const depths = (d: { accountDepth: number; balanceDepth: number; orderDepth: number }) => `4^${d.accountDepth} / 4^${d.balanceDepth} / 4^${d.orderDepth}`;
  console.log("");
  printTable(
    ["circuit", "accounts / tokens / slots", "deposit", "withdrawal", "cancel", "fill", "fill with fees", "exit circuit (not built)"],
    constraints.map((c) => [c.circuit, depths(c.depths), ...[c.deposit, c.withdrawal, c.cancel, c.fill, c.fillWithFees, c.exitCircuit].map(String)]),
  );
  console.log("");
  printTable(
    ["circuit", "market section (per batch)", "market section per fill (L1 credit, built)", "L2 fee account, per batch", "L2 fee account, per fill"],
    constraints.map((c) => [c.circuit, String(c.feeSection), String(c.fillWithFees - c.fill), String(c.fillWithFees - c.fill + c.l2FeeCredit.perBatchPerFill), String(c.fillWithFees - c.fill + c.l2FeeCredit.perFill)]),
  );
  console.log("");
  printTable(
    ["depths of", "depositNewAccount", "deposit", "requestWithdrawal", "claim", "activateExitMode", "exit", "refundDeposit"],
    gas.map((g) => [g.circuit, ...[g.depositNewAccount, g.deposit, g.requestWithdrawal, g.claim, g.activateExitMode, g.exit, g.refundDeposit].map(String)]),
  );
  console.log(`\nwrote ${file}\n`);
}


async function writeReport(name: string, report: { date: string }): Promise<string> {
  const dir = join(ROOT, "bench", "results");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}-${report.date.replace(/[:.]/g, "-")}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

const machine = () => ({ cpus: cpus().length, parallelism: availableParallelism(), cpu: cpus()[0]?.model, node: process.version });

/** The matching engine alone: a seeded mixed workload of at least a million operations on one thread, at each book depth. */
async function benchEngine(args: Partial<Record<string, string | true>>): Promise<void> {
  const depths = intListArg(args.depth, [2000, 20000], "--depth");
  const results = depths.map((depth) =>
    engineBench({
      operations: intArg(args.ops, 1_000_000, "--ops"),
      seed: intArg(args.seed, 42, "--seed"),
      markets: intArg(args.markets, 4, "--markets"),
      depth,
      runs: intArg(args.runs, 7, "--runs"),
      log: (m) => console.log(`[bench] engine (depth ${depth}): ${m}`),
    }),
  );
  const report = { scenario: "engine", date: new Date().toISOString(), machine: machine(), results };
  const file = await writeReport("engine", report);
  console.log("");
  printTable(
    ["operations", "markets", "open orders (mean)", "ops/s (median of runs)", "ops/s (min-max)", "fills", "p50 µs", "p99 µs", "p99.9 µs", "timer µs"],
    results.map((r) => [
      String(r.operations),
      String(r.markets),
      String(r.openOrders.mean),
      String(r.medianOpsPerSecond),
      `${Math.min(...r.runsOpsPerSecond)}-${Math.max(...r.runsOpsPerSecond)}`,
      String(r.fills),
      String(r.latencyMicros.p50),
      String(r.latencyMicros.p99),
      String(r.latencyMicros.p999),
      String(r.latencyMicros.timerOverhead),
    ]),
  );
  console.log(`\nwrote ${file}\n`);
}

/** `--flow`: the settlement bench's fills (src/cli/settlement-bench.ts). */
function flowArg(value: string | true | undefined, fallback: SettlementFlow): SettlementFlow {
  if (value === undefined) return fallback;
  if (value !== "realistic" && value !== "fresh") throw new ValidationError("--flow", "must be realistic or fresh", value);
  return value;
}

/**
 * Several proofs per L1 transaction: max(k) full batches of a circuit landed k per transaction
 * (Rollup.submitBatches) for each k of `--ks` (default 1,4,8,20,40: 40 proofs, ~60 min on `large`
 * the first time, kept for later runs): per fill, L1 gas, calldata bytes, constraints and proving
 * time. By default the largest configuration (`large`: production depths, as many fills as circom2
 * compiles here; its first build takes ~25 minutes, cached after); `--circuit demo` for a quick look.
 * `--flow` (default: realistic on a netted configuration, else fresh) chooses the batches' fills.
 */
async function benchSettlement(args: Partial<Record<string, string | true>>): Promise<void> {
  const circuit = typeof args.circuit === "string" ? args.circuit : "large";
  const ks = intListArg(args.ks, [1, 4, 8, 20, 40], "--ks");
  const [artifacts] = await build({ circuits: [circuit], log: (m) => console.log(`[build] ${m}`) });
  const flow = flowArg(args.flow, rowBudget(artifacts!.config) ? "realistic" : "fresh");
  const { rows, proofs, flow: used } = await settlementCost(artifacts!, ks, (m) => console.log(`[bench] settlement: ${m}`), proverArg(args.prover), flow);
  const report = { scenario: "settlement", date: new Date().toISOString(), circuit: { ...artifacts!.config, constraints: artifacts!.constraints }, machine: machine(), proofs, flow: used, rows };
  const file = await writeReport(`settlement-${circuit}${flow === "fresh" && rowBudget(artifacts!.config) ? "-fresh" : ""}`, report);
  console.log(`\nflow ${used.kind}: ${used.fillsPerBatch} fills a batch${used.orderRowsPerBatch === undefined ? "" : `, ${used.orderRowsPerBatch} order rows, ${used.accountRowsPerBatch} account rows`}`);
  console.log("");
  printTable(
    ["circuit", "batches per tx (k)", "transactions", "fill record B", "pubdata B/fill", "L1 gas/fill", "calldata B/fill", "constraints/fill", "prove ms/fill"],
    rows.map((r) => [artifacts!.config.name, String(r.k), String(r.transactions), String(r.fillRecordBytes), r.pubdataBytesPerFill.toFixed(0), r.l1GasPerFill.toFixed(0), r.calldataBytesPerFill.toFixed(0), r.constraintsPerFill.toFixed(0), r.proveMsPerFill.toFixed(0)]),
  );
  console.log("\nL1 gas per fill by what paid for it (src/chain/gas-breakdown.ts):\n");
  const parts = Object.keys(rows[0]!.gasPerFillBy) as (keyof SettlementCost["gasPerFillBy"])[];
  printTable(["k", ...parts], rows.map((r) => [String(r.k), ...parts.map((p) => r.gasPerFillBy[p].toFixed(0))]));
  console.log(`\nwrote ${file}\n`);
}

/**
 * The native Groth16 prover against snarkjs (src/cli/prover-bench.ts): one full batch of each of
 * `--circuit` (default test,demo,large) proved by each on one thread and on every thread, `--runs`
 * times (default 1), each configuration in its own process.
 */
async function benchProver(args: Partial<Record<string, string | true>>): Promise<void> {
  const names = typeof args.circuit === "string" ? args.circuit.split(",") : ["test", "demo", "large"];
  const runs = intArg(args.runs, 1, "--runs");
  const artifacts = await build({ circuits: names, log: (m) => console.log(`[build] ${m}`) });
  const { rows, zkeyMb } = await proverBench(artifacts, { runs, log: (m) => console.log(`[bench] prover: ${m}`) });
  const report = { scenario: "prover", date: new Date().toISOString(), machine: machine(), runs, circuits: artifacts.map((a) => ({ name: a.config.name, constraints: a.constraints, nFills: a.config.nFills, domain: 2 ** a.power, zkeyMb: zkeyMb[a.config.name] })), rows };
  const file = await writeReport("prover", report);
  console.log("");
  printTable(
    ["circuit", "backend", "threads", "witness", "witness ms", "wasm witness ms", "prove ms", "prove ms/fill", "peak RSS MB", "zkey MB", "vs snarkjs", "vs 1 thread"],
    rows.map((r) => [r.circuit, r.backend, String(r.threads), r.witness, r.witnessMs.toFixed(0), r.witnessWasmMs.toFixed(0), r.proveMs.toFixed(0), r.proveMsPerFill.toFixed(0), r.peakRssMb.toFixed(0), zkeyMb[r.circuit]!.toFixed(0), `${r.speedupVsSnarkjs.toFixed(2)}x`, `${r.speedupVsOneThread.toFixed(2)}x`]),
  );
  console.log(`\nwrote ${file}\n`);
}

/**
 * The settlement policy under a steady flow (src/cli/policy-bench.ts): `--batches` (default 16)
 * batches of trading of `--circuit` (default demo) at `--rate` orders/s (default 2) for each
 * setting: landing at once, then groups of 4 (at most 10 s of waiting) and of 8 (at most 30 s).
 */
async function benchPolicy(args: Partial<Record<string, string | true>>): Promise<void> {
  const circuit = typeof args.circuit === "string" ? args.circuit : "demo";
  const batches = intArg(args.batches, 16, "--batches");
  const ordersPerSecond = intArg(args.rate, 2, "--rate");
  const backend = proverArg(args.prover);
  const settings = [
    { targetBatchesPerTx: 1, maxDelayMs: 0 },
    { targetBatchesPerTx: 4, maxDelayMs: 10_000 },
    { targetBatchesPerTx: 8, maxDelayMs: 30_000 },
  ];
  const [artifacts] = await build({ circuits: [circuit], log: (m) => console.log(`[build] ${m}`) });
  const rows = await policyBench(artifacts!, { settings, batches, ordersPerSecond, seed: intArg(args.seed, 1, "--seed"), ...(backend && { backend }), log: (m) => console.log(`[bench] policy: ${m}`) });
  const report = { scenario: "policy", date: new Date().toISOString(), machine: machine(), circuit: { ...artifacts!.config, constraints: artifacts!.constraints }, batches, ordersPerSecond, backend: backend ?? "default", rows };
  const file = await writeReport(`policy-${circuit}`, report);
  console.log("");
  printTable(
    ["target batches/tx", "max delay ms", "batches/tx", "fills (steady)", "latency p50 ms", "latency p99 ms", "p99 with the tail ms", "L1 gas/fill"],
    rows.map((r) => [String(r.targetBatchesPerTx), String(r.maxDelayMs), r.batchesPerTransaction.toFixed(1), String(r.fills), r.latencyMsP50.toFixed(0), r.latencyMsP99.toFixed(0), r.allLatencyMsP99.toFixed(0), r.l1GasPerFill.toFixed(0)]),
  );
  console.log(`\nwrote ${file}\n`);
}

/**
 * The prover fleet against the in-process pool (src/cli/fleet-bench.ts): `--batches` (default 8)
 * full batches of `--circuit` (default demo) proved by one worker thread, then by 1 and 2 prover
 * processes of one thread each through a local redis-server.
 */
async function benchFleet(args: Partial<Record<string, string | true>>): Promise<void> {
  const circuit = typeof args.circuit === "string" ? args.circuit : "demo";
  const batches = intArg(args.batches, 8, "--batches");
  const backend = proverArg(args.prover);
  const [artifacts] = await build({ circuits: [circuit], log: (m) => console.log(`[build] ${m}`) });
  const { rows, nodeCheckMsPerProof } = await fleetBench(artifacts!, { circuit, batches, proverCounts: [1, 2], ...(backend && { backend }), log: (m) => console.log(`[bench] fleet: ${m}`) });
  const report = { scenario: "fleet", date: new Date().toISOString(), machine: machine(), circuit: { ...artifacts!.config, constraints: artifacts!.constraints }, backend: backend ?? "default", nodeCheckMsPerProof, rows };
  const file = await writeReport("fleet", report);
  console.log("");
  printTable(
    ["prover", "provers", "batches", "wall s", "proofs/s", "prover ms/batch", "queue overhead ms/job", "overhead / proof", "vs 1 prover"],
    rows.map((r) => [r.mode === "pool" ? "in-process pool" : "fleet (Redis)", String(r.provers), String(r.batches), (r.wallMs / 1000).toFixed(1), r.proofsPerSecond.toFixed(3), r.proverMsPerBatch.toFixed(0), r.queueOverheadMsPerJob.toFixed(1), `${(100 * r.overheadShareOfProof).toFixed(2)} %`, `${r.speedupVsOneProver.toFixed(2)}x`]),
  );
  console.log(`\nthe node's off-chain check: ${nodeCheckMsPerProof.toFixed(1)} ms per proof on one thread`);
  console.log(`wrote ${file}\n`);
}

/**
 * Intake's signature checks (order hash + EdDSA-Poseidon): orders per second by circomlibjs, by
 * verifySignature on one thread, and by a SignaturePool of --workers threads (default: the cores).
 */
async function benchIntake(args: Partial<Record<string, string | true>>): Promise<void> {
  const workers = intArg(args.workers, availableParallelism(), "--workers");
  const orders = intArg(args.ops, 2_000, "--ops");
  const runs = intArg(args.runs, 3, "--runs");
  const rows = await intakeRates(orders, 20, workers, runs, (m) => console.log(`[bench] intake: ${m}`));
  const report = { scenario: "intake", date: new Date().toISOString(), machine: machine(), traders: 20, rows };
  const file = await writeReport("intake", report);
  console.log("");
  printTable(["method", "threads", "orders", "signed orders/s"], rows.map((r) => [r.method, String(r.threads), String(r.orders), String(r.ordersPerSecond)]));
  console.log(`\nwrote ${file}\n`);
}

/**
 * The operator node's HTTP intake (`npm run node` as a separate process against a separate hardhat
 * node): accepted signed orders per second and acknowledgement latency, with --clients concurrent
 * clients sending --ops orders of 16 traders, on the production state layout (circuit intake).
 */
async function benchNode(args: Partial<Record<string, string | true>>): Promise<void> {
  const circuit = typeof args.circuit === "string" ? args.circuit : "intake";
  circuitConfig(circuit);
  const traders = 16;
  const orders = intArg(args.ops, 16_000, "--ops", traders);
  const concurrency = intArg(args.clients, 64, "--clients");
  await build({ circuits: [circuit], log: (m) => console.log(`[build] ${m}`) });
  const r = await nodeIntakeBench({ circuit, traders, ordersPerTrader: Math.floor(orders / traders), concurrency, log: (m) => console.log(`[bench] node: ${m}`) });
  const report = { scenario: "node", date: new Date().toISOString(), machine: machine(), circuitConfig: circuitConfig(circuit), ...r };
  const file = await writeReport("node", report);
  console.log("");
  printTable(
    ["circuit", "orders", "clients", "accepted", "refused", "accepted/s", "ack p50 ms", "ack p99 ms", "ack max ms", "entries/append"],
    [[r.circuit, String(r.orders), String(r.concurrency), String(r.accepted), String(r.refused), String(r.acceptedPerSecond), String(r.ackMs.p50), String(r.ackMs.p99), String(r.ackMs.max), String(r.meanJournalGroup)]],
  );
  console.log(`\nwrote ${file}\n`);
}

/** The whole pipeline at the demo size: per-fill figures. */
async function benchPipeline(args: Partial<Record<string, string | true>>): Promise<void> {
  const circuit = typeof args.circuit === "string" ? args.circuit : "demo";
  const batches = intArg(args.batches, 4, "--batches");
  const [artifacts] = await build({ circuits: [circuit], log: (m) => console.log(`[build] ${m}`) });
  const a = artifacts!;
  console.log(`[bench] ${circuit}: ${batches} batches of ${a.config.nFills} fills (INSECURE dev setup: figures only)`);
  const t0 = performance.now();
  const result = await runSettlement({
    artifacts: a,
    batches,
    seed: intArg(args.seed, 42, "--seed"),
    workers: args.workers === undefined ? undefined : intArg(args.workers, 1, "--workers"),
    backend: proverArg(args.prover),
    ...(typeof args["prover-queue"] === "string" && { proverQueue: args["prover-queue"] }),
    allowInsecureDevSetup: true,
    log: (m) => console.log(`[bench] ${m}`),
  });
  const wallMs = performance.now() - t0;
  if (result.onChainRoot !== result.localRoot) throw new Error("bench run ended with an on-chain root that differs from the local root");
  // Per-fill figures from full batches only: a padded last batch would flatter nothing and skew all.
  const full = result.settled.filter((s) => s.proved.batch.fills === a.config.nFills);
  const n = a.config.nFills;
  const perFill = {
    constraints: a.constraints / n,
    witnessMs: mean(full.map((s) => s.proved.witnessMs)) / n,
    proveMs: mean(full.map((s) => s.proved.proveMs)) / n,
    l1Gas: mean(full.map((s) => Number(s.receipt.gasUsed) / s.receipt.batchesInTransaction)) / n,
    calldataBytes: mean(full.map((s) => s.receipt.calldataBytes / s.receipt.batchesInTransaction)) / n,
  };
  console.log("[bench] merkle-arity: constraints of one Merkle path, 4-ary against binary ...");
  const arity = [];
  for (const levels of [2, 8, 12]) arity.push(await merkleArity(levels));
  const fills = result.settled.reduce((s, b) => s + b.proved.batch.fills, 0);
  const report = {
    scenario: "pipeline",
    date: new Date().toISOString(),
    circuit: { ...a.config, constraints: a.constraints, domainPower: a.power },
    machine: machine(),
    run: { batches: result.settled.length, fullBatches: full.length, fills, wallMs, fillsPerSecond: (fills / wallMs) * 1000, orders: result.orders },
    perBatch: result.settled.map((s) => ({
      batch: s.proved.batch.batchNumber,
      fills: s.proved.batch.fills,
      witnessMs: s.proved.witnessMs,
      proveMs: s.proved.proveMs,
      l1Gas: Number(s.receipt.gasUsed) / s.receipt.batchesInTransaction,
      calldataBytes: s.receipt.calldataBytes / s.receipt.batchesInTransaction,
      batchesInTransaction: s.receipt.batchesInTransaction,
    })),
    perFill,
    merkleArity: arity,
  };
  const file = await writeReport(`pipeline-${circuit}`, report);
  console.log("");
  printTable(
    ["circuit", "fills/batch", "batch constraints/fill", "witness ms/fill", "prove ms/fill", "L1 gas/fill", "calldata B/fill", "fills/s (wall)"],
    [[a.config.name, String(n), perFill.constraints.toFixed(0), perFill.witnessMs.toFixed(1), perFill.proveMs.toFixed(0), perFill.l1Gas.toFixed(0), perFill.calldataBytes.toFixed(0), report.run.fillsPerSecond.toFixed(2)]],
  );
  console.log("");
  printTable(
    ["leaves", "4-ary path constraints", "binary path constraints", "4-ary / binary"],
    arity.map((r) => [String(r.leaves), String(r.quad), String(r.binary), (r.quad / r.binary).toFixed(2)]),
  );
  console.log(`\nwrote ${file}`);
}
