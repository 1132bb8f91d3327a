// npm run demo [-- --batches N --seed S --workers W --circuit demo|test]
import { demo } from "../src/cli/demo.js";

process.exit(await demo(process.argv.slice(2)));
