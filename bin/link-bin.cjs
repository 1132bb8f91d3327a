// npm links a package's `bin` into the projects that install it, never into its own
// node_modules/.bin: after `npm ci` in this repository, `npx proofbook` would find nothing (and
// ask the registry). The `prepare` script links it, so that `npx proofbook …` runs bin/proofbook.cjs.
"use strict";
const { mkdirSync, rmSync, symlinkSync } = require("node:fs");
const { join } = require("node:path");

const bin = join(__dirname, "..", "node_modules", ".bin");
mkdirSync(bin, { recursive: true });
const link = join(bin, "proofbook");
rmSync(link, { force: true });
symlinkSync(join("..", "..", "bin", "proofbook.cjs"), link);
