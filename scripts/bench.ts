// npm run bench [-- --scenario engine|pipeline --ops N --markets M --depth D1,D2 --runs R --batches N --circuit demo|test --workers W --seed S]
import { bench } from "../src/cli/bench.js";

process.exit(await bench(process.argv.slice(2)));
