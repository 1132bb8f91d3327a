import type { Logger } from "pino";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import { redactedUrl } from "../prover/proving-queue.js";
import { QueueProver } from "../prover/queue-prover.js";
import type { NodeMetrics } from "./node-metrics.js";

/**
 * The node's prover fleet (docs/protocol.md §12): a QueueProver on `queue` whose outcomes go to
 * the node's log (a refused proof or failed job names its prover at warn level) and metrics.
 */
export async function openNodeFleet(artifacts: CircuitArtifacts, queue: string, reconcileMs: number, metrics: NodeMetrics, log: Logger): Promise<QueueProver> {
  const fleet = await QueueProver.open(artifacts, {
    queue,
    reconcileMs,
    log: (m) => log.info(m),
    warn: (m) => log.warn(m),
    onOutcome: (o) => {
      if (o.outcome === "accepted") metrics.proverProofs.inc({ prover: o.prover });
      else {
        metrics.proverFailures.inc({ prover: o.prover, reason: o.outcome });
        log.warn({ prover: o.prover, batch: o.batchNumber, reason: o.reason }, o.outcome === "refused" ? "proof refused" : "proving job failed");
      }
    },
  });
  metrics.fleet = () => fleet.view();
  log.info({ queue: fleet.name, keyHash: fleet.keyHash, redis: redactedUrl(queue) }, "proving through the prover fleet");
  return fleet;
}
