import { expect } from "chai";
import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import type { BatchHeader } from "../../src/batch/public-input.js";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { BATCH_TIMESTAMP_WINDOW } from "../../src/constants.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { type ProvedBatch, ProverPool } from "../../src/prover/prover-pool.js";
import { ResealRequiredError, SettlementPipeline } from "../../src/sequencer/settlement-pipeline.js";
import { type DroppedTransaction, resealOnL1 } from "../../src/sequencer/reseal-on-l1.js";
import { rebuildFromL1 } from "../../src/chain/rebuild-from-l1.js";
import { signWithdrawal } from "../../src/crypto/index.js";
import { BASE, QUOTE } from "../helpers/fixtures.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { type Connection, chainNow, freshChainPerTest } from "../helpers/chain.js";
import { scenario } from "../helpers/fixtures.js";

/**
 * The pipeline re-reads L1 before each submission (docs/protocol.md §9): a batch that landed is
 * never submitted again, one whose number or timestamp L1 would refuse is re-stamped and proved
 * again, and one whose old root L1 no longer holds needs a re-seal.
 */
describe("settlement pipeline: re-reads L1 instead of halting", function () {
  let artifacts: CircuitArtifacts;
  let prover: ProverPool;
  let genesisRoot: bigint;
  before(async () => {
    artifacts = await testArtifacts();
    genesisRoot = (await scenario(artifacts.config)).state.root;
    prover = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true });
  });
  after(async () => {
    await prover.close();
  });

  const chain = freshChainPerTest();
  let connection: Connection;
  let client: RollupClient;
  let header: BatchHeader;
  beforeEach(async () => {
    connection = chain();
    client = await RollupClient.deploy(connection, artifacts, genesisRoot, { firstAccountId: 5 });
    header = { batchNumber: 1, timestamp: (await chainNow(connection)) - 60, domain: await client.domain() };
  });

  /** The test scenario on this deployment, and a builder of its next batch on a state of its own. */
  async function operator() {
    const s = await scenario(artifacts.config, header.domain);
    return { ...s, batch: (n: number, build: (b: BatchBuilder) => void, over: Partial<BatchHeader> = {}): SealedBatch => {
      const b = new BatchBuilder(artifacts.config, s.state, { ...header, batchNumber: n, ...over });
      build(b);
      return b.seal();
    } };
  }

  it("never submits a batch twice: one that already landed (a retry after an unseen success) is taken as settled", async () => {
    const op = await operator();
    const batch = op.batch(1, (b) => b.add(op.buyFill()));
    const first = await client.submit(await prover.prove(batch));
    const publicClient = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const nonce = await publicClient.getTransactionCount({ address: wallet!.account.address });
    const settled = await new SettlementPipeline(prover, client).enqueue(batch);
    expect(settled.receipt.txHash).to.equal(first.txHash);
    expect(await publicClient.getTransactionCount({ address: wallet!.account.address })).to.equal(nonce);
    expect(await client.batchCount()).to.equal(1n);
  });

  it("stop (the node's exit mode or halt): a batch whose proof is running is never submitted, and later batches are refused, with the reason", async () => {
    const op = await operator();
    const publicClient = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const nonce = await publicClient.getTransactionCount({ address: wallet!.account.address });
    const pipeline = new SettlementPipeline(prover, client);
    const running = pipeline.enqueue(op.batch(1, (b) => b.add(op.buyFill())));
    const reason = new Error("exit mode");
    pipeline.stop(reason);
    expect(await running.then(() => undefined, (e: unknown) => e)).to.equal(reason);
    expect(await pipeline.enqueue(op.batch(2, () => {})).then(() => undefined, (e: unknown) => e)).to.equal(reason);
    expect(await client.batchCount()).to.equal(0n);
    expect(await publicClient.getTransactionCount({ address: wallet!.account.address }), "a transaction was sent").to.equal(nonce);
  });

  it("batch-number mismatch (finding 2's stall): batches that landed first make it re-stamp with the next numbers, re-prove and land", async () => {
    const op = await operator();
    // Someone else's batch 1 lands first: here all padding, so the root stays.
    await client.submit(await prover.prove(op.batch(1, () => {})));
    const ours = [op.batch(1, (b) => b.add(op.buyFill({ baseAmount: 10n }))), op.batch(2, (b) => b.add(op.buyFill({ baseAmount: 5n })))];
    const restamped: [number, number][] = [];
    const pipeline = new SettlementPipeline(prover, client, { onRestamped: (from, to) => restamped.push([from.batchNumber, to.batchNumber]) });
    for (const b of ours) void pipeline.enqueue(b);
    const settled = await pipeline.drain();
    expect(restamped).to.deep.equal([
      [1, 2],
      [2, 3],
    ]);
    expect(settled.map((s) => s.receipt.batchNumber)).to.deep.equal([2, 3]);
    expect(await client.stateRoot()).to.equal(op.state.root);
  });

  it("a batch that waited past the timestamp window is re-stamped inside it, re-proved and lands", async () => {
    const op = await operator();
    const batch = op.batch(1, (b) => b.add(op.buyFill()));
    await connection.provider.request({ method: "evm_increaseTime", params: [BATCH_TIMESTAMP_WINDOW + 3_600] });
    await connection.provider.request({ method: "evm_mine", params: [] });
    const settled = await new SettlementPipeline(prover, client).enqueue(batch);
    const stamped = settled.proved.batch.timestamp;
    expect(stamped).to.be.greaterThan(batch.timestamp);
    expect(stamped).to.be.within((await chainNow(connection)) - BATCH_TIMESTAMP_WINDOW, await chainNow(connection));
    expect(settled.proved.batch.batchNumber).to.equal(1);
    expect(await client.stateRoot()).to.equal(batch.newRoot);
  });

  it("a batch whose order expired before any timestamp L1 would take cannot be re-stamped: ResealRequiredError, nothing submitted", async () => {
    const op = await operator();
    const batch = op.batch(1, (b) => b.add(op.buyFill({ maker: { validUntil: header.timestamp + 10 } })));
    await connection.provider.request({ method: "evm_increaseTime", params: [BATCH_TIMESTAMP_WINDOW + 3_600] });
    await connection.provider.request({ method: "evm_mine", params: [] });
    const error = await new SettlementPipeline(prover, client).enqueue(batch).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ResealRequiredError);
    expect((error as Error).message).to.include("expired");
    expect(await client.batchCount()).to.equal(0n);
  });

  it("root mismatch: another batch that changed the state landed in its place; without a reseal hook it stops with ResealRequiredError naming L1's root", async () => {
    const theirs = await operator();
    await client.submit(await prover.prove(theirs.batch(1, (b) => b.add(theirs.buyFill({ baseAmount: 3n })))));
    const op = await operator();
    const error = await new SettlementPipeline(prover, client).enqueue(op.batch(1, (b) => b.add(op.buyFill()))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ResealRequiredError);
    expect((error as ResealRequiredError).l1).to.deep.include({ batchCount: 1, stateRoot: theirs.state.root });
    expect(await client.batchCount()).to.equal(1n);
  });

  it("root mismatch with the reseal hook: its transactions are applied again on L1's state, the one another batch already made is dropped, and both land", async () => {
    const theirs = await operator();
    const trader = theirs.traders[2]!;
    const withdrawal = signWithdrawal({ accountId: trader.accountId, tokenId: QUOTE, nonce: 0, amount: 700n, domain: header.domain }, trader.key);
    await client.submit(await prover.prove(theirs.batch(1, (b) => {
      b.withdraw(withdrawal);
      b.add(theirs.buyFill({ baseAmount: 3n }));
    })));
    const op = await operator();
    const ours = [
      op.batch(1, (b) => {
        b.withdraw(withdrawal); // the same signed withdrawal: on L1 its nonce is spent
        b.add(op.buyFill({ baseAmount: 10n }));
      }),
      op.batch(2, (b) => b.add(op.buyFill({ baseAmount: 5n }))),
    ];
    const genesis = (await scenario(artifacts.config, header.domain)).state;
    const dropped: DroppedTransaction[] = [];
    const pipeline = new SettlementPipeline(prover, client, { reseal: resealOnL1(client, genesis, artifacts.config, (d) => dropped.push(d)) });
    for (const b of ours) void pipeline.enqueue(b);
    const settled = await pipeline.drain();
    expect(settled.map((s) => s.receipt.batchNumber)).to.deep.equal([2, 3]);
    expect(dropped.map((d) => [d.batchNumber, d.transaction.type, d.reason.slice(0, 21)])).to.deep.equal([[1, "withdrawal", "withdrawal rule W3: n"]]);
    const rebuilt = genesis.clone();
    await rebuildFromL1(client, rebuilt);
    // Every fill of both operators settled once on L1; the withdrawal left once.
    const buyer = theirs.traders[0]!.accountId;
    expect(rebuilt.balance(buyer, BASE)).to.equal(genesis.balance(buyer, BASE) + 3n + 10n + 5n);
    expect(rebuilt.balance(trader.accountId, QUOTE)).to.equal(genesis.balance(trader.accountId, QUOTE) - 700n);
    expect(await client.stateRoot()).to.equal(rebuilt.root);
  });

  describe("several batches per transaction (Rollup.submitBatches)", () => {
    /**
     * Three batches of the operator, proved before the pipeline sees them: all ready when the first
     * one's turn comes. Proved once: every fresh chain has the same deployment (domain), and the
     * first test's header time is still inside the later tests' window.
     */
    let memo: Promise<{ batches: SealedBatch[]; ready: { prove: (b: SealedBatch) => Promise<ProvedBatch> } }> | undefined;
    const readyBatches = () => (memo ??= proveReady());
    async function proveReady() {
      const op = await operator();
      const batches = [op.batch(1, (b) => b.add(op.buyFill({ baseAmount: 4n }))), op.batch(2, () => {}), op.batch(3, (b) => b.add(op.buyFill({ baseAmount: 6n })))];
      const proved = new Map<number, ProvedBatch>();
      for (const b of batches) proved.set(b.batchNumber, await prover.prove(b));
      // Proofs of the sealed batches from the map; anything else (a re-stamp) proved for real.
      const ready = { prove: async (b: SealedBatch) => (proved.get(b.batchNumber)?.batch === b ? proved.get(b.batchNumber)! : await prover.prove(b)) };
      return { batches, ready };
    }
    async function nonce() {
      const [wallet] = await connection.viem.getWalletClients();
      return await (await connection.viem.getPublicClient()).getTransactionCount({ address: wallet!.account.address });
    }

    it("lands the consecutive batches whose proofs are ready in one transaction, each settled with it", async () => {
      const { batches, ready } = await readyBatches();
      const before = await nonce();
      const pipeline = new SettlementPipeline(ready, client);
      for (const b of batches) void pipeline.enqueue(b);
      const settled = await pipeline.drain();
      expect(new Set(settled.map((s) => s.receipt.txHash)).size).to.equal(1);
      expect(settled.map((s) => [s.receipt.batchNumber, s.receipt.batchesInTransaction])).to.deep.equal([[1, 3], [2, 3], [3, 3]]);
      expect(await nonce()).to.equal(before + 1);
      expect(await client.stateRoot()).to.equal(batches[2]!.newRoot);
    });

    it("takes no more than maxBatchesPerTransaction into one transaction", async () => {
      const { batches, ready } = await readyBatches();
      const pipeline = new SettlementPipeline(ready, client, {}, { maxBatchesPerTransaction: 2 });
      for (const b of batches) void pipeline.enqueue(b);
      const settled = await pipeline.drain();
      expect(settled.map((s) => s.receipt.batchesInTransaction)).to.deep.equal([2, 2, 1]);
      expect(new Set(settled.map((s) => s.receipt.txHash)).size).to.equal(2);
      expect(await client.batchCount()).to.equal(3n);
      expect(() => new SettlementPipeline(ready, client, {}, { maxBatchesPerTransaction: 0 })).to.throw(RangeError);
    });

    /** The ready proofs, each released by the test: `release(n)` lets batch n's proof finish. */
    const gated = (ready: { prove: (b: SealedBatch) => Promise<ProvedBatch> }) => {
      const gates = new Map<number, () => void>();
      const opened = new Map<number, Promise<void>>();
      const gate = (n: number) => {
        if (!opened.has(n)) opened.set(n, new Promise<void>((resolve) => gates.set(n, resolve)));
        return opened.get(n)!;
      };
      return {
        prover: { prove: async (b: SealedBatch) => (await gate(b.batchNumber), await ready.prove(b)) },
        release: (n: number) => (gate(n), gates.get(n)!()),
      };
    };

    it("settlement policy, target 3: a proved batch waits for the next two proofs and all three land in one transaction", async () => {
      const { batches, ready } = await readyBatches();
      const { prover: slow, release } = gated(ready);
      const pipeline = new SettlementPipeline(slow, client, {}, { targetBatchesPerTx: 3, maxDelayMs: 60_000 });
      const settled = batches.map((b) => pipeline.enqueue(b));
      release(1);
      await new Promise((r) => setTimeout(r, 500));
      expect(await client.batchCount(), "batch 1 is held, not landed alone").to.equal(0n);
      release(2);
      await new Promise((r) => setTimeout(r, 300));
      expect(await client.batchCount(), "two of three: still held").to.equal(0n);
      release(3);
      expect((await Promise.all(settled)).map((s) => s.receipt.batchesInTransaction)).to.deep.equal([3, 3, 3]);
    });

    it("settlement policy, maxDelayMs: a batch lands without the others once it has waited that long; the next ones wait in their turn", async () => {
      const { batches, ready } = await readyBatches();
      const { prover: slow, release } = gated(ready);
      const pipeline = new SettlementPipeline(slow, client, {}, { targetBatchesPerTx: 3, maxDelayMs: 400 });
      const settled = batches.map((b) => pipeline.enqueue(b));
      const started = Date.now();
      release(1);
      const first = await settled[0]!;
      expect(Date.now() - started).to.be.at.least(400);
      expect(first.receipt.batchesInTransaction).to.equal(1);
      release(2);
      release(3);
      expect((await Promise.all(settled.slice(1))).map((s) => s.receipt.batchesInTransaction)).to.deep.equal([2, 2]);
      expect(() => new SettlementPipeline(ready, client, {}, { targetBatchesPerTx: 0 })).to.throw(RangeError);
    });

    it("settlement policy: stop while a batch is held sends nothing and rejects with the reason", async () => {
      const { batches, ready } = await readyBatches();
      const { prover: slow, release } = gated(ready);
      const pipeline = new SettlementPipeline(slow, client, {}, { targetBatchesPerTx: 3, maxDelayMs: 60_000 });
      const held = pipeline.enqueue(batches[0]!);
      release(1);
      await new Promise((r) => setTimeout(r, 300));
      pipeline.stop(new Error("exit mode"));
      expect(await held.then(() => "landed", (e: Error) => e.message)).to.equal("exit mode");
      expect(await client.batchCount()).to.equal(0n);
    });

    it("leaves out a ready batch L1 would refuse as sealed (stamped before the one it follows): it lands after, re-stamped", async () => {
      const op = await operator();
      const first = op.batch(1, (b) => b.add(op.buyFill({ baseAmount: 4n })));
      const early = op.batch(2, (b) => b.add(op.buyFill({ baseAmount: 6n })), { timestamp: header.timestamp - 30 });
      const proved = new Map<number, ProvedBatch>([[1, await prover.prove(first)], [2, await prover.prove(early)]]);
      const restamped: number[] = [];
      const ready = { prove: async (b: SealedBatch) => (proved.get(b.batchNumber)?.batch === b ? proved.get(b.batchNumber)! : await prover.prove(b)) };
      const pipeline = new SettlementPipeline(ready, client, { onRestamped: (from, to) => restamped.push(from.timestamp, to.timestamp) });
      void pipeline.enqueue(first);
      void pipeline.enqueue(early);
      const settled = await pipeline.drain();
      expect(settled.map((s) => s.receipt.batchesInTransaction)).to.deep.equal([1, 1]);
      expect(restamped[0]).to.equal(header.timestamp - 30);
      expect(restamped[1]).to.be.at.least(header.timestamp);
      expect(await client.stateRoot()).to.equal(early.newRoot);
    });
  });
});
