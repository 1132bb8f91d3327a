import { createRequire } from "node:module";
import { configVariable, type HardhatUserConfig } from "hardhat/config";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";

const require = createRequire(import.meta.url);

/** solc is pinned in package.json; Hardhat cannot download compilers on these machines. */
export const SOLC_VERSION = "0.8.28";

const config: HardhatUserConfig = {
  plugins: [hardhatViem, hardhatIgnitionViem],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 200 } },
  },
  networks: {
    // Any JSON-RPC endpoint: PROOFBOOK_RPC_URL (read when a connection opens), signing with
    // PROOFBOOK_PRIVATE_KEY if set when this file loads, else with the node's own accounts.
    external: {
      type: "http",
      chainType: "l1",
      url: configVariable("PROOFBOOK_RPC_URL"),
      accounts: process.env.PROOFBOOK_PRIVATE_KEY ? [configVariable("PROOFBOOK_PRIVATE_KEY")] : "remote",
    },
  },
  paths: { sources: "./contracts", tests: "./test", artifacts: "./artifacts", cache: "./cache" },
};

export default config;
