import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** The demo's two L1 tokens: ERC-20s anyone can mint (contracts/test/TestToken.sol). Never for a real chain. */
export default buildModule("DemoTokens", (m) => {
  const base = m.contract("TestToken", ["proofbook demo BASE", "BASE"], { id: "Base" });
  const quote = m.contract("TestToken", ["proofbook demo QUOTE", "QUOTE"], { id: "Quote" });
  return { base, quote };
});
