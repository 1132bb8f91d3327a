// npm run demo [-- --batches N --seed S --workers W --circuit demo|test]
import { demo } from "../src/cli/demo.js";
import { runCli } from "../src/cli/run-cli.js";

await runCli(() => demo(process.argv.slice(2)));
