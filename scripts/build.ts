// npm run build [-- --circuit test|demo|none] [--ptau FILE] [--artifacts-only]: circuits, trusted setup, verifiers, contracts.
// --circuit none: generated sources and contracts only. --artifacts-only: the circuits' cached artifacts only.
import { build } from "../src/cli/build.js";
import { parseArgs } from "../src/cli/args.js";

const args = parseArgs(process.argv.slice(2), { circuit: "string", ptau: "string", "artifacts-only": "boolean" });
await build({ circuits: typeof args.circuit === "string" ? args.circuit.split(",").filter((c) => c !== "none") : undefined, ptau: args.ptau as string | undefined, artifactsOnly: args["artifacts-only"] === true });
process.exit(0);
