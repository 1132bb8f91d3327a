import { network } from "hardhat";
import { type Abi, type Address, encodeFunctionData, type Hex, toHex } from "viem";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { poseidonArtifact } from "../chain/poseidon-artifact.js";
import { initPoseidon, poseidon } from "../crypto/poseidon.js";
import { verifierKeyWords } from "../chain/verifying-key.js";
import { HEADER_INPUTS, PUBDATA_CHUNK_BYTES, SNARK_FIELD } from "../constants.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import { CIRCUITS_DIR, ROOT } from "../prover/artifacts.js";
import { templateConstraints } from "../prover/template-constraints.js";

/** One way to commit the batch's public data to the proof (docs/protocol.md §6), at one pubdata size. */
export interface CommitmentPoint {
  option: "public inputs (built)" | "sha256" | "keccak256" | "Poseidon(6) chain" | "optimised Poseidon(6) chain";
  pubdataBytes: number;
  /** Proofs verified per transaction (only the public-input cost depends on it). */
  k: number;
  /** L1 gas of the commitment for one batch: the gas of the call (the verification over k), without the transaction's calldata costs. */
  l1GasPerBatch: number;
  /** Constraints of the commitment in the circuit, or undefined where not measured (keccak: no circomlib template). */
  constraints: number | undefined;
}

/** Per pubdata byte, from the difference between two sizes: what each extra byte of a fill costs. */
export interface CommitmentRate {
  option: CommitmentPoint["option"];
  k: number;
  l1GasPerByte: number;
  constraintsPerByte: number | undefined;
}

const SIZES = [155, 620] as const;
const require = createRequire(import.meta.url);

/**
 * Measures each commitment at two pubdata sizes: L1 gas on the in-process chain (GasMeter: the
 * gas of the call alone, since the pubdata's calldata is paid once whatever the commitment; for the public inputs, Groth16BatchVerifier.verifyProofs with as many inputs as the
 * pubdata needs, on the test circuit's key points and proof, k = 1 and 8) and constraints of the
 * circuit side (sha256: circomlib's Sha256 over header and pubdata; Poseidon chain:
 * bench/circuits/PoseidonChainCommitment.circom; public inputs: circuits/PubdataChunks.circom).
 */
export async function commitmentCost(testArtifacts: CircuitArtifacts, log: (m: string) => void): Promise<{ points: CommitmentPoint[]; rates: CommitmentRate[] }> {
  await initPoseidon();
  const points: CommitmentPoint[] = [];
  const connection = await network.connect();
  try {
    const publicClient = await connection.viem.getPublicClient();
    const [deployer] = await connection.viem.getWalletClients();
    const p6 = poseidonArtifact(6);
    const hash = await deployer!.deployContract({ abi: p6.abi as Abi, bytecode: p6.bytecode as Hex });
    const poseidon6 = (await publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
    const bench = await connection.viem.deployContract("CommitmentBench", [poseidon6]);
    const optimised = await connection.viem.deployContract("PoseidonT7Opt", [optimisedPoseidonConstants()]);
    const sample = [1n, 2n, 3n, 4n, 5n, 6n];
    if ((await optimised.read.poseidon([sample as never])) !== poseidon(sample)) throw new Error("PoseidonT7Opt disagrees with circomlibjs' Poseidon");
    const optBench = await connection.viem.deployContract("CommitmentBench", [optimised.address]);
    const meter = await connection.viem.deployContract("GasMeter");
    const estimate = async (to: Address, data: Hex) => Number(await meter.read.measure([to, data]));
    const pubdata = (n: number) => toHex(new Uint8Array(n).map((_, i) => (i * 29 + 7) & 0xff));
    log("L1 gas of sha256, keccak256 and the Poseidon(6) chains ...");
    const calls = [
      ["sha256", bench, "sha256Commitment"],
      ["keccak256", bench, "keccakCommitment"],
      ["Poseidon(6) chain", bench, "poseidonChainCommitment"],
      ["optimised Poseidon(6) chain", optBench, "poseidonChainCommitment"],
    ] as const;
    for (const [option, contract, fn] of calls) {
      for (const size of SIZES) {
        const data = encodeFunctionData({ abi: contract.abi, functionName: fn, args: [1n, 2n, 3n, 4n, pubdata(size)] });
        points.push({ option, pubdataBytes: size, k: 1, l1GasPerBatch: await estimate(contract.address, data), constraints: undefined });
      }
    }
    log("L1 gas of the public inputs: Groth16BatchVerifier.verifyProofs by number of inputs, k = 1 and 8 ...");
    const words = await verifierKeyWords(testArtifacts.vkey);
    const ic1 = words.slice(16, 18);
    // Any valid curve points cost the same (the pairing check then fails, at the same price): the
    // key's own alpha (G1) and beta (G2) stand in for a proof, IC1 for every further IC point.
    const proof = [words[0]!, words[1]!, words[2]!, words[3]!, words[4]!, words[5]!, words[0]!, words[1]!];
    for (const size of SIZES) {
      const n = HEADER_INPUTS + Math.ceil(size / PUBDATA_CHUNK_BYTES);
      const key = [...words.slice(0, 16), ...Array.from({ length: n }, () => ic1).flat()];
      const verifier = await connection.viem.deployContract("Groth16BatchVerifier", [key, true]);
      for (const k of [1, 8]) {
        const inputs = Array.from({ length: k * n }, (_, i) => (BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc834n) % SNARK_FIELD);
        const data = encodeFunctionData({ abi: verifier.abi, functionName: "verifyProofs", args: [Array.from({ length: k }, () => proof) as never, inputs] });
        points.push({ option: "public inputs (built)", pubdataBytes: size, k, l1GasPerBatch: (await estimate(verifier.address, data)) / k, constraints: undefined });
      }
    }
  } finally {
    await connection.close();
  }
  log("constraints of each commitment in the circuit (compiling) ...");
  for (const size of SIZES) {
    const set = (option: CommitmentPoint["option"], constraints: number) => points.filter((p) => p.option === option && p.pubdataBytes === size).forEach((p) => (p.constraints = constraints));
    set("sha256", await templateConstraints(join(ROOT, "node_modules", "circomlib", "circuits", "sha256", "sha256.circom"), `Sha256(${8 * (4 * 32 + size)})`));
    const chain = await templateConstraints(join(ROOT, "bench", "circuits", "PoseidonChainCommitment.circom"), `PoseidonChainCommitment(${size})`);
    set("Poseidon(6) chain", chain);
    set("optimised Poseidon(6) chain", chain);
    set("public inputs (built)", await templateConstraints(join(CIRCUITS_DIR, "PubdataChunks.circom"), `PubdataChunks(${size})`));
  }
  const rates: CommitmentRate[] = [];
  const [lo, hi] = SIZES;
  for (const p of points.filter((q) => q.pubdataBytes === hi)) {
    const base = points.find((q) => q.option === p.option && q.k === p.k && q.pubdataBytes === lo)!;
    rates.push({
      option: p.option,
      k: p.k,
      l1GasPerByte: (p.l1GasPerBatch - base.l1GasPerBatch) / (hi - lo),
      constraintsPerByte: p.constraints === undefined || base.constraints === undefined ? undefined : (p.constraints - base.constraints) / (hi - lo),
    });
  }
  return { points, rates };
}

/** circomlibjs' constants of the optimised Poseidon with 6 inputs (t = 7), flattened as PoseidonT7Opt takes them: C, S, M, P. */
function optimisedPoseidonConstants(): bigint[] {
  // Not in circomlibjs' exports: read from its package folder.
  const file = join(dirname(require.resolve("circomlibjs")), "..", "src", "poseidon_constants_opt.json");
  const opt = JSON.parse(readFileSync(file, "utf8")) as Record<"C" | "S" | "M" | "P", unknown[]>;
  const t7 = (k: "C" | "S" | "M" | "P") => (opt[k][5] as (string | string[])[]).flat().map((x) => BigInt(x));
  return [...t7("C"), ...t7("S"), ...t7("M"), ...t7("P")];
}
