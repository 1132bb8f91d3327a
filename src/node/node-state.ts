import { EventEmitter } from "node:events";

/**
 * The node's state (docs/protocol.md §11.4), from what it knows about itself and L1:
 * - `running`: intake takes orders, settlement proves and lands;
 * - `degraded`: L1 does not answer; intake goes on until `backlog` batches wait to land, L1's
 *   requests and landing wait, the poll retries with backoff;
 * - `halted`: something the node cannot cure (a journal write failed, settlement failed for good,
 *   L1 reorganised below the confirmations, the rollup is gone from L1): intake refuses, nothing
 *   is proved or submitted, until an operator acts and restarts it;
 * - `exit-mode`: the rollup is in exit mode on L1; no batch can land again, so intake refuses and
 *   nothing is proved or submitted; traders take their funds out with `proofbook exit`.
 * `exit-mode` and `halted` are final for the process; `running` and `degraded` alternate.
 */
export type NodeStateName = "running" | "degraded" | "halted" | "exit-mode";

/** Why a node halted: a short, stable code (a metric label), beside the message. */
export type HaltReason = "journal" | "settlement" | "reorg" | "rollup-gone";

export interface NodeStateView {
  state: NodeStateName;
  /** Since when (ms since the epoch). */
  since: number;
  /** Halted: why, as a code. */
  reason?: HaltReason;
  /** Not running: what happened and what the operator can do. */
  message?: string;
}

/** What intake answers in a state that refuses work: HTTP 503 with this reason. */
export interface Refusal {
  state: NodeStateName;
  message: string;
}

/** The node's state machine: facts in, state and refusals out; every change emitted once. */
export class NodeState extends EventEmitter<{ change: [NodeStateView, NodeStateView] }> {
  private view: NodeStateView;

  constructor(now = Date.now()) {
    super();
    this.view = { state: "running", since: now };
  }

  get name(): NodeStateName {
    return this.view.state;
  }

  current(): NodeStateView {
    return { ...this.view };
  }

  /** L1 stopped answering: running → degraded (no change in a final state). */
  l1Unreachable(message: string, now = Date.now()): void {
    if (this.view.state === "running") this.move({ state: "degraded", since: now, message: `L1 unreachable: ${message}` });
  }

  /** L1 answers again: degraded → running. */
  l1Reachable(now = Date.now()): void {
    if (this.view.state === "degraded") this.move({ state: "running", since: now });
  }

  /** The node cannot go on: halted, unless it already is or is in exit mode (the first cause stays). */
  halt(reason: HaltReason, message: string, now = Date.now()): void {
    if (this.view.state === "halted" || this.view.state === "exit-mode") return;
    this.move({ state: "halted", since: now, reason, message });
  }

  /** L1 says the rollup is in exit mode: final, whatever the state was. */
  exitMode(message: string, now = Date.now()): void {
    if (this.view.state === "exit-mode") return;
    this.move({ state: "exit-mode", since: now, message });
  }

  /** Whether settlement may prove and submit. */
  get settles(): boolean {
    return this.view.state === "running" || this.view.state === "degraded";
  }

  /**
   * Why intake refuses a request now, or undefined when it takes it. `waiting`: batches sealed and
   * not landed; while degraded, intake takes work only below `backlog` of them.
   */
  refusal(waiting: number, backlog: number): Refusal | undefined {
    const { state, message } = this.view;
    if (state === "running") return undefined;
    if (state === "degraded") {
      if (waiting < backlog) return undefined;
      return { state, message: `${message}; ${waiting} batches wait to land (the backlog limit is ${backlog}): intake resumes when L1 answers` };
    }
    return { state, message: message! };
  }

  private move(next: NodeStateView): void {
    const previous = this.view;
    this.view = next;
    this.emit("change", { ...next }, previous);
  }
}
