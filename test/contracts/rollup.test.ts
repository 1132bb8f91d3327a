import { expect } from "chai";
import { encodeFunctionData, decodeFunctionResult, hexToBytes, toHex } from "viem";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { cancelRecordBytes, fillRecordBytes, pubdataLength } from "../../src/batch/pubdata.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { type BatchHeader, inputsHash, publicInputs } from "../../src/batch/public-input.js";
import { verifierKeyWords } from "../../src/chain/verifying-key.js";
import { domainSeparator } from "../../src/crypto/domain.js";
import { proofCalldata } from "../../src/chain/proof-calldata.js";
import { DEV_CHAIN_ID, RollupClient } from "../../src/chain/rollup-client.js";
import { BATCH_TIMESTAMP_WINDOW, SNARK_FIELD } from "../../src/constants.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { type ProvedBatch, ProverPool } from "../../src/prover/prover-pool.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { type Connection, chainNow, expectRevert, firstHeader, freshChainPerTest, inertVerifier } from "../helpers/chain.js";
import { scenario } from "../helpers/fixtures.js";

describe("contracts: Rollup", function () {
  let artifacts: CircuitArtifacts;
  let proved: ProvedBatch;
  let genesisRoot: bigint;
  let connection: Connection;

  let header: BatchHeader;

  before(async function () {
    artifacts = await testArtifacts();
    genesisRoot = (await scenario(artifacts.config)).state.root;
    header = await firstHeader(async (c) => (await deployOn(c)).client);
    const s = await scenario(artifacts.config, header.domain);
    const b = new BatchBuilder(artifacts.config, s.state, header);
    b.add(s.buyFill());
    const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true });
    try {
      proved = await pool.prove(b.seal());
    } finally {
      await pool.close();
    }
  });

  const chain = freshChainPerTest();
  beforeEach(() => {
    connection = chain();
  });

  async function deployOn(c: Connection) {
    const client = await RollupClient.deploy(c, artifacts, genesisRoot, { contract: "RollupHarness", firstAccountId: 5 });
    const rollup = await c.viem.getContractAt("RollupHarness", client.address);
    return { client, rollup };
  }

  async function deploy() {
    const deployed = await deployOn(connection);
    expect(await deployed.client.domain(), "the same deployment gets the same domain").to.equal(header.domain);
    return deployed;
  }

  const args = (over: Partial<{ oldRoot: bigint; newRoot: bigint; timestamp: number; pubdata: Uint8Array; proof: readonly bigint[] }> = {}) => {
    const b = proved.batch;
    return [over.oldRoot ?? b.oldRoot, over.newRoot ?? b.newRoot, BigInt(over.timestamp ?? b.timestamp), toHex(over.pubdata ?? b.pubdata), (over.proof ?? proofCalldata(proved.proof)) as readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint]] as const;
  };

  it("takes the public inputs exactly as the TS model, for every pubdata length, with its own domain", async () => {
    const { rollup } = await deploy();
    for (const len of [0, 1, 30, 31, 32, 45, 62, 63, 90, 93, 155, 156, 250]) {
      const pubdata = new Uint8Array(len).map((_, i) => (i * 131 + len) & 0xff);
      expect(await rollup.read.publicInputs([5n, 6n, 7n, 1_700_000_000n, toHex(pubdata)])).to.deep.equal(publicInputs(5n, 6n, { batchNumber: 7, timestamp: 1_700_000_000, domain: header.domain }, pubdata));
    }
  });

  it("computes its domain separator from the chain id and its address, as the TS model does", async () => {
    const { client } = await deploy();
    expect(await client.domain()).to.equal(domainSeparator(DEV_CHAIN_ID, client.address));
  });

  it("ignores non-zero bytes in the ABI padding after the pubdata", async () => {
    const { rollup } = await deploy();
    const pubdata = new Uint8Array(45).fill(0xab);
    const data = encodeFunctionData({ abi: rollup.abi, functionName: "publicInputs", args: [1n, 2n, 3n, 4n, toHex(pubdata)] });
    const bytes = hexToBytes(data);
    bytes.fill(0xff, bytes.length - 19); // the 19 padding bytes after 45 bytes of data
    const publicClient = await connection.viem.getPublicClient();
    const result = await publicClient.call({ to: rollup.address, data: toHex(bytes) });
    expect(decodeFunctionResult({ abi: rollup.abi, functionName: "publicInputs", data: result.data! })).to.deep.equal(publicInputs(1n, 2n, { batchNumber: 3, timestamp: 4, domain: header.domain }, pubdata));
  });

  it("moves the root for a valid proof, counts the batch and emits BatchSubmitted", async () => {
    const { client } = await deploy();
    const before = await client.position();
    const receipt = await client.submit(proved);
    // position() reads every field at one block: read again at that block, it is the same after the batch landed.
    expect(await client.position(before.blockNumber)).to.deep.equal(before);
    const after = await client.position();
    expect(after.blockNumber > before.blockNumber).to.equal(true);
    expect(after).to.include({ batchCount: 1, stateRoot: proved.batch.newRoot, lastBatchTimestamp: header.timestamp });
    expect(before).to.include({ batchCount: 0, stateRoot: genesisRoot });
    expect(receipt.newRoot).to.equal(proved.batch.newRoot);
    expect(await client.stateRoot()).to.equal(proved.batch.newRoot);
    expect(await client.batchCount()).to.equal(1n);
    const [event] = await client.events();
    expect(event).to.include({ batchNumber: 1n, oldRoot: genesisRoot, newRoot: proved.batch.newRoot, timestamp: BigInt(header.timestamp), inputsHash: inputsHash(proved.batch.publicInputs) });
    expect(await client.lastBatchTimestamp()).to.equal(BigInt(header.timestamp));
  });

  it("bounds the batch timestamp by the block time: not ahead of it, not more than the window behind it (InvalidBatchTimestamp)", async () => {
    const { rollup } = await deploy();
    const now = BigInt(await chainNow(connection));
    // The proof is for header.timestamp; any other timestamp breaks the public input, so these
    // revert on the time bounds before the proof is checked.
    await expectRevert(rollup.write.submitBatch(args({ timestamp: Number(now) + 3600 })), "InvalidBatchTimestamp");
    await expectRevert(rollup.write.submitBatch(args({ timestamp: Number(now) - BATCH_TIMESTAMP_WINDOW - 10 })), "InvalidBatchTimestamp");
    // The batch's own timestamp, once the chain is past the window, is too old as well.
    await connection.provider.request({ method: "evm_increaseTime", params: [BATCH_TIMESTAMP_WINDOW + 120] });
    await connection.provider.request({ method: "evm_mine", params: [] });
    await expectRevert(rollup.write.submitBatch(args()), "InvalidBatchTimestamp");
  });

  it("refuses a batch stamped before the last batch (InvalidBatchTimestamp): batch timestamps never decrease", async () => {
    const { client, rollup } = await deploy();
    await client.submit(proved);
    // Batch 2 on top of batch 1: the time bounds are checked before the proof, so no proof is needed to reach them.
    const next = { oldRoot: proved.batch.newRoot, pubdata: new Uint8Array(proved.batch.pubdata.length) };
    await expectRevert(rollup.write.submitBatch(args({ ...next, timestamp: header.timestamp - 1 })), "InvalidBatchTimestamp");
    await expectRevert(rollup.write.submitBatch(args({ ...next, timestamp: header.timestamp })), "InvalidProof");
  });

  it("a valid proof with a timestamp other than the one it was proven for is refused (InvalidProof)", async () => {
    const { rollup } = await deploy();
    await expectRevert(rollup.write.submitBatch(args({ timestamp: header.timestamp + 1 })), "InvalidProof");
  });

  it("rejects a wrong old root (StateRootMismatch), and the same batch a second time", async () => {
    const { client, rollup } = await deploy();
    await expectRevert(rollup.write.submitBatch(args({ oldRoot: genesisRoot + 1n })), "StateRootMismatch");
    await client.submit(proved);
    await expectRevert(rollup.write.submitBatch(args()), "StateRootMismatch");
    expect(await client.batchCount()).to.equal(1n);
  });

  it("rejects a tampered proof (InvalidProof)", async () => {
    const { rollup } = await deploy();
    const proof = [...proofCalldata(proved.proof)];
    proof[6] = proof[6]! + 1n;
    await expectRevert(rollup.write.submitBatch(args({ proof })), "InvalidProof");
    const swapped = [...proofCalldata(proved.proof)];
    [swapped[0], swapped[6]] = [swapped[6]!, swapped[0]!];
    await expectRevert(rollup.write.submitBatch(args({ proof: swapped })), "InvalidProof");
  });

  it("rejects tampered calldata: pubdata or new root (InvalidProof)", async () => {
    const { rollup } = await deploy();
    const pubdata = new Uint8Array(proved.batch.pubdata);
    pubdata[pubdata.length - 1] = pubdata[pubdata.length - 1]! ^ 1;
    await expectRevert(rollup.write.submitBatch(args({ pubdata })), "InvalidProof");
    await expectRevert(rollup.write.submitBatch(args({ newRoot: proved.batch.newRoot + 1n })), "InvalidProof");
  });

  it("rejects pubdata of the wrong length (PubdataLengthMismatch)", async () => {
    const { rollup } = await deploy();
    await expectRevert(rollup.write.submitBatch(args({ pubdata: new Uint8Array([...proved.batch.pubdata, 0]) })), "PubdataLengthMismatch");
  });

  it("rejects a new root outside the field (RootNotInField)", async () => {
    const { rollup } = await deploy();
    await expectRevert(rollup.write.submitBatch(args({ newRoot: proved.batch.newRoot + SNARK_FIELD })), "RootNotInField");
  });

  it("refuses tree depths out of range and a first account id of 0 (InvalidConfiguration)", async () => {
    const zero = "0x0000000000000000000000000000000000000000";
    const ones = { nDeposits: 1, nWithdrawals: 1, nCancels: 1, nFills: 1, nMarkets: 1 };
    // The depths are checked before the verifier's input count: any verifier with code will do.
    const verifier = await inertVerifier(connection, { ...ones, accountDepth: 16, orderDepth: 16 });
    for (const [depths, first] of [[[0n, 1n, 1n], 1n], [[17n, 1n, 1n], 1n], [[2n, 0n, 1n], 1n], [[2n, 9n, 1n], 1n], [[2n, 1n, 0n], 1n], [[2n, 1n, 17n], 1n], [[2n, 1n, 1n], 0n]] as const) {
      await expectRevert(connection.viem.deployContract("Rollup", [verifier.address, [zero, zero], 0n, [1n, 1n, 1n, 1n, 1n], depths, first, [60n, 0n], false]), "InvalidConfiguration");
    }
    await connection.viem.deployContract("Rollup", [verifier.address, [zero, zero], 0n, [1n, 1n, 1n, 1n, 1n], [16n, 8n, 16n], 1n, [60n, 0n], false]);
  });

  it("refuses a genesis root outside the field (RootNotInField)", async () => {
    const zero = "0x0000000000000000000000000000000000000000";
    const verifier = await inertVerifier(connection, { nDeposits: 1, nWithdrawals: 1, nCancels: 1, nFills: 1, nMarkets: 1, accountDepth: 2, orderDepth: 1 });
    await expectRevert(connection.viem.deployContract("Rollup", [verifier.address, [zero, zero], SNARK_FIELD, [1n, 1n, 1n, 1n, 1n], [2n, 1n, 1n], 1n, [60n, 0n], false]), "RootNotInField");
  });

  it("refuses a verifier whose key has another number of public inputs than its batches (VerifierMismatch), and a market count that is not a power of 2", async () => {
    const zero = "0x0000000000000000000000000000000000000000";
    const words = await verifierKeyWords(artifacts.vkey);
    const verifier = await connection.viem.deployContract("Groth16BatchVerifier", [words, true]);
    const cfg = artifacts.config;
    const slots = [cfg.nDeposits, cfg.nWithdrawals, cfg.nCancels, cfg.nFills, cfg.nMarkets].map(BigInt) as [bigint, bigint, bigint, bigint, bigint];
    const depths = [cfg.accountDepth, cfg.balanceDepth, cfg.orderDepth].map(BigInt) as [bigint, bigint, bigint];
    await connection.viem.deployContract("Rollup", [verifier.address, [zero, zero], 0n, slots, depths, 1n, [60n, 0n], false]);
    // Four more fill slots: more pubdata, more chunks than the key has points for.
    await expectRevert(connection.viem.deployContract("Rollup", [verifier.address, [zero, zero], 0n, [slots[0], slots[1], slots[2], slots[3] + 4n, slots[4]], depths, 1n, [60n, 0n], false]), "VerifierMismatch");
    // A market count that is not a power of 2: a fill could not name its record in whole bits.
    await expectRevert(connection.viem.deployContract("Rollup", [verifier.address, [zero, zero], 0n, [slots[0], slots[1], slots[2], slots[3], 3n], depths, 1n, [60n, 0n], false]), "InvalidConfiguration");
  });

  it("sizes fill, cancel and whole-batch pubdata as the TS model does, for every configuration (production depths included)", async () => {
    const zero = "0x0000000000000000000000000000000000000000";
    // Every configuration, and one with 8 market records (3 index bits), each with a verifier of its input count.
    for (const cfg of [...Object.values(CIRCUIT_CONFIGS), { ...CIRCUIT_CONFIGS.large, nMarkets: 8 }]) {
      const slots = [cfg.nDeposits, cfg.nWithdrawals, cfg.nCancels, cfg.nFills, cfg.nMarkets].map(BigInt) as [bigint, bigint, bigint, bigint, bigint];
      const depths = [cfg.accountDepth, cfg.balanceDepth, cfg.orderDepth].map(BigInt) as [bigint, bigint, bigint];
      const verifier = await inertVerifier(connection, cfg);
      const rollup = await connection.viem.deployContract("Rollup", [verifier.address, [zero, zero], 0n, slots, depths, 1n, [60n, 0n], false]);
      expect(Number(await rollup.read.fillRecordBytes()), `${cfg.name}: fill record`).to.equal(fillRecordBytes(cfg));
      expect(Number(await rollup.read.cancelRecordBytes()), `${cfg.name}: cancel record`).to.equal(cancelRecordBytes(cfg));
      expect(Number(await rollup.read.pubdataLength()), `${cfg.name}: pubdata`).to.equal(pubdataLength(cfg));
    }
  });
});
