import * as snarkjs from "snarkjs";
import type { Hex } from "viem";
import { inputsHash, publicInputs } from "../batch/public-input.js";
import type { RollupState } from "../state/rollup-state.js";
import { applyPubdata } from "../state/rebuild.js";
import { type CodeCheck, checkDeploymentCode, expectedDomain } from "./deployment-code.js";
import { proofFromCalldata } from "./proof-calldata.js";
import type { RollupClient } from "./rollup-client.js";
import { keyWords, type SnarkjsVerificationKey } from "./verifying-key.js";

/** One landed batch, checked from L1 data alone against the verifier's own key (docs/protocol.md §9). */
export interface BatchCheck {
  batchNumber: number;
  txHash: Hex;
  /** The batch starts from the root the state rebuilt so far is at. */
  chained: boolean;
  /** Its pubdata, applied to that state, gives the new root the contract accepted. */
  rebuilt: boolean;
  /** The public inputs recomputed from its roots, header and pubdata hash to the event's inputsHash. */
  inputs: boolean;
  /** Its proof verifies under the verifier's key for those inputs; undefined when the proof is not in the transaction's calldata (sent through another contract). */
  proof: boolean | undefined;
  /** What is wrong, in words; undefined when every check passed. */
  problem?: string;
}

export interface L1Verification {
  /** The code each contract of the deployment runs, against this build's (deployment-code.ts). */
  code: CodeCheck[];
  /** The domain recomputed from the chain id and the Rollup's address, and the one the contract reports. */
  domain: { expected: bigint; reported: bigint };
  /** The deployer used the override that lets a dev-setup verifier run beyond a local development chain. */
  insecureVerifierAllowed: boolean;
  batches: BatchCheck[];
  /** The L1 verifier's key against the verifier's own: "matches", "differs", or "unreadable" (it does not tell its key). */
  key: "matches" | "differs" | "unreadable";
  /** The root of the state rebuilt from every batch, and the contract's state root. */
  rebuiltRoot: bigint;
  stateRoot: bigint;
  /** True only if the code is this build's, the domain and key match, no insecure override was used, every check of every batch passed and the roots agree. */
  ok: boolean;
}

/**
 * Checks every batch that landed on `client`'s Rollup from L1 data alone, trusting nothing the
 * contract says about proofs: replays each batch's pubdata (from its BatchSubmitted event) on
 * `genesis` (mutated), recomputes its public inputs, and verifies its proof (from its transaction's
 * calldata) under `vkey`, the key the caller trusts. A dishonest or broken L1 verifier, a root the
 * pubdata does not give, or a proof of other inputs each show as a failed check of that batch.
 */
export async function verifyFromL1(client: RollupClient, genesis: RollupState, vkey: SnarkjsVerificationKey, onBatch: (check: BatchCheck) => void = () => {}): Promise<L1Verification> {
  const ownKey = keyWords(vkey);
  const code = await checkDeploymentCode(client, ownKey);
  const shape = await client.shape();
  const chainId = await (await client.publicClient()).getChainId();
  // The domain every batch's inputs carry is recomputed here, not taken from the contract.
  const domain = expectedDomain(chainId, client.address);
  const reportedDomain = await client.domain();
  const insecureVerifierAllowed = await (await client.contract()).read.insecureVerifierAllowed();
  const onChainKey = await client.verifierKey();
  const key = onChainKey === undefined ? "unreadable" : onChainKey.length === ownKey.length && onChainKey.every((w, i) => w === ownKey[i]) ? "matches" : "differs";
  const batches: BatchCheck[] = [];
  for (const event of await client.pubdataHistory()) {
    const problems: string[] = [];
    const chained = event.oldRoot === genesis.root;
    if (!chained) problems.push(`starts from ${event.oldRoot}, the rebuilt state is at ${genesis.root}`);
    let rebuilt = false;
    try {
      const root = applyPubdata(genesis, event.pubdata, shape);
      rebuilt = root === event.newRoot;
      if (!rebuilt) problems.push(`its pubdata gives root ${root}, the contract accepted ${event.newRoot}`);
    } catch (e) {
      problems.push(`its pubdata does not apply: ${(e as Error).message}`);
    }
    const header = { batchNumber: Number(event.batchNumber), timestamp: Number(event.timestamp), domain };
    const signals = publicInputs(event.oldRoot, event.newRoot, header, event.pubdata);
    const inputs = inputsHash(signals) === event.inputsHash;
    if (!inputs) problems.push("the event's inputsHash is not the hash of the public inputs recomputed from its roots, header and pubdata");
    const words = await client.landedProof(event);
    let proof: boolean | undefined;
    if (words === undefined) problems.push(`its proof is not in the calldata of ${event.txHash} (sent through another contract): not re-checked`);
    else {
      proof = signals.length === vkey.nPublic && (await verifies(vkey, signals, words));
      if (!proof) problems.push("its proof does not verify under the given key");
    }
    const check: BatchCheck = { batchNumber: header.batchNumber, txHash: event.txHash, chained, rebuilt, inputs, proof, ...(problems.length ? { problem: problems.join("; ") } : {}) };
    batches.push(check);
    onBatch(check);
  }
  const stateRoot = await client.stateRoot();
  const ok = code.every((c) => c.ok) && domain === reportedDomain && !insecureVerifierAllowed && key === "matches" && stateRoot === genesis.root && batches.every((b) => b.problem === undefined);
  return { code, domain: { expected: domain, reported: reportedDomain }, insecureVerifierAllowed, batches, key, rebuiltRoot: genesis.root, stateRoot, ok };
}

/** snarkjs' Groth16 check; a proof whose points are not on the curve is false, not an exception. */
async function verifies(vkey: SnarkjsVerificationKey, signals: readonly bigint[], words: readonly bigint[]): Promise<boolean> {
  try {
    return await snarkjs.groth16.verify(vkey, signals.map(String), proofFromCalldata(words));
  } catch {
    return false;
  }
}
