import type { Hex } from "viem";
import { ProofbookError } from "../errors.js";

/** A transaction's trace did not add up to its gas (an unexpected trace format). */
export class GasBreakdownError extends ProofbookError {}

/** Where a transaction's gas went, from its opcode trace; the parts add up to its `gasUsed`. */
export interface GasBreakdown {
  gasUsed: number;
  /** 21,000 and the calldata (and access list): paid before the first opcode. */
  intrinsic: number;
  /** The ecPairing precompile (0x08), ecMul (0x07) and ecAdd (0x06), each call's warm access included. */
  pairing: number;
  ecMul: number;
  ecAdd: number;
  /** SLOAD and SSTORE. */
  storage: number;
  /** LOG0 to LOG4 (the events). */
  logs: number;
  /** Every other opcode of the contract called (depth 1, the Rollup), calls into contracts included. */
  contract: number;
  /** Every other opcode of the contracts it calls (depth 2 and deeper: the verifier). */
  calledContracts: number;
  /** Gas refunded at the end (storage slots cleared or restored): subtracted. */
  refund: number;
}

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

/** JSON-RPC as a Hardhat network connection's provider speaks it. */
export interface TraceProvider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

const PRECOMPILE: Record<number, "ecAdd" | "ecMul" | "pairing"> = { 6: "ecAdd", 7: "ecMul", 8: "pairing" };

/**
 * The gas of transaction `txHash` by what paid for it (`debug_traceTransaction`'s opcode trace):
 * precompiles, storage, events, the contracts' other opcodes, and the intrinsic cost. A call into
 * a contract costs its caller the gas its frame lost across the call less what the callee's own
 * opcodes cost; a precompile call, the gas lost across it. The parts must add up to `gasUsed`.
 */
export async function gasBreakdown(provider: TraceProvider, txHash: Hex): Promise<GasBreakdown> {
  const [receipt, tx, trace] = (await Promise.all([
    provider.request({ method: "eth_getTransactionReceipt", params: [txHash] }),
    provider.request({ method: "eth_getTransactionByHash", params: [txHash] }),
    provider.request({ method: "debug_traceTransaction", params: [txHash, { disableMemory: true, disableStorage: true }] }),
  ])) as [{ gasUsed: Hex }, { gas: Hex }, { structLogs: StructLog[] }];
  const logs = trace.structLogs;
  const gasUsed = Number(BigInt(receipt.gasUsed));
  const out: GasBreakdown = { gasUsed, intrinsic: Number(BigInt(tx.gas)) - (logs[0]?.gas ?? 0), pairing: 0, ecMul: 0, ecAdd: 0, storage: 0, logs: 0, contract: 0, calledContracts: 0, refund: 0 };
  // Gas each frame's own opcodes used, to take out of the call that made the frame.
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i]!;
    const next = logs[i + 1];
    let cost = step.gasCost;
    if (next && next.depth > step.depth) {
      // A call into a contract: from here to the first step back at this depth.
      let j = i + 1;
      while (j < logs.length && logs[j]!.depth > step.depth) j++;
      const calleeUsed = next.gas - (logs[j - 1]!.gas - logs[j - 1]!.gasCost);
      cost = logs[j] ? step.gas - logs[j]!.gas - calleeUsed : step.gasCost;
    } else if (next && next.depth === step.depth) cost = step.gas - next.gas;
    if (step.op === "STATICCALL" || step.op === "CALL") {
      const to = step.stack ? Number(BigInt(step.stack[step.stack.length - 2]!)) : -1;
      const precompile = next && next.depth === step.depth ? PRECOMPILE[to] : undefined;
      if (precompile) {
        out[precompile] += cost;
        continue;
      }
    }
    if (step.op === "SLOAD" || step.op === "SSTORE") out.storage += cost;
    else if (step.op.startsWith("LOG")) out.logs += cost;
    else if (step.depth === 1) out.contract += cost;
    else out.calledContracts += cost;
  }
  const spent = out.intrinsic + out.pairing + out.ecMul + out.ecAdd + out.storage + out.logs + out.contract + out.calledContracts;
  out.refund = spent - gasUsed;
  if (out.refund < 0 || out.refund > gasUsed / 5) throw new GasBreakdownError(`the trace of ${txHash} accounts for ${spent} gas, the receipt says ${gasUsed}`);
  return out;
}
