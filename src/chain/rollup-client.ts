import type { NetworkConnection } from "hardhat/types/network";
import { type Address, decodeEventLog, decodeFunctionData, type Hex, hexToBytes, toHex } from "viem";
import { rollupModule } from "../../ignition/modules/Rollup.js";
import type { BatchShape } from "../batch/pubdata.js";
import { ProofbookError } from "../errors.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import type { ProvedBatch } from "../prover/prover-pool.js";
import { proofCalldata } from "./proof-calldata.js";

/** An L1 transaction reverted or did not do what it should. */
export class ChainError extends ProofbookError {}

export interface SubmitReceipt {
  batchNumber: number;
  txHash: Hex;
  gasUsed: bigint;
  calldataBytes: number;
  newRoot: bigint;
}

export interface BatchSubmittedEvent {
  batchNumber: bigint;
  oldRoot: bigint;
  newRoot: bigint;
  publicInput: bigint;
  txHash: Hex;
}

type Connection = NetworkConnection<string>;

/** Deploys and drives Rollup.sol through viem (Hardhat's viem plugin and Ignition). */
export class RollupClient {
  private constructor(
    private readonly connection: Connection,
    readonly address: Address,
  ) {}

  /**
   * Deploys verifier, hasher and Rollup with the Ignition module. `firstAccountId` is the first
   * account id deposits create: the genesis state's accounts lie below it.
   */
  static async deploy(connection: Connection, artifacts: CircuitArtifacts, genesisRoot: bigint, options: { firstAccountId?: number; contract?: "Rollup" | "RollupHarness" } = {}): Promise<RollupClient> {
    const { config } = artifacts;
    const module = rollupModule(artifacts.verifierContract, options.contract ?? "Rollup");
    const parameters = {
      genesisRoot,
      slots: [config.nDeposits, config.nWithdrawals, config.nFills].map(BigInt),
      depths: [config.accountDepth, config.balanceDepth].map(BigInt),
      firstAccountId: BigInt(options.firstAccountId ?? 1),
    };
    const deployed = await connection.ignition.deploy(module, { parameters: { [module.id]: parameters } });
    // The module names its contracts at run time, so Ignition cannot type them.
    return new RollupClient(connection, (deployed.rollup as unknown as { address: Address }).address);
  }

  static at(connection: Connection, address: Address): RollupClient {
    return new RollupClient(connection, address);
  }

  contract() {
    return this.connection.viem.getContractAt("Rollup", this.address);
  }

  async stateRoot(): Promise<bigint> {
    return await (await this.contract()).read.stateRoot();
  }

  /** Slots per batch of each transaction type, as the contract was deployed. */
  async shape(): Promise<BatchShape> {
    const rollup = await this.contract();
    const [nDeposits, nWithdrawals, nFills] = await Promise.all([rollup.read.depositsPerBatch(), rollup.read.withdrawalsPerBatch(), rollup.read.fillsPerBatch()]);
    return { nDeposits: Number(nDeposits), nWithdrawals: Number(nWithdrawals), nFills: Number(nFills) };
  }

  async batchCount(): Promise<bigint> {
    return await (await this.contract()).read.batchCount();
  }

  /** Submits a proved batch and waits for its receipt. Throws ChainError if it reverts. */
  async submit(proved: ProvedBatch): Promise<SubmitReceipt> {
    const { batch } = proved;
    const rollup = await this.contract();
    const publicClient = await this.connection.viem.getPublicClient();
    let txHash: Hex;
    try {
      txHash = await rollup.write.submitBatch([batch.oldRoot, batch.newRoot, toHex(batch.pubdata), proofCalldata(proved.proof)]);
    } catch (e) {
      throw new ChainError(`batch ${batch.batchNumber} was rejected: ${(e as Error).message.split("\n")[0]}`, { cause: e });
    }
    const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
    if (receipt.status !== "success") throw new ChainError(`batch ${batch.batchNumber}: transaction ${txHash} reverted`);
    const tx = await publicClient.getTransaction({ hash: txHash });
    const events = await this.events(txHash);
    const event = events[0];
    if (!event || Number(event.batchNumber) !== batch.batchNumber || event.newRoot !== batch.newRoot) {
      throw new ChainError(`batch ${batch.batchNumber}: no matching BatchSubmitted event in ${txHash}`);
    }
    return { batchNumber: batch.batchNumber, txHash, gasUsed: receipt.gasUsed, calldataBytes: (tx.input.length - 2) / 2, newRoot: event.newRoot };
  }

  /** BatchSubmitted events, of one transaction or of the whole chain. */
  async events(txHash?: Hex): Promise<BatchSubmittedEvent[]> {
    const rollup = await this.contract();
    const publicClient = await this.connection.viem.getPublicClient();
    const logs = txHash
      ? (await publicClient.getTransactionReceipt({ hash: txHash })).logs
      : await publicClient.getLogs({ address: this.address, fromBlock: 0n });
    const out: BatchSubmittedEvent[] = [];
    for (const log of logs) {
      if (log.address.toLowerCase() !== this.address.toLowerCase()) continue;
      const decoded = decodeEventLog({ abi: rollup.abi, data: log.data, topics: log.topics, strict: false });
      if (decoded.eventName !== "BatchSubmitted") continue;
      const a = decoded.args as unknown as { batchNumber: bigint; oldRoot: bigint; newRoot: bigint; publicInput: bigint };
      out.push({ ...a, txHash: log.transactionHash! });
    }
    return out;
  }

  /** Each landed batch with the pubdata read back from its transaction's calldata, in order. */
  async pubdataHistory(): Promise<(BatchSubmittedEvent & { pubdata: Uint8Array })[]> {
    const rollup = await this.contract();
    const publicClient = await this.connection.viem.getPublicClient();
    const out: (BatchSubmittedEvent & { pubdata: Uint8Array })[] = [];
    for (const event of await this.events()) {
      const tx = await publicClient.getTransaction({ hash: event.txHash });
      const call = decodeFunctionData({ abi: rollup.abi, data: tx.input });
      if (call.functionName !== "submitBatch") throw new ChainError(`${event.txHash} is not a submitBatch call`);
      out.push({ ...event, pubdata: hexToBytes(call.args[2]) });
    }
    return out.sort((a, b) => Number(a.batchNumber - b.batchNumber));
  }
}
