// npm run build [-- --circuit test|demo|none] [--ptau FILE]: circuits, trusted setup, verifiers, contracts.
// --circuit none: generated sources and contracts only.
import { build } from "../src/cli/build.js";
import { parseArgs } from "../src/cli/args.js";

const args = parseArgs(process.argv.slice(2), { circuit: "string", ptau: "string" });
await build({ circuits: typeof args.circuit === "string" ? args.circuit.split(",").filter((c) => c !== "none") : undefined, ptau: args.ptau as string | undefined });
process.exit(0);
