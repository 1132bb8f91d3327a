import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Address, bytesToHex, encodeAbiParameters, type Hex, hexToBytes, keccak256 } from "viem";
import { SNARK_FIELD } from "../constants.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { poseidonArtifact } from "./poseidon-artifact.js";
import type { RollupClient } from "./rollup-client.js";

/** One row of the code check: a contract the deployment runs, and whether its code is this build's. */
export interface CodeCheck {
  contract: string;
  address: Address;
  ok: boolean;
  /** What differs, in words; undefined when the code is what this build makes. */
  problem?: string;
}

interface CompiledArtifact {
  deployedBytecode: Hex;
  immutableReferences?: Record<string, { start: number; length: number }[]>;
}

/** A contract's artifact from this project's own compile (artifacts/, made by `npm run compile`). */
async function compiled(source: string, name: string): Promise<CompiledArtifact> {
  return JSON.parse(await readFile(join(PACKAGE_ROOT, "artifacts", "contracts", source, `${name}.json`), "utf8")) as CompiledArtifact;
}

/**
 * Compares `code` (what runs at an address) with this build's runtime code: byte for byte, except
 * at the immutables' places (values the constructor wrote), which the caller checks through the
 * contract's getters once the rest is known to be this build's. Returns the immutables' words.
 */
export function matchRuntime(code: Uint8Array, artifact: CompiledArtifact): { ok: boolean; problem?: string; immutables: Uint8Array[] } {
  const expected = hexToBytes(artifact.deployedBytecode);
  if (code.length === 0) return { ok: false, problem: "no code at the address", immutables: [] };
  if (code.length !== expected.length) return { ok: false, problem: `its code is ${code.length} bytes, this build's ${expected.length}`, immutables: [] };
  const masked = new Uint8Array(code.length);
  const immutables: Uint8Array[] = [];
  for (const refs of Object.values(artifact.immutableReferences ?? {})) {
    for (const { start, length } of refs) {
      masked.fill(1, start, start + length);
      immutables.push(code.slice(start, start + length));
    }
  }
  for (let i = 0; i < code.length; i++) {
    if (!masked[i] && code[i] !== expected[i]) return { ok: false, problem: `its code differs from this build's from byte ${i}`, immutables };
  }
  return { ok: true, immutables };
}

/** keccak256(abi.encode(chainId, rollup)) mod r: the domain every order and batch of this deployment commits to (docs/protocol.md §3). */
export function expectedDomain(chainId: number, rollup: Address): bigint {
  return BigInt(keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }], [BigInt(chainId), rollup]))) % SNARK_FIELD;
}

/**
 * Checks that the code running at a deployment is what this project's build makes (docs/protocol.md
 * §9): the Rollup and Groth16BatchVerifier byte for byte outside their immutables, the Poseidon
 * hashers as circomlibjs generates them (their creation code, run by an eth_call, gives the runtime
 * code), and the verifier's key store as a STOP byte followed by exactly `keyWords`. The getters
 * that expose the immutables are read only after their contract's code matched. A contract swapped
 * for a look-alike (an extra owner-only function, a verifier that accepts anything) is a failed row.
 */
export async function checkDeploymentCode(client: RollupClient, keyWords: readonly bigint[]): Promise<CodeCheck[]> {
  const publicClient = await client.publicClient();
  const codeAt = async (address: Address) => hexToBytes((await publicClient.getCode({ address })) ?? "0x");
  const rows: CodeCheck[] = [];
  const row = (contract: string, address: Address, r: { ok: boolean; problem?: string }) => {
    rows.push({ contract, address, ok: r.ok, ...(r.problem ? { problem: r.problem } : {}) });
    return r.ok;
  };
  const rollupMatch = matchRuntime(await codeAt(client.address), await compiled("Rollup.sol", "Rollup"));
  if (!row("Rollup", client.address, rollupMatch)) return rows;

  const rollup = await client.contract();
  const [verifier, nodeHasher, leafHasher] = await Promise.all([rollup.read.verifier(), rollup.read.nodeHasher(), rollup.read.leafHasher()]);
  const verifierArtifact = await compiled("Groth16BatchVerifier.sol", "Groth16BatchVerifier");
  const verifierMatch = matchRuntime(await codeAt(verifier), verifierArtifact);
  if (row("Groth16BatchVerifier", verifier, verifierMatch)) {
    // The key store is the one immutable that is an address with code; its code must be the key.
    const store = (await Promise.all(verifierMatch.immutables.map(async (w) => ({ address: bytesToHex(w.slice(12)) as Address, high: w.slice(0, 12).some((b) => b !== 0) }))))
      .filter((c) => !c.high);
    let found = false;
    const expected = new Uint8Array([0, ...hexToBytes(encodeAbiParameters([{ type: "uint256[]" }], [[...keyWords]])).slice(64)]);
    for (const c of store) {
      const code = await codeAt(c.address);
      if (code.length === 0) continue;
      found = true;
      const same = code.length === expected.length && code.every((b, i) => b === expected[i]);
      row("verifier key store", c.address, same ? { ok: true } : { ok: false, problem: `its code is not a STOP byte and the ${keyWords.length} words of the given key` });
      break;
    }
    if (!found) row("verifier key store", verifier, { ok: false, problem: "the verifier names no key store with code" });
  }
  for (const [inputs, address] of [[4, nodeHasher], [5, leafHasher]] as const) {
    const artifact = poseidonArtifact(inputs);
    const { data } = await publicClient.call({ data: artifact.bytecode as Hex });
    const built = hexToBytes(data ?? "0x");
    const code = await codeAt(address);
    const same = code.length > 0 && code.length === built.length && code.every((b, i) => b === built[i]);
    row(`Poseidon(${inputs}) hasher`, address, same ? { ok: true } : { ok: false, problem: code.length === 0 ? "no code at the address" : `its code is not circomlibjs' Poseidon with ${inputs} inputs` });
  }
  return rows;
}
