#!/usr/bin/env node
// The `proofbook` command (package.json `bin`) under the Node it needs: Node 22 or newer (Hardhat 3,
// node:sqlite). On an older Node it runs itself again under the Node 22 of the `node`
// devDependency when `npm ci` installed it, forwarding signals and the exit code; else one line
// saying what to do, exit 2. CommonJS and nothing newer than Node 14 here, so that any Node runs it.
"use strict";
const { spawn } = require("node:child_process");
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

const root = join(__dirname, "..");
const major = Number(process.versions.node.split(".")[0]);

if (major < 22) {
  const node22 = join(root, "node_modules", "node", "bin", "node");
  if (!existsSync(node22)) {
    process.stderr.write(`error: proofbook needs Node 22 or newer (this is ${process.version}): install it, or run npm ci in ${root}\n`);
    process.exit(2);
  }
  const child = spawn(node22, [__filename, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  const cli = join(root, "dist", "src", "cli", "proofbook.js");
  if (!existsSync(cli)) {
    process.stderr.write(`error: ${cli} is missing: run npm run compile in ${root}\n`);
    process.exit(2);
  }
  import(pathToFileURL(cli).href);
}
