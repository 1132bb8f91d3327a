import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_CONSTANTS } from "../../src/constants.js";
import { CIRCUITS_DIR } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS, circuitConfig, renderMain } from "../../src/prover/circuit-configs.js";
import { renderCircomConstants, renderSolidityConstants } from "../../src/prover/constants-codegen.js";
import { ValidationError } from "../../src/errors.js";

describe("prover: generated sources", () => {
  it("the checked-in circuits/ProtocolConstants.circom is what src/constants.ts generates", () => {
    expect(readFileSync(join(CIRCUITS_DIR, "ProtocolConstants.circom"), "utf8")).to.equal(renderCircomConstants());
  });

  it("the checked-in circuits/main/*.circom are what the configurations generate", () => {
    for (const c of Object.values(CIRCUIT_CONFIGS)) {
      expect(readFileSync(join(CIRCUITS_DIR, "main", `${c.name}.circom`), "utf8")).to.equal(renderMain(c));
    }
  });

  it("every constant reaches the circuit and Solidity copies", () => {
    const circom = renderCircomConstants();
    const sol = renderSolidityConstants();
    for (const [name, value] of Object.entries(GENERATED_CONSTANTS)) {
      expect(circom).to.include(`function ${name}() { return ${value}; }`);
      expect(sol).to.include(`uint256 constant ${name} = ${value};`);
    }
  });

  it("names an unknown circuit configuration", () => {
    expect(() => circuitConfig("huge")).to.throw(ValidationError, "circuit");
  });
});
