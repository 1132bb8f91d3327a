import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { FleetView } from "../prover/queue-prover.js";

/** The node's Prometheus metrics (served at /metrics, docs/protocol.md §11). */
export class NodeMetrics {
  readonly registry = new Registry();
  /** Requests taken by intake, by kind and outcome (accepted, rejected). */
  readonly intake = new Counter({ name: "proofbook_intake_total", help: "Requests taken by intake, by kind and outcome", labelNames: ["kind", "outcome"] as const, registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: "proofbook_intake_queue_depth", help: "Requests waiting for their journal append", registers: [this.registry] });
  readonly ackSeconds = new Histogram({ name: "proofbook_intake_ack_seconds", help: "From a request's arrival to its durable acknowledgement", buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1], registers: [this.registry] });
  readonly journalGroup = new Histogram({ name: "proofbook_journal_group_entries", help: "Entries per durable journal append", buckets: [1, 4, 16, 64, 256, 1024, 4096], registers: [this.registry] });
  readonly fills = new Counter({ name: "proofbook_fills_total", help: "Fills settled into batches", registers: [this.registry] });
  readonly batches = new Counter({ name: "proofbook_batches_total", help: "Batches by stage reached (sealed, proved, landed)", labelNames: ["stage"] as const, registers: [this.registry] });
  readonly proveSeconds = new Histogram({ name: "proofbook_prove_seconds", help: "Witness and Groth16 proof time per batch", buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600], registers: [this.registry] });
  readonly gasPerFill = new Gauge({ name: "proofbook_gas_per_fill", help: "L1 gas per fill of the last landed transaction", registers: [this.registry] });
  readonly l1Batches = new Gauge({ name: "proofbook_l1_batch_count", help: "Batches landed on L1", registers: [this.registry] });
  readonly halted = new Gauge({ name: "proofbook_settlement_halted", help: "1 once settlement stopped on an error it cannot cure", registers: [this.registry] });
  /** With a prover fleet (docs/protocol.md §12): proofs the node's check accepted, by prover. */
  readonly proverProofs = new Counter({ name: "proofbook_prover_proofs_total", help: "Fleet proofs the node's off-chain check accepted, by prover", labelNames: ["prover"] as const, registers: [this.registry] });
  /** Proofs the check refused and jobs that failed, by prover (unknown: a job that stalled). */
  readonly proverFailures = new Counter({ name: "proofbook_prover_failures_total", help: "Fleet proofs refused by the node's check, and failed jobs, by prover and reason", labelNames: ["prover", "reason"] as const, registers: [this.registry] });
  /** The fleet's view, read when /metrics is scraped. */
  fleet?: () => Promise<FleetView>;
  readonly fleetJobs = new Gauge({
    name: "proofbook_prover_queue_jobs",
    help: "Proving jobs in the fleet's queue by state (waiting, active = in flight, delayed); absent while Redis is unreachable",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });
  readonly fleetReachable = new Gauge({ name: "proofbook_prover_queue_reachable", help: "1 while the fleet's Redis answers (0 without a fleet or while it is down)", registers: [this.registry] });

  /** The node's state (src/node/node-state.ts), one-hot. */
  readonly nodeState = new Gauge({ name: "proofbook_node_state", help: "1 for the node's state (running, degraded, halted, exit-mode), 0 for the others", labelNames: ["state"] as const, registers: [this.registry] });
  readonly haltReason = new Gauge({ name: "proofbook_halt_reason", help: "1 for the reason the node halted (journal, settlement, reorg, rollup-gone); absent until it halts", labelNames: ["reason"] as const, registers: [this.registry] });
  readonly exitMode = new Gauge({ name: "proofbook_exit_mode", help: "1 once L1 says the rollup is in exit mode", registers: [this.registry] });
  readonly l1Reachable = new Gauge({ name: "proofbook_l1_reachable", help: "1 while the node's poll of L1 succeeds", registers: [this.registry] });
  readonly l1BlockAge = new Gauge({ name: "proofbook_l1_block_age_seconds", help: "Age of the newest L1 block the node read, by the block's timestamp (a stalled chain or poll grows it)", registers: [this.registry] });
  readonly lastLandedAge = new Gauge({ name: "proofbook_last_landed_age_seconds", help: "Seconds since the node last saw one of its batches land (since it started, if none has)", registers: [this.registry] });
  readonly batchesInStage = new Gauge({ name: "proofbook_batches_in_stage", help: "Sealed batches not landed yet, by stage: proving (no proof yet), waiting (proved, waiting to land)", labelNames: ["stage"] as const, registers: [this.registry] });
  /** Called before each scrape, to set the gauges above that are read, not counted. */
  scrape?: () => void;

  constructor() {
    // Process and Node.js runtime metrics: CPU, memory, event loop lag, handles, GC.
    collectDefaultMetrics({ register: this.registry });
  }

  /** The metrics' text; the fleet's gauges read first, together (prom-client collects the others concurrently). */
  async text(): Promise<string> {
    this.scrape?.();
    const view = await this.fleet?.();
    this.fleetJobs.reset();
    if (view?.jobs) for (const [state, n] of Object.entries(view.jobs)) this.fleetJobs.set({ state }, n);
    this.fleetReachable.set(view === undefined ? 0 : view.reachable ? 1 : 0);
    return await this.registry.metrics();
  }
}
