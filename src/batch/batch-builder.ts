import { ValidationError } from "../errors.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import type { RollupState } from "../state/rollup-state.js";
import { type ApplyOptions, applyFill, type FillWitness, PADDING_FILL } from "./apply-fill.js";
import type { Fill } from "./fill.js";
import { encodeFillRecord, type FillRecord } from "./pubdata.js";
import { publicInputHash } from "./public-input.js";

/** Everything a prover and the L1 submission need for one batch. Plain data: safe to persist or post to a worker. */
export interface SealedBatch {
  circuit: string;
  batchNumber: number;
  oldRoot: bigint;
  newRoot: bigint;
  fills: number;
  records: FillRecord[];
  pubdata: Uint8Array;
  publicInput: bigint;
  /** The witness input of the batch circuit (snarkjs JSON form). */
  circuitInput: Record<string, unknown>;
}

/**
 * Collects fills for one batch, applying each to the state as it arrives (so the state is always
 * the latest), and seals the batch: pads to the circuit's size and computes pubdata and public input.
 */
export class BatchBuilder {
  private readonly witnesses: FillWitness[] = [];
  private readonly records: FillRecord[] = [];
  readonly oldRoot: bigint;

  constructor(
    readonly config: CircuitConfig,
    readonly state: RollupState,
    readonly batchNumber: number,
  ) {
    if (!Number.isSafeInteger(batchNumber) || batchNumber < 1 || batchNumber >= 2 ** 32) throw new ValidationError("batchNumber", "must be in [1, 2^32)", batchNumber);
    this.oldRoot = state.root;
  }

  get size(): number {
    return this.witnesses.length;
  }

  get full(): boolean {
    return this.witnesses.length >= this.config.nFills;
  }

  /** Applies a fill; throws FillRuleError (state unchanged) if it breaks a rule. */
  add(fill: Fill, options?: ApplyOptions): void {
    if (this.full) throw new ValidationError("batch", `holds at most ${this.config.nFills} fills`);
    const { witness, record } = applyFill(this.state, fill, options);
    this.witnesses.push(witness);
    this.records.push(record);
  }

  seal(): SealedBatch {
    const fills = this.witnesses.length;
    const witnesses = [...this.witnesses];
    const records = [...this.records];
    while (witnesses.length < this.config.nFills) {
      const { witness, record } = applyFill(this.state, PADDING_FILL, { check: false });
      witnesses.push(witness);
      records.push(record);
    }
    const newRoot = this.state.root;
    const pubdata = new Uint8Array(records.flatMap((r) => [...encodeFillRecord(r)]));
    const publicInput = publicInputHash(this.oldRoot, newRoot, this.batchNumber, pubdata);
    const pick = <K extends keyof FillWitness>(k: K) => witnesses.map((w) => w[k]);
    return {
      circuit: this.config.name,
      batchNumber: this.batchNumber,
      oldRoot: this.oldRoot,
      newRoot,
      fills,
      records,
      pubdata,
      publicInput,
      circuitInput: {
        publicInput: publicInput.toString(),
        oldRoot: this.oldRoot.toString(),
        newRoot: newRoot.toString(),
        batchNumber: this.batchNumber.toString(),
        orders: pick("orders"),
        signatures: pick("signatures"),
        baseAmount: pick("baseAmount"),
        keys: pick("keys"),
        nonces: pick("nonces"),
        accountPaths: pick("accountPaths"),
        balances: pick("balances"),
        balancePaths: pick("balancePaths"),
        slots: pick("slots"),
        slotPaths: pick("slotPaths"),
      },
    };
  }
}
