#!/usr/bin/env node
import { join } from "node:path";
import { PACKAGE_ROOT } from "../package-root.js";
import { runCli } from "./run-cli.js";

interface Command {
  summary: string;
  load: () => Promise<{ usage: string; run: (argv: readonly string[]) => Promise<number> }>;
}

/** The commands, each loaded only when run (a usage error costs no import of hardhat or snarkjs). */
const COMMANDS: Record<string, Command> = {
  node: { summary: "run the operator node: API, journal, proving, submission", load: async () => ((m) => ({ usage: m.USAGE, run: m.nodeCommand }))(await import("./node.js")) },
  deploy: { summary: "deploy a Rollup (and test tokens) to a JSON-RPC endpoint", load: async () => ((m) => ({ usage: m.USAGE, run: m.deployCommand }))(await import("./deploy.js")) },
  build: { summary: "build circuits, the trusted setup, verifiers and contracts", load: async () => ((m) => ({ usage: m.USAGE, run: m.buildCommand }))(await import("./build.js")) },
  verify: { summary: "rebuild a rollup's state from L1 alone and re-check every batch", load: async () => ((m) => ({ usage: m.USAGE, run: m.verifyCommand }))(await import("./verify.js")) },
  exit: { summary: "in exit mode, withdraw an account's balances from L1 data alone", load: async () => ((m) => ({ usage: m.USAGE, run: m.exitCommand }))(await import("./exit.js")) },
  prover: { summary: "a prover of the fleet: proves the node's batches from a Redis queue", load: async () => ((m) => ({ usage: m.USAGE, run: m.proverCommand }))(await import("./prover.js")) },
  keys: { summary: "a trader's L1 and L2 keys in an encrypted keystore: new, import, show", load: async () => ((m) => ({ usage: m.USAGE, run: m.keysCommand }))(await import("./keys.js")) },
  deposit: { summary: "deposit from the keystore's L1 wallet: new account or top-up; waits for the node", load: async () => ((m) => ({ usage: m.USAGE, run: m.depositCommand }))(await import("./deposit.js")) },
  withdraw: { summary: "a signed L2 withdrawal; waits until its batch lands on L1", load: async () => ((m) => ({ usage: m.USAGE, run: m.withdrawCommand }))(await import("./withdraw.js")) },
  claim: { summary: "pay what landed withdrawals owe an account to its L1 owner", load: async () => ((m) => ({ usage: m.USAGE, run: m.claimCommand }))(await import("./claim.js")) },
  "force-withdraw": { summary: "request an account's whole balance on L1, without the operator", load: async () => ((m) => ({ usage: m.USAGE, run: m.forceWithdrawCommand }))(await import("./force-withdraw.js")) },
  balance: { summary: "an account's balances on the node, read with its keystore's L2 key", load: async () => ((m) => ({ usage: m.USAGE, run: m.balanceCommand }))(await import("./balance.js")) },
  order: { summary: "place, replace, cancel or list signed orders on the node", load: async () => ((m) => ({ usage: m.USAGE, run: m.orderCommand }))(await import("./order.js")) },
  bench: { summary: "measure, write bench/results/*.json and print tables", load: async () => ((m) => ({ usage: m.USAGE, run: m.bench }))(await import("./bench.js")) },
  demo: { summary: "the main job on embedded defaults, on an in-process chain", load: async () => ((m) => ({ usage: m.USAGE, run: m.demo }))(await import("./demo.js")) },
};

const HELP = `usage: proofbook <command> [options]   (proofbook <command> --help for its options)
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(15)}${c.summary}`)
  .join("\n")}`;

/** `proofbook <command> …`: usage errors are one line and exit code 2 (src/cli/run-cli.ts). */
export async function proofbook(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(HELP);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const { ValidationError } = await import("../errors.js");
    throw new ValidationError(name, `unknown command; commands: ${Object.keys(COMMANDS).join(", ")}`);
  }
  const { usage, run } = await command.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(usage);
    return 0;
  }
  return await run(rest);
}

// Hardhat finds its config from the working directory: point it at the package's, wherever this runs.
process.env.HARDHAT_CONFIG ??= join(PACKAGE_ROOT, "hardhat.config.ts");
await runCli(() => proofbook(process.argv.slice(2)));
