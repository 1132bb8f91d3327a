// npm run verify -- --rpc URL --rollup ADDRESS (--vkey FILE | --circuit NAME)
import { verifyCommand } from "../src/cli/verify.js";
import { runCli } from "../src/cli/run-cli.js";

await runCli(() => verifyCommand(process.argv.slice(2)));
