// npm run exit -- --rpc URL --rollup ADDRESS --account ID --token ID [--activate]
import { exitCommand } from "../src/cli/exit.js";
import { runCli } from "../src/cli/run-cli.js";

await runCli(() => exitCommand(process.argv.slice(2)));
