// npm run build [-- --circuit test|demo|none|NAME,NAME] [--ptau FILE]: circuits, trusted setup, verifiers, contracts.
// --circuit none: generated sources and contracts only.
import { build } from "../src/cli/build.js";
import { parseArgs } from "../src/cli/args.js";
import { runCli } from "../src/cli/run-cli.js";
import { circuitConfig } from "../src/prover/circuit-configs.js";

await runCli(async () => {
  const args = parseArgs(process.argv.slice(2), { circuit: "string", ptau: "string" });
  const circuits = typeof args.circuit === "string" ? args.circuit.split(",").filter((c) => c !== "none") : undefined;
  for (const c of circuits ?? []) circuitConfig(c); // an unknown name is a usage error, before any work
  await build({ circuits, ptau: args.ptau as string | undefined });
  return 0;
});
