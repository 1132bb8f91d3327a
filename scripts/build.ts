// The bootstrap step before the TypeScript compile (npm run compile): generated circuit and
// Solidity sources and the compiled contracts, whose typings the compile needs. Everything else
// runs from the compiled package: proofbook build (npm run build).
import { buildCommand } from "../src/cli/build.js";
import { runCli } from "../src/cli/run-cli.js";

await runCli(() => buildCommand(process.argv.slice(2)));
