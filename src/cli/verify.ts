import { ValidationError } from "../errors.js";
import { parseArgs } from "./args.js";
import { printTable } from "./demo.js";
import { l1Endpoint, withL1Rollup } from "./l1-endpoint.js";

export const USAGE = "usage: proofbook verify --rpc URL --rollup ADDRESS (--vkey verification_key.json | --circuit NAME)";

const mark = (ok: boolean | undefined) => (ok === undefined ? "not checked" : ok ? "ok" : "MISMATCH");

/**
 * npm run verify: checks a deployment from L1 alone, trusting only the verification key given
 * (`--vkey FILE`, or `--circuit NAME` for the key the local build made): rebuilds the state from
 * every batch's pubdata, recomputes each batch's public inputs and verifies its proof off-chain,
 * compares the L1 verifier's key with the given one, and prints a report per batch. Returns 0 when
 * everything agrees, 1 on any mismatch (or a batch whose proof it could not re-check).
 */
export async function verifyCommand(argv: readonly string[], log: (m: string) => void = console.log): Promise<number> {
  const args = parseArgs(argv, { rpc: "string", rollup: "string", vkey: "string", circuit: "string" });
  const { rpc, rollup } = l1Endpoint(args);
  if ((args.vkey === undefined) === (args.circuit === undefined)) throw new ValidationError("--vkey", "give exactly one of --vkey FILE and --circuit NAME: the key to check the proofs with");
  const { readVerificationKey } = await import("../chain/verifying-key.js");
  let vkeyFile = String(args.vkey ?? "");
  if (args.circuit !== undefined) {
    const { circuitConfig } = await import("../prover/circuit-configs.js");
    circuitConfig(String(args.circuit)); // an unknown name is a usage error, before any build
    const { artifactsFor } = await import("./build.js");
    vkeyFile = (await artifactsFor(String(args.circuit), (m) => log(`[build] ${m}`))).vkey;
  }
  const vkey = await readVerificationKey(vkeyFile);

  const { verifyFromL1 } = await import("../chain/verify-from-l1.js");
  return await withL1Rollup(rpc, rollup, async (client, state) => {
    log(`checking rollup ${rollup} from L1 with the key ${vkeyFile} ...`);
    const report = await verifyFromL1(client, state, vkey, (b) => log(`batch ${b.batchNumber}: ${b.problem === undefined ? "ok" : `MISMATCH: ${b.problem}`}`));
    printTable(
      ["contract", "address", "code"],
      report.code.map((c) => [c.contract, c.address, c.ok ? "this build's" : `MISMATCH: ${c.problem}`]),
    );
    for (const c of report.code) log(`code of ${c.contract}: ${c.ok ? "ok" : `MISMATCH: ${c.problem}`}`);
    log(`domain: ${report.domain.expected === report.domain.reported ? "matches keccak256(chain id, rollup address)" : `MISMATCH: the contract reports ${report.domain.reported}, chain id and address give ${report.domain.expected}`}`);
    log(`insecure dev-setup override: ${report.insecureVerifierAllowed ? "USED (anyone who knows the dev secrets can forge proofs)" : "not used"}`);
    printTable(
      ["batch", "transaction", "old root", "pubdata -> new root", "public inputs", "proof"],
      report.batches.map((b) => [String(b.batchNumber), `${b.txHash.slice(0, 10)}…`, mark(b.chained), mark(b.rebuilt), mark(b.inputs), mark(b.proof)]),
    );
    log(`L1 verifier's key: ${report.key === "matches" ? "matches the given key" : report.key === "differs" ? "DIFFERS from the given key" : "UNREADABLE (it does not tell its key)"}`);
    log(`state rebuilt from ${report.batches.length} batches: root ${report.rebuiltRoot}; the contract's state root ${report.stateRoot}: ${report.rebuiltRoot === report.stateRoot ? "MATCH" : "MISMATCH"}`);
    log(report.ok ? "verified: every batch checks out" : "NOT verified: see the mismatches above");
    return report.ok ? 0 : 1;
  });
}
