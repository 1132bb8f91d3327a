import { Side } from "../../src/constants.js";
import { initCrypto } from "../../src/crypto/index.js";
import { NO_EXPIRY, type Order } from "../../src/crypto/order-hash.js";
import { domainSeparator } from "../../src/crypto/domain.js";
import type { BatchHeader } from "../../src/batch/public-input.js";
import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import type { CircuitConfig } from "../../src/prover/circuit-configs.js";
import type { RollupClient } from "../../src/chain/rollup-client.js";
import { type SignedOrder, signOrder } from "../../src/crypto/signed-order.js";
import { packOrderFields } from "../../src/crypto/order-hash.js";
import { poseidon } from "../../src/crypto/poseidon.js";
import type { KeyPair } from "../../src/crypto/eddsa.js";
import type { Fill } from "../../src/batch/fill.js";
import { DEMO_BASE_TOKEN, DEMO_QUOTE_TOKEN, demoGenesis, type GenesisTrader } from "../../src/state/genesis.js";
import type { StateDims } from "../../src/state/account.js";

export { DEMO_BASE_TOKEN as BASE, DEMO_QUOTE_TOKEN as QUOTE };

/** The domain separator of off-chain tests: a made-up deployment on the development chain. */
export const TEST_DOMAIN = domainSeparator(31337, "0x000000000000000000000000000000000000dEaD");
/** The batch timestamp of off-chain tests (Unix seconds). */
export const TEST_TIMESTAMP = 1_000;

/** A batch header for off-chain tests: TEST_TIMESTAMP and TEST_DOMAIN unless overridden. */
export function testHeader(batchNumber: number, over: Partial<BatchHeader> = {}): BatchHeader {
  return { batchNumber, timestamp: TEST_TIMESTAMP, domain: TEST_DOMAIN, ...over };
}

/** The header of the next batch of a deployed rollup: its batch number, the chain's time and its domain. */
export async function chainHeader(client: RollupClient): Promise<BatchHeader> {
  return { batchNumber: Number(await client.batchCount()) + 1, timestamp: await client.chainTime(), domain: await client.domain() };
}

export async function scenario(dims: StateDims, domain = TEST_DOMAIN) {
  await initCrypto();
  const { state, traders } = demoGenesis(dims);
  const order = (trader: GenesisTrader, fields: Partial<Order> & Pick<Order, "side">): Order => ({
    accountId: trader.accountId,
    storageId: 0,
    baseToken: DEMO_BASE_TOKEN,
    quoteToken: DEMO_QUOTE_TOKEN,
    validUntil: NO_EXPIRY,
    maxFeeRate: 0,
    amount: 100n,
    price: 50n,
    domain,
    ...fields,
  });
  /** A valid fill: traders[0] buys from resting seller traders[1]. */
  const buyFill = (overrides: { taker?: Partial<Order>; maker?: Partial<Order>; baseAmount?: bigint } = {}): Fill => {
    const t = order(traders[0]!, { side: Side.Buy, price: 55n, ...overrides.taker });
    const m = order(traders[1]!, { side: Side.Sell, ...overrides.maker });
    return { taker: signOrder(t, traders[0]!.key), maker: signOrder(m, traders[1]!.key), baseAmount: overrides.baseAmount ?? 40n };
  };
  return { state, traders, order, buyFill, domain };
}

/** Signs an order without validating it: for tests that feed the circuit what the TS model refuses. */
export function signUnchecked(order: Order, key: KeyPair): SignedOrder {
  return { order, signature: key.sign(poseidon([packOrderFields(order), order.amount, order.price, order.domain])) };
}

type Scenario = Awaited<ReturnType<typeof scenario>>;

/**
 * Batch 1 of a fresh scenario of `config` (after `prepare`, which may land earlier batches), with
 * what `fill` adds: circuit tests add transactions with `check: false`, so that the circuit must do
 * the rejecting.
 */
export async function sealedBatch(config: CircuitConfig, fill: (b: BatchBuilder, s: Scenario) => void, prepare?: (s: Scenario) => void): Promise<SealedBatch> {
  const s = await scenario(config);
  prepare?.(s);
  const b = new BatchBuilder(config, s.state, testHeader(1));
  fill(b, s);
  return b.seal();
}

/** Batch 1 of a fresh scenario of `config` (after `prepare`) with one fill taken without the TS rule checks: the circuit must do the rejecting. */
export async function uncheckedFillBatch(config: CircuitConfig, make: (s: Scenario) => Fill, prepare?: (s: Scenario) => void): Promise<SealedBatch> {
  return await sealedBatch(config, (b, s) => b.add(make(s), { check: false }), prepare);
}
