import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { configTable } from "../../src/node/config-table.js";
import { PACKAGE_ROOT as ROOT } from "../../src/package-root.js";
import { readmeBlocks } from "../helpers/user-shell.js";

const readme = () => readFileSync(join(ROOT, "README.md"), "utf8");

/**
 * The README cannot rot (issue 28): every command block in it names what runs it, and that runs it;
 * the settings table is the one the configuration schema generates.
 */
describe("docs: the README's command blocks are run by tests, its settings table is the schema's", function () {
  it("every fenced block is tagged with the test (or .ci/run) that runs it, and that file runs it", () => {
    const { blocks, untagged } = readmeBlocks();
    expect(untagged, "README.md lines of fenced blocks without a `<!-- block NAME, run by FILE -->` line above").to.deep.equal([]);
    expect(blocks.length).to.be.greaterThan(5);
    expect(new Set(blocks.map((b) => b.name)).size, "block names are unique").to.equal(blocks.length);
    for (const block of blocks) {
      const runner = join(ROOT, block.runBy);
      expect(existsSync(runner), `${block.name}: ${block.runBy} exists`).to.equal(true);
      const source = readFileSync(runner, "utf8");
      if (block.runBy === ".ci/run") {
        // CI runs each command of the block itself.
        for (const command of block.lines.flatMap((l) => l.replace(/#.*$/, "").split("&&")).map((c) => c.trim()).filter(Boolean)) expect(source, `${block.name}: .ci/run runs ${command}`).to.match(new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "m"));
      } else expect(source, `${block.name}: ${block.runBy} reads the block`).to.include(`readmeBlock("${block.name}")`);
    }
  });

  it("the settings table is the one nodeConfigSchema generates (npx proofbook node --settings)", () => {
    const text = readme();
    const start = text.indexOf("<!-- settings table -->\n");
    const end = text.indexOf("\n<!-- end of settings table -->");
    expect(start, "the README marks its settings table").to.be.greaterThan(0);
    expect(text.slice(start + "<!-- settings table -->\n".length, end)).to.equal(configTable());
  });

  it("the README's figures name result files that are in bench/results/", () => {
    const figures = readme().split("## Figures")[1]!.split("\n## ")[0]!;
    const files = [...figures.matchAll(/`([a-z-]+-2026-[0-9T*-]+Z?\.json)`/g)].map((m) => m[1]!);
    expect(files.length).to.be.greaterThan(3);
    const results = readdirSync(join(ROOT, "bench", "results"));
    for (const f of files) {
      const pattern = new RegExp(`^${f.replace(/\./g, "\\.").replace(/\*/g, ".*")}$`);
      expect(results.some((name) => pattern.test(name)), `bench/results/${f}`).to.equal(true);
    }
  });
});
