import { expect } from "chai";
import { runScript } from "../helpers/hardhat-node.js";

/** Bad arguments to the scripts users run: one line on stderr, exit code 2, before any work (no build, no chain). */
describe("cli: npm run demo / build / bench refuse bad arguments with one line and exit code 2", function () {
  const cases: [script: string, args: string[], names: string][] = [
    ["demo", ["--seed", "abc"], "--seed"],
    ["demo", ["--seed", "-1"], "--seed"],
    ["demo", ["--workers", "abc"], "--workers"],
    ["demo", ["--workers", "0"], "--workers"],
    ["demo", ["--batches", "0"], "--batches"],
    ["demo", ["--batches", "1.5"], "--batches"],
    ["demo", ["--batches"], "--batches"],
    ["demo", ["--circuit", "nope"], "circuit"],
    ["demo", ["--bogus"], "--bogus"],
    ["build", ["--circuit", "test,nope"], "circuit"],
    ["build", ["--bogus"], "--bogus"],
    ["bench", ["--scenario", "nope"], "--scenario"],
    ["bench", ["--scenario", "intake", "--workers", "x"], "--workers"],
  ];
  for (const [script, args, names] of cases) {
    it(`npm run ${script} -- ${args.join(" ")}`, async () => {
      const r = await runScript(script, args);
      expect(r.code, r.stderr).to.equal(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(/^error: /).and.include(names);
      expect(r.stdout, "nothing ran").to.not.include("[build]");
    });
  }
});
