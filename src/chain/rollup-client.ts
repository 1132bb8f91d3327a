import type { NetworkConnection } from "hardhat/types/network";
import { type Address, BaseError, ContractFunctionRevertedError, decodeEventLog, erc20Abi, decodeFunctionData, type Hex, hexToBytes, isAddressEqual, type Log, toHex } from "viem";
import { rollupModule } from "../../ignition/modules/Rollup.js";
import { type BatchShape, type DepositRecord, encodeDepositRecord } from "../batch/pubdata.js";
import { subgroupWitness } from "../crypto/babyjub.js";
import type { PublicKey } from "../crypto/eddsa.js";
import type { StateDims } from "../state/account.js";
import { ProofbookError } from "../errors.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import type { ProvedBatch } from "../prover/prover-pool.js";
import type { ExitProof } from "./exit-proof.js";
import { proofCalldata } from "./proof-calldata.js";
import { verifierKeyWords } from "./verifying-key.js";
import { InsecureSetupError } from "../prover/errors.js";

/** An L1 transaction reverted or did not do what it should. */
export class ChainError extends ProofbookError {}

export interface SubmitReceipt {
  batchNumber: number;
  txHash: Hex;
  gasUsed: bigint;
  calldataBytes: number;
  newRoot: bigint;
  /** Batches the transaction landed (submitBatches lands several): `gasUsed` and `calldataBytes` are theirs together. */
  batchesInTransaction: number;
}

export interface BatchSubmittedEvent {
  batchNumber: bigint;
  oldRoot: bigint;
  newRoot: bigint;
  timestamp: bigint;
  /** keccak256 of the batch's public inputs (`inputsHash` in src/batch/public-input.ts). */
  inputsHash: Hex;
  pubdata: Uint8Array;
  txHash: Hex;
}

/** What L1 holds for the next batch (docs/protocol.md §8). */
export interface L1Position {
  /** Batches landed: the next one is number `batchCount + 1`. */
  batchCount: number;
  /** The root the next batch must start from. */
  stateRoot: bigint;
  /** The next batch's timestamp may not be earlier. */
  lastBatchTimestamp: number;
  /** The latest block's time: the next batch's timestamp may not be later, nor more than BATCH_TIMESTAMP_WINDOW earlier. */
  chainTime: number;
  /** Entries of the deposit and the forced-withdrawal queue that landed batches consumed: the next batch goes on from there. */
  depositsConsumed: number;
  forcedConsumed: number;
  /** The block every field above was read at: a batch landing during the read changes none of them. */
  blockNumber: bigint;
}

type Connection = NetworkConnection<string>;

/** A forced withdrawal requested on L1 (Rollup.requestWithdrawal), by its queue index. */
export interface ForcedRequest {
  index: number;
  accountId: number;
  tokenId: number;
  deadline: bigint;
}
type WalletClient = Awaited<ReturnType<Connection["viem"]["getWalletClients"]>>[number];

/** The chain id of a local development chain (Hardhat's in-process network and `hardhat node`). */
export const DEV_CHAIN_ID = 31337;

/** Seconds the operator has to process an L1 request (deposit, forced withdrawal), by default: one week. */
export const DEFAULT_REQUEST_DELAY = 7 * 24 * 3600;
/** Seconds the operator may take per batch's worth of a queue, by default (docs/protocol.md §8). */
export const DEFAULT_BATCH_INTERVAL = 600;

export interface DeployOptions {
  /** The first account id deposits create: the genesis state's accounts lie below it (default 1). */
  firstAccountId?: number;
  /** Seconds the operator has to process an L1 request, at the least (default one week). */
  requestDelay?: number;
  /** Seconds the operator may take per batch's worth of a queue: spaces the deadlines under load (default 600). */
  batchInterval?: number;
  contract?: "Rollup" | "RollupHarness";
  /**
   * Deploy the INSECURE dev setup's verifier to a chain other than the local development chain
   * (the contract checks the same). Never where real money is at stake.
   */
  allowInsecureDevSetup?: boolean;
  /** Ignition's deployment id: where it journals a deployment to a persistent chain (ignition/deployments/<id>). */
  deploymentId?: string;
}

/** A deposit in the L1 queue: its index and its record. */
export interface QueuedDeposit {
  index: number;
  record: DepositRecord;
  /** When a batch must have consumed it, else anyone may open exit mode (Unix seconds). */
  deadline: bigint;
}

/** Deploys and drives Rollup.sol through viem (Hardhat's viem plugin and Ignition). */
export class RollupClient {
  private constructor(
    private readonly connection: Connection,
    readonly address: Address,
    /** The wallet that sends transactions (default: the connection's first). */
    private readonly wallet?: WalletClient,
  ) {}

  /**
   * Deploys verifier, hasher and Rollup with the Ignition module. `firstAccountId` is the first
   * account id deposits create: the genesis state's accounts lie below it.
   */
  static async deploy(connection: Connection, artifacts: CircuitArtifacts, genesisRoot: bigint, options: DeployOptions = {}): Promise<RollupClient> {
    const { config } = artifacts;
    const chainId = await (await connection.viem.getPublicClient()).getChainId();
    const allowInsecureVerifier = options.allowInsecureDevSetup ?? false;
    if (artifacts.insecureDevSetup && chainId !== DEV_CHAIN_ID && !allowInsecureVerifier) {
      throw new InsecureSetupError(config.name, `refusing to deploy the INSECURE dev setup's verifier to chain ${chainId} (only the local development chain ${DEV_CHAIN_ID}); build with --ptau FILE, or pass allowInsecureDevSetup where no real money is at stake`);
    }
    const module = rollupModule(artifacts.verifierContract, options.contract ?? "Rollup");
    const parameters = {
      verifyingKey: [...(await verifierKeyWords(artifacts.vkey))],
      insecureDevSetup: artifacts.insecureDevSetup,
      genesisRoot,
      slots: [config.nDeposits, config.nWithdrawals, config.nCancels, config.nFills, config.nMarkets].map(BigInt),
      depths: [config.accountDepth, config.balanceDepth, config.orderDepth].map(BigInt),
      firstAccountId: BigInt(options.firstAccountId ?? 1),
      timing: [BigInt(options.requestDelay ?? DEFAULT_REQUEST_DELAY), BigInt(options.batchInterval ?? DEFAULT_BATCH_INTERVAL)],
      allowInsecureVerifier,
    };
    const deployed = await connection.ignition.deploy(module, { parameters: { [module.id]: parameters }, deploymentId: options.deploymentId });
    // The module names its contracts at run time, so Ignition cannot type them.
    return new RollupClient(connection, (deployed.rollup as unknown as { address: Address }).address);
  }

  /** A client of the Rollup at `address`, sending transactions from `wallet` (default: the connection's first). */
  static at(connection: Connection, address: Address, wallet?: WalletClient): RollupClient {
    return new RollupClient(connection, address, wallet);
  }

  /** The connection's public client (reads, calls, code). */
  async publicClient() {
    return await this.connection.viem.getPublicClient();
  }

  contract() {
    return this.connection.viem.getContractAt("Rollup", this.address, this.wallet ? { client: { wallet: this.wallet } } : undefined);
  }

  async stateRoot(): Promise<bigint> {
    return await (await this.contract()).read.stateRoot();
  }

  /** Slots per batch of each transaction type and the depths that size the records, as the contract was deployed. */
  async shape(): Promise<BatchShape> {
    const rollup = await this.contract();
    const r = rollup.read;
    const counts = await Promise.all([r.depositsPerBatch(), r.withdrawalsPerBatch(), r.cancelsPerBatch(), r.fillsPerBatch(), r.marketsPerBatch(), r.accountDepth(), r.orderDepth()]);
    const [nDeposits, nWithdrawals, nCancels, nFills, nMarkets, accountDepth, orderDepth] = counts.map(Number) as [number, number, number, number, number, number, number];
    return { nDeposits, nWithdrawals, nCancels, nFills, nMarkets, accountDepth, orderDepth };
  }

  /** The state's tree depths and genesis root, as the contract was deployed. */
  async layout(): Promise<{ dims: StateDims; genesisRoot: bigint }> {
    const rollup = await this.contract();
    const [a, b, o, genesisRoot] = await Promise.all([rollup.read.accountDepth(), rollup.read.balanceDepth(), rollup.read.orderDepth(), rollup.read.genesisRoot()]);
    return { dims: { accountDepth: Number(a), balanceDepth: Number(b), orderDepth: Number(o) }, genesisRoot };
  }

  async exitMode(): Promise<boolean> {
    return await (await this.contract()).read.exitMode();
  }

  /** The deployment's domain separator: what orders and withdrawals for this rollup sign (docs/protocol.md §3). */
  async domain(): Promise<bigint> {
    return await (await this.contract()).read.domainSeparator();
  }

  /** The latest block's timestamp (Unix seconds): the chain's clock, which bounds batch timestamps. */
  async chainTime(): Promise<number> {
    const block = await (await this.connection.viem.getPublicClient()).getBlock();
    return Number(block.timestamp);
  }

  /** The timestamp of the last landed batch: the next one's may not be earlier. */
  async lastBatchTimestamp(): Promise<bigint> {
    return await (await this.contract()).read.lastBatchTimestamp();
  }

  async batchCount(): Promise<bigint> {
    return await (await this.contract()).read.batchCount();
  }

  /**
   * Where L1 stands for the next batch: what it must start from, its number and its time bounds,
   * all read at one block (the latest, or `blockNumber`), so that a batch landing while they are
   * read cannot pair one batch's count with another's root.
   */
  async position(blockNumber?: bigint): Promise<L1Position> {
    const block = await (await this.connection.viem.getPublicClient()).getBlock(blockNumber === undefined ? {} : { blockNumber });
    const at = { blockNumber: block.number };
    const r = (await this.contract()).read;
    const [batchCount, stateRoot, lastBatchTimestamp, deposits, forced] = await Promise.all([r.batchCount(at), r.stateRoot(at), r.lastBatchTimestamp(at), r.depositsConsumed(at), r.forcedConsumed(at)]);
    return { batchCount: Number(batchCount), stateRoot, lastBatchTimestamp: Number(lastBatchTimestamp), chainTime: Number(block.timestamp), depositsConsumed: Number(deposits), forcedConsumed: Number(forced), blockNumber: block.number };
  }

  /** The BatchSubmitted event of batch `batchNumber`, if it landed. */
  async landedBatch(batchNumber: number): Promise<BatchSubmittedEvent | undefined> {
    return (await this.events()).find((e) => Number(e.batchNumber) === batchNumber);
  }

  /** The receipt of a landed batch, from its BatchSubmitted event. */
  async receiptOf(event: BatchSubmittedEvent): Promise<SubmitReceipt> {
    const publicClient = await this.connection.viem.getPublicClient();
    const [receipt, tx] = await Promise.all([publicClient.getTransactionReceipt({ hash: event.txHash }), publicClient.getTransaction({ hash: event.txHash })]);
    const batchesInTransaction = (await this.decoded(receipt.logs, "BatchSubmitted")).length;
    return { batchNumber: Number(event.batchNumber), txHash: event.txHash, gasUsed: receipt.gasUsed, calldataBytes: (tx.input.length - 2) / 2, newRoot: event.newRoot, batchesInTransaction };
  }

  /** Registers an ERC-20 (owner only); returns its token id. */
  async registerToken(token: Address): Promise<number> {
    const receipt = await this.send("registerToken", [token]);
    return Number((await this.decoded(receipt.logs, "TokenRegistered"))[0]!.tokenId);
  }

  /**
   * Creates an account with `key`, owned on L1 by `owner`, and queues a first deposit (the caller
   * must have approved the token). Computes the subgroup witness the contract checks the key with.
   */
  async depositNewAccount(owner: Address, key: PublicKey, tokenId: number, amount: bigint): Promise<QueuedDeposit> {
    const q = subgroupWitness(key);
    const receipt = await this.send("depositNewAccount", [owner, key.ax, key.ay, q.ax, q.ay, BigInt(tokenId), amount], await this.valueFor(tokenId, amount));
    return (await this.queued(receipt.logs))[0]!;
  }

  /** The address that sends this client's transactions. */
  async sender(): Promise<Address> {
    const wallet = this.wallet ?? (await this.connection.viem.getWalletClients())[0];
    if (!wallet) throw new ChainError("the endpoint holds no account to send transactions with");
    return wallet.account.address;
  }

  /**
   * Makes a deposit of `amount` of `tokenId` payable by the sender: for an ERC-20, its balance must
   * hold it (ChainError otherwise) and the Rollup's allowance is raised to it if lower; for ETH
   * (token address 0) the sender's balance is checked. Returns the token's address.
   */
  async prepareDeposit(tokenId: number, amount: bigint): Promise<Address> {
    const token = (await (await this.contract()).read.tokens([BigInt(tokenId)])) as Address;
    const from = await this.sender();
    const publicClient = await this.publicClient();
    if (BigInt(token) === 0n) {
      if (tokenId === 0) throw new ChainError(`token ${tokenId} is not registered on rollup ${this.address}`);
      const balance = await publicClient.getBalance({ address: from });
      if (balance < amount) throw new ChainError(`${from} holds ${balance} wei, less than the ${amount} to deposit`);
      return token;
    }
    const held = await publicClient.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [from] });
    if (held < amount) throw new ChainError(`${from} holds ${held} of token ${tokenId} (${token}), less than the ${amount} to deposit`);
    const allowed = await publicClient.readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [from, this.address] });
    if (allowed < amount) {
      const wallet = this.wallet ?? (await this.connection.viem.getWalletClients())[0]!;
      const hash = await wallet.writeContract({ address: token, abi: erc20Abi, functionName: "approve", args: [this.address, amount], chain: wallet.chain, account: wallet.account });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new ChainError(`approving token ${tokenId} for the rollup: transaction ${hash} reverted`);
    }
    return token;
  }

  /** Queues a deposit to an existing account (the caller must have approved the token). */
  async deposit(accountId: number, tokenId: number, amount: bigint): Promise<QueuedDeposit> {
    const receipt = await this.send("deposit", [BigInt(accountId), BigInt(tokenId), amount], await this.valueFor(tokenId, amount));
    return (await this.queued(receipt.logs))[0]!;
  }

  /** What landed withdrawals owe `accountId` in `tokenId`, not claimed yet. */
  async owed(accountId: number, tokenId: number): Promise<bigint> {
    return (await (await this.contract()).read.owed([BigInt(accountId), BigInt(tokenId)])) as bigint;
  }

  /** Pays what a landed batch's withdrawals owe `accountId` in `tokenId` to its L1 owner. */
  async claim(accountId: number, tokenId: number): Promise<{ amount: bigint; to: Address; gasUsed: bigint }> {
    const receipt = await this.send("claim", [BigInt(accountId), BigInt(tokenId)]);
    const e = (await this.decoded(receipt.logs, "Claimed"))[0]!;
    return { amount: e.amount as bigint, to: e.to as Address, gasUsed: receipt.gasUsed };
  }

  /** Asks for a forced withdrawal of the whole balance of `tokenId` (the caller must own the account on L1). */
  async requestWithdrawal(accountId: number, tokenId: number): Promise<{ index: number; deadline: bigint; gasUsed: bigint }> {
    const receipt = await this.send("requestWithdrawal", [BigInt(accountId), BigInt(tokenId)]);
    const e = (await this.decoded(receipt.logs, "WithdrawalRequested"))[0]!;
    return { index: Number(e.index), deadline: e.deadline as bigint, gasUsed: receipt.gasUsed };
  }

  /** Forced withdrawals requested on L1 from index `from` on, in queue order. */
  async forcedRequests(from = 0): Promise<ForcedRequest[]> {
    const publicClient = await this.connection.viem.getPublicClient();
    const logs = await publicClient.getLogs({ address: this.address, fromBlock: 0n });
    return (await this.forced(logs)).filter((r) => r.index >= from);
  }

  private async forced(logs: readonly Log[]): Promise<ForcedRequest[]> {
    return (await this.decoded(logs, "WithdrawalRequested"))
      .map((e) => ({ index: Number(e.index), accountId: Number(e.accountId), tokenId: Number(e.tokenId), deadline: e.deadline as bigint }))
      .sort((a, b) => a.index - b.index);
  }

  /** The latest block number of the chain. */
  async blockNumber(): Promise<bigint> {
    return await (await this.connection.viem.getPublicClient()).getBlockNumber();
  }

  /**
   * The deposits and forced withdrawals queued in blocks fromBlock..toBlock (inclusive), each in
   * queue order: what an operator polling L1 reads of the blocks it has not read yet.
   */
  async queueEvents(fromBlock: bigint, toBlock: bigint): Promise<{ deposits: QueuedDeposit[]; forced: ForcedRequest[] }> {
    const publicClient = await this.connection.viem.getPublicClient();
    const logs = await publicClient.getLogs({ address: this.address, fromBlock, toBlock });
    return { deposits: await this.queued(logs), forced: await this.forced(logs) };
  }

  /** Switches the contract to exit mode (only once a forced withdrawal or a deposit is overdue). */
  async activateExitMode(): Promise<void> {
    await this.send("activateExitMode", []);
  }

  /** In exit mode: pays the account's whole balance of a token to its L1 owner, proven against the last root. */
  async exit(proof: ExitProof): Promise<{ amount: bigint; to: Address; gasUsed: bigint }> {
    const receipt = await this.send("exit", [BigInt(proof.accountId), BigInt(proof.tokenId), proof.balance, proof.balancePath, proof.leaf, proof.accountPath]);
    const e = (await this.decoded(receipt.logs, "Exited"))[0]!;
    return { amount: e.amount as bigint, to: e.to as Address, gasUsed: receipt.gasUsed };
  }

  /** In exit mode: pays back a deposit no batch consumed. */
  async refundDeposit(deposit: QueuedDeposit): Promise<{ amount: bigint; to: Address; gasUsed: bigint }> {
    const receipt = await this.send("refundDeposit", [BigInt(deposit.index), toHex(encodeDepositRecord(deposit.record))]);
    const e = (await this.decoded(receipt.logs, "DepositRefunded"))[0]!;
    return { amount: e.amount as bigint, to: e.to as Address, gasUsed: receipt.gasUsed };
  }

  /** Every deposit queued on L1 from queue index `from` on, in queue order. */
  async queuedDeposits(from = 0): Promise<QueuedDeposit[]> {
    const publicClient = await this.connection.viem.getPublicClient();
    const logs = await publicClient.getLogs({ address: this.address, fromBlock: 0n });
    return (await this.queued(logs)).filter((d) => d.index >= from);
  }

  private async queued(logs: readonly Log[]): Promise<QueuedDeposit[]> {
    return (await this.decoded(logs, "DepositQueued"))
      .map((a) => ({
        index: Number(a.index),
        record: { accountId: Number(a.accountId), tokenId: Number(a.tokenId), amount: a.amount as bigint, ax: a.ax as bigint, ay: a.ay as bigint },
        deadline: a.deadline as bigint,
      }))
      .sort((a, b) => a.index - b.index);
  }

  /** The arguments of this contract's events named `name` among `logs`. */
  private async decoded(logs: readonly Log[], name: string): Promise<Record<string, unknown>[]> {
    const { abi } = await this.contract();
    const out: Record<string, unknown>[] = [];
    for (const log of logs) {
      if (log.address.toLowerCase() !== this.address.toLowerCase()) continue;
      const e = decodeEventLog({ abi, data: log.data, topics: log.topics, strict: false });
      if (e.eventName === name) out.push(e.args as unknown as Record<string, unknown>);
    }
    return out;
  }

  /** What a deposit of `amount` sends as value: the amount for ETH (token address 0), else nothing. */
  private async valueFor(tokenId: number, amount: bigint): Promise<bigint> {
    const token = await (await this.contract()).read.tokens([BigInt(tokenId)]);
    return BigInt(token) === 0n && tokenId !== 0 ? amount : 0n;
  }

  /** Sends a transaction to the contract and waits for it; ChainError (with the revert reason) if it fails. */
  private async send(functionName: string, args: readonly unknown[], value = 0n) {
    const rollup = await this.contract();
    const publicClient = await this.connection.viem.getPublicClient();
    let hash: Hex;
    try {
      const write = rollup.write as unknown as Record<string, (a: readonly unknown[], o?: { value: bigint }) => Promise<Hex>>;
      hash = await write[functionName]!(args, value ? { value } : undefined);
    } catch (e) {
      throw new ChainError(`${functionName} reverted: ${revertReason(e)}`, { cause: e });
    }
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new ChainError(`${functionName}: transaction ${hash} reverted`);
    return receipt;
  }

  /** Submits a proved batch and waits for its receipt. Throws ChainError if it reverts. */
  async submit(proved: ProvedBatch): Promise<SubmitReceipt> {
    const { batch } = proved;
    const rollup = await this.contract();
    const publicClient = await this.connection.viem.getPublicClient();
    let txHash: Hex;
    try {
      txHash = await rollup.write.submitBatch([batch.oldRoot, batch.newRoot, BigInt(batch.timestamp), toHex(batch.pubdata), proofCalldata(proved.proof)]);
    } catch (e) {
      throw new ChainError(`batch ${batch.batchNumber} was rejected: ${revertReason(e)}`, { cause: e });
    }
    const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
    if (receipt.status !== "success") throw new ChainError(`batch ${batch.batchNumber}: transaction ${txHash} reverted`);
    const event = (await this.events(txHash))[0];
    if (!event || Number(event.batchNumber) !== batch.batchNumber || event.newRoot !== batch.newRoot) {
      throw new ChainError(`batch ${batch.batchNumber}: no matching BatchSubmitted event in ${txHash}`);
    }
    return await this.receiptOf(event);
  }

  /**
   * Submits proved batches (consecutive, in order) in one transaction whose proofs the contract
   * verifies together (docs/protocol.md §8); waits for the receipt. Throws ChainError if it reverts.
   */
  async submitMany(proved: readonly ProvedBatch[]): Promise<SubmitReceipt[]> {
    const rollup = await this.contract();
    const publicClient = await this.connection.viem.getPublicClient();
    const first = proved[0]?.batch.batchNumber;
    const args = proved.map(({ batch, proof }) => ({ oldRoot: batch.oldRoot, newRoot: batch.newRoot, timestamp: BigInt(batch.timestamp), pubdata: toHex(batch.pubdata), proof: proofCalldata(proof) }));
    let txHash: Hex;
    try {
      txHash = await rollup.write.submitBatches([args]);
    } catch (e) {
      throw new ChainError(`batches ${first}..${proved.at(-1)?.batch.batchNumber} were rejected: ${revertReason(e)}`, { cause: e });
    }
    const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
    if (receipt.status !== "success") throw new ChainError(`batches from ${first}: transaction ${txHash} reverted`);
    const events = await this.events(txHash);
    const mismatch = proved.some(({ batch }, i) => Number(events[i]?.batchNumber) !== batch.batchNumber || events[i]?.newRoot !== batch.newRoot);
    if (events.length !== proved.length || mismatch) throw new ChainError(`batches from ${first}: the BatchSubmitted events of ${txHash} do not match`);
    return await Promise.all(events.map((e) => this.receiptOf(e)));
  }

  /** BatchSubmitted events, of one transaction or of the whole chain. */
  async events(txHash?: Hex): Promise<BatchSubmittedEvent[]> {
    const publicClient = await this.connection.viem.getPublicClient();
    const logs = txHash
      ? (await publicClient.getTransactionReceipt({ hash: txHash })).logs
      : await publicClient.getLogs({ address: this.address, fromBlock: 0n });
    const out: BatchSubmittedEvent[] = [];
    for (const log of logs) {
      const [a] = await this.decoded([log], "BatchSubmitted");
      if (!a) continue;
      const e = a as unknown as Omit<BatchSubmittedEvent, "txHash" | "pubdata"> & { pubdata: Hex };
      out.push({ ...e, pubdata: hexToBytes(e.pubdata), txHash: log.transactionHash! });
    }
    return out;
  }

  /**
   * The proof `event`'s batch landed with, from its transaction's calldata (submitBatch or
   * submitBatches sent to this contract), as the eight words the contract took. Undefined when the
   * transaction went through another contract (a multisig, a relay: its calldata is that
   * contract's), or when its calldata does not hold the batch the event names.
   */
  async landedProof(event: BatchSubmittedEvent): Promise<readonly bigint[] | undefined> {
    const publicClient = await this.connection.viem.getPublicClient();
    const tx = await publicClient.getTransaction({ hash: event.txHash });
    if (!tx.to || !isAddressEqual(tx.to, this.address)) return undefined;
    const { abi } = await this.contract();
    const call = decodeFunctionData({ abi, data: tx.input });
    type Submission = { oldRoot: bigint; newRoot: bigint; timestamp: bigint; pubdata: Hex; proof: readonly bigint[] };
    let submissions: Submission[];
    if (call.functionName === "submitBatch") {
      const [oldRoot, newRoot, timestamp, pubdata, proof] = call.args as unknown as [bigint, bigint, bigint, Hex, readonly bigint[]];
      submissions = [{ oldRoot, newRoot, timestamp, pubdata, proof }];
    } else if (call.functionName === "submitBatches") {
      submissions = (call.args as unknown as [Submission[]])[0];
    } else return undefined;
    // The transaction's k-th BatchSubmitted event is its k-th submission (batches can be alike but for their number).
    const k = (await this.events(event.txHash)).findIndex((e) => e.batchNumber === event.batchNumber);
    const b = submissions[k];
    const same = b !== undefined && b.oldRoot === event.oldRoot && b.newRoot === event.newRoot && b.timestamp === event.timestamp && b.pubdata === toHex(event.pubdata);
    return same ? b.proof : undefined;
  }

  /** The verifying key words of the contract's verifier (Groth16BatchVerifier.verifyingKey), or undefined if it has none to tell. */
  async verifierKey(): Promise<bigint[] | undefined> {
    const verifier = await (await this.contract()).read.verifier();
    try {
      const contract = await this.connection.viem.getContractAt("Groth16BatchVerifier", verifier);
      return [...(await contract.read.verifyingKey())];
    } catch {
      return undefined;
    }
  }

  /**
   * Each landed batch with its pubdata, in batch order, from the contract's events alone: it does
   * not matter how the transaction was sent (directly, by a multisig or through a relay).
   */
  async pubdataHistory(): Promise<BatchSubmittedEvent[]> {
    return (await this.events()).sort((a, b) => Number(a.batchNumber - b.batchNumber));
  }
}

/** The contract's custom error (name and arguments) behind a failed call, else the error's first line. */
function revertReason(e: unknown): string {
  if (e instanceof BaseError) {
    const reverted = e.walk((x) => x instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    if (reverted?.data) return `${reverted.data.errorName}(${(reverted.data.args ?? []).map(String).join(", ")})`;
  }
  return (e as Error).message.split("\n")[0]!;
}
