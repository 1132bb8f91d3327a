// npm run bench [-- --scenario engine|intake|pipeline|money|settlement|commitment --ops N --markets M --depth D1,D2 --runs R --batches N --circuit NAME --workers W --seed S]
import { bench } from "../src/cli/bench.js";
import { runCli } from "../src/cli/run-cli.js";

await runCli(() => bench(process.argv.slice(2)));
