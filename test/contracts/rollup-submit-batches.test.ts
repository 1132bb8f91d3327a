import { expect } from "chai";
import { toHex } from "viem";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { gasBreakdown } from "../../src/chain/gas-breakdown.js";
import { proofCalldata } from "../../src/chain/proof-calldata.js";
import { rebuildFromL1 } from "../../src/chain/rebuild-from-l1.js";
import { RollupClient } from "../../src/chain/rollup-client.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import type { ProvedBatch } from "../../src/prover/prover-pool.js";
import { proveAll, testDeployment } from "../helpers/artifacts.js";
import { type Connection, expectRevert, freshChainPerTest } from "../helpers/chain.js";
import { scenario } from "../helpers/fixtures.js";

/** Rollup.submitBatches: k consecutive batches in one transaction, their proofs verified together. */
describe("contracts: several batches per L1 transaction", function () {
  let artifacts: CircuitArtifacts;
  let genesisRoot: bigint;
  /** Batches 1, 2, 3 in a row: two fills and a padding batch. */
  let proved: ProvedBatch[];

  before(async function () {
    const d = await testDeployment();
    ({ artifacts, genesisRoot } = d);
    const batches = [];
    for (const [n, base] of [[1, 10n], [2, 5n], [3, 0n]] as const) {
      const b = new BatchBuilder(artifacts.config, d.s.state, { ...d.header, batchNumber: n });
      if (base > 0n) b.add(d.s.buyFill({ baseAmount: base }));
      batches.push(b.seal());
    }
    proved = await proveAll(artifacts, batches);
  });

  const chain = freshChainPerTest();
  let connection: Connection;
  let client: RollupClient;
  beforeEach(async () => {
    connection = chain();
    client = await RollupClient.deploy(connection, artifacts, genesisRoot, { firstAccountId: 5 });
  });

  const submission = (p: ProvedBatch) => ({ oldRoot: p.batch.oldRoot, newRoot: p.batch.newRoot, timestamp: BigInt(p.batch.timestamp), pubdata: toHex(p.batch.pubdata), proof: proofCalldata(p.proof) });

  it("lands k batches in one transaction, as if submitted one by one, and L1 data alone rebuilds them", async () => {
    const receipts = await client.submitMany(proved);
    expect(receipts.map((r) => r.batchNumber)).to.deep.equal([1, 2, 3]);
    expect(new Set(receipts.map((r) => r.txHash)).size).to.equal(1);
    expect(await client.batchCount()).to.equal(3n);
    expect(await client.stateRoot()).to.equal(proved[2]!.batch.newRoot);
    const state = (await scenario(artifacts.config)).state;
    expect(await rebuildFromL1(client, state)).to.deep.equal({ batches: 3, root: proved[2]!.batch.newRoot });
  });

  it("costs k + 3 pairings in one precompile call, and its gas by what paid for it adds up to the receipt's (gasBreakdown)", async () => {
    const [receipt] = await client.submitMany(proved);
    const k = proved.length;
    const by = await gasBreakdown(connection.provider, receipt!.txHash);
    const { gasUsed, refund, ...parts } = by;
    expect(gasUsed).to.equal(Number(receipt!.gasUsed));
    expect(Object.values(parts).reduce((a, b) => a + b, 0) - refund).to.equal(gasUsed);
    // EIP-1108 prices: 45,000 + 34,000 per pair, 6,000 per multiplication, 150 per addition; each call 100 more (warm precompile).
    expect(by.pairing).to.equal(45_000 + 34_000 * (k + 3) + 100);
    // r_i C_i and r_i A_i for i > 0 (r_0 = 1 needs none), S·alpha and S·IC0, and one per non-zero T_j.
    expect(by.ecMul % 6_100).to.equal(0);
    expect(by.ecMul / 6_100).to.be.at.least(2 * (k - 1) + 2);
    expect(by.ecAdd % 250).to.equal(0);
    expect(by.logs).to.be.greaterThan(0);
    expect(by.intrinsic).to.be.greaterThan(21_000);
  });

  it("one bad proof at any position reverts them all (InvalidProof), and nothing lands", async () => {
    const rollup = await client.contract();
    for (let pos = 0; pos < proved.length; pos++) {
      const batches = proved.map(submission);
      // The proof of another batch: valid, but not for this batch's public input.
      batches[pos] = { ...batches[pos]!, proof: submission(proved[(pos + 1) % proved.length]!).proof };
      await expectRevert(rollup.write.submitBatches([batches]), "InvalidProof");
    }
    expect(await client.batchCount()).to.equal(0n);
    expect(await client.stateRoot()).to.equal(genesisRoot);
  });

  it("refuses a break in the chain of roots (StateRootMismatch), an empty list (NoBatches) and a caller other than the operator", async () => {
    const rollup = await client.contract();
    await expectRevert(rollup.write.submitBatches([[submission(proved[0]!), submission(proved[2]!)]]), "StateRootMismatch");
    await expectRevert(rollup.write.submitBatches([[]]), "NoBatches");
    const [, outsider] = await connection.viem.getWalletClients();
    const asOutsider = await connection.viem.getContractAt("Rollup", client.address, { client: { wallet: outsider! } });
    await expectRevert(asOutsider.write.submitBatches([proved.map(submission)]), "NotOperator");
    expect(await client.batchCount()).to.equal(0n);
  });

  it("submitBatch lands a single batch through the same verifier, and a batch that landed cannot land again", async () => {
    await client.submit(proved[0]!);
    await expectRevert(client.submit(proved[0]!), "StateRootMismatch");
    await client.submitMany(proved.slice(1));
    expect(await client.batchCount()).to.equal(3n);
  });
});
