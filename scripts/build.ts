// npm run build [-- --circuit test|demo] [--ptau FILE]: circuits, trusted setup, verifiers, contracts.
import { build } from "../src/cli/build.js";
import { parseArgs } from "../src/cli/args.js";

const args = parseArgs(process.argv.slice(2), { circuit: "string", ptau: "string" });
await build({ circuits: typeof args.circuit === "string" ? args.circuit.split(",") : undefined, ptau: args.ptau as string | undefined });
process.exit(0);
