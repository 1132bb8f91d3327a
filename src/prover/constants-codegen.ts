import { GENERATED_CONSTANTS, SNARK_FIELD } from "../constants.js";

const HEADER = "Generated from src/constants.ts by npm run build. Do not edit.";

/** circuits/ProtocolConstants.circom: one function per constant. */
export function renderCircomConstants(): string {
  const fns = Object.entries(GENERATED_CONSTANTS).map(([name, value]) => `function ${name}() { return ${value}; }`);
  return `pragma circom 2.1.9;\n\n// ${HEADER}\n\n${fns.join("\n")}\n`;
}

/** contracts/generated/ProtocolConstants.sol: file-level constants (usable as array lengths). */
export function renderSolidityConstants(): string {
  const lines = Object.entries(GENERATED_CONSTANTS).map(([name, value]) => `uint256 constant ${name} = ${value};`);
  return `// SPDX-License-Identifier: MIT
// ${HEADER}
pragma solidity 0.8.28;

uint256 constant SNARK_FIELD = ${SNARK_FIELD};
${lines.join("\n")}
`;
}
