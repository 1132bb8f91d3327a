// npm run node [-- --config FILE --rpc URL --rollup ADDRESS --data DIR --port N --circuit NAME]
import { nodeCommand } from "../src/cli/node.js";
import { runCli } from "../src/cli/run-cli.js";

await runCli(() => nodeCommand(process.argv.slice(2)));
