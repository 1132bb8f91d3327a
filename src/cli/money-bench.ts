import { network } from "hardhat";
import { type Abi, type Address, type Hex, toHex } from "viem";
import { encodeDepositRecord, marketIndexBits } from "../batch/pubdata.js";
import { exitProof } from "../chain/exit-proof.js";
import { poseidonArtifact } from "../chain/poseidon-artifact.js";
import { inertKeyWords } from "../chain/verifying-key.js";
import { initCrypto, KeyPair, subgroupWitness } from "../crypto/index.js";
import { CIRCUITS_DIR, ROOT } from "../prover/artifacts.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import { templateConstraints } from "../prover/template-constraints.js";
import type { StateDims } from "../state/account.js";
import { RollupState } from "../state/rollup-state.js";
import { join } from "node:path";

/** Constraints of one slot of each transaction type at a configuration's depths (docs/protocol.md §4). */
export interface TxConstraints {
  circuit: string;
  depths: StateDims;
  deposit: number;
  withdrawal: number;
  /** One L2 cancel slot (CancelSettlement). */
  cancel: number;
  fill: number;
  /** The market section of a batch (MarketSection and each record's two PowerOfTen: nMarkets records over nFills fills). */
  feeSection: number;
  /** Constraints per fill, fees included: a fill slot (FillSettlement and its MarketSelect) plus its share of the market section. */
  fillWithFees: number;
  /**
   * What crediting fees to an L2 fee account would add instead (docs/protocol.md §3): one
   * balance-and-account update (SingleBalanceUpdate) per fill, or per fee token and batch.
   */
  l2FeeCredit: { perFill: number; perBatchPerFill: number };
  /** What an exit circuit would prove instead of the on-chain check (bench/circuits/ExitCheck.circom). */
  exitCircuit: number;
}

/**
 * Compiles DepositSettlement, WithdrawalSettlement, CancelSettlement, FillSettlement, MarketSelect, MarketSection and PowerOfTen alone at `config`'s sizes
 * (r1cs only, no setup): what one slot of each type costs, without its share of the public-input
 * hash (a few constraints per pubdata byte).
 */
export async function txConstraints(config: CircuitConfig): Promise<TxConstraints> {
  const { accountDepth: a, balanceDepth: b, orderDepth: o, nFills, nMarkets } = config;
  const count = (template: string, args: number[]) => templateConstraints(join(CIRCUITS_DIR, `${template}.circom`), `${template}(${args.join(", ")})`);
  const marketBits = marketIndexBits(nMarkets);
  const fill = (await count("FillSettlement", [a, b, o, marketBits])) + (await count("MarketSelect", [nMarkets, marketBits]));
  const feeSection = (await count("MarketSection", [nFills, nMarkets])) + 2 * nMarkets * (await count("PowerOfTen", []));
  const credit = await count("SingleBalanceUpdate", [a, b]);
  return {
    circuit: config.name,
    depths: { accountDepth: a, balanceDepth: b, orderDepth: o },
    deposit: await count("DepositSettlement", [a, b]),
    withdrawal: await count("WithdrawalSettlement", [a, b]),
    cancel: await count("CancelSettlement", [a, o]),
    fill,
    feeSection,
    fillWithFees: Math.round(fill + feeSection / nFills),
    l2FeeCredit: { perFill: credit, perBatchPerFill: Math.round((credit * nMarkets) / nFills) },
    exitCircuit: await templateConstraints(join(ROOT, "bench", "circuits", "ExitCheck.circom"), `ExitCheck(${a}, ${b})`),
  };
}

/** L1 gas of the money operations (docs/protocol.md §8) at one state shape. */
export interface MoneyGas {
  depths: StateDims;
  depositNewAccount: number;
  deposit: number;
  requestWithdrawal: number;
  claim: number;
  activateExitMode: number;
  exit: number;
  refundDeposit: number;
}

/**
 * Measures each money operation once on an in-process chain, on a Rollup of the given depths
 * (RollupHarness: the claim is measured after crediting the withdrawal directly, as a batch would;
 * no batch lands, so no verifier is needed). The exit proves a real balance against the root.
 */
export async function moneyGas(dims: StateDims): Promise<MoneyGas> {
  await initCrypto();
  const connection = await network.connect();
  try {
    const [deployer, owner] = await connection.viem.getWalletClients();
    const publicClient = await connection.viem.getPublicClient();
    const gas = async (hash: Hex) => Number((await publicClient.waitForTransactionReceipt({ hash })).gasUsed);
    const hashers: Address[] = [];
    for (const inputs of [4, 5]) {
      const artifact = poseidonArtifact(inputs);
      const hash = await deployer!.deployContract({ abi: artifact.abi as Abi, bytecode: artifact.bytecode as Hex });
      hashers.push((await publicClient.waitForTransactionReceipt({ hash })).contractAddress!);
    }
    // The last verified state: account 1 holds `amount` of token 1.
    const key = KeyPair.fromSeed("bench-money").publicKey;
    const amount = 1_000_000n;
    const state = new RollupState(dims);
    state.createAccount(1, key);
    state.setGenesisBalance(1, 1, amount);
    const depths = [dims.accountDepth, dims.balanceDepth, dims.orderDepth].map(BigInt) as [bigint, bigint, bigint];
    // A verifier that accepts no proof: the bench measures deposits, claims and exits, never a batch.
    const verifier = await connection.viem.deployContract("Groth16BatchVerifier", [inertKeyWords({ nDeposits: 1, nWithdrawals: 1, nCancels: 1, nFills: 1, nMarkets: 1, ...dims }), false]);
    const rollup = await connection.viem.deployContract("RollupHarness", [verifier.address, hashers as [Address, Address], state.root, [1n, 1n, 1n, 1n, 1n], depths, 1n, [60n, 0n], false]);
    const asOwner = await connection.viem.getContractAt("RollupHarness", rollup.address, { client: { wallet: owner! } });
    const token = await connection.viem.deployContract("TestToken", ["T", "T"]);
    await token.write.mint([deployer!.account.address, 10n * amount]);
    await token.write.approve([rollup.address, 10n * amount]);
    await rollup.write.registerToken([token.address]);
    const q = subgroupWitness(key);
    const out: MoneyGas = {
      depths: dims,
      depositNewAccount: await gas(await rollup.write.depositNewAccount([owner!.account.address, key.ax, key.ay, q.ax, q.ay, 1n, amount])),
      deposit: await gas(await rollup.write.deposit([1n, 1n, amount])),
      requestWithdrawal: await gas(await asOwner.write.requestWithdrawal([1n, 1n])),
      claim: 0,
      activateExitMode: 0,
      exit: 0,
      refundDeposit: 0,
    };
    await rollup.write.deposit([1n, 1n, 10n]);
    await rollup.write.owe([1n, 1n, 10n]);
    out.claim = await gas(await rollup.write.claim([1n, 1n]));
    await connection.provider.request({ method: "evm_increaseTime", params: [61] });
    out.activateExitMode = await gas(await rollup.write.activateExitMode());
    const p = exitProof(state, 1, 1);
    out.exit = await gas(await rollup.write.exit([1n, 1n, p.balance, p.balancePath as [bigint, bigint, bigint][], p.leaf, p.accountPath as [bigint, bigint, bigint][]]));
    const record = { accountId: 1, tokenId: 1, amount, ax: 0n, ay: 0n };
    out.refundDeposit = await gas(await rollup.write.refundDeposit([1n, toHex(encodeDepositRecord(record))]));
    return out;
  } finally {
    await connection.close();
  }
}
