import { expect } from "chai";
import { Side } from "../../src/constants.js";
import { initCrypto, KeyPair, NO_EXPIRY, signOrder } from "../../src/crypto/index.js";
import { type JournalEntry, NodeCore } from "../../src/node/node-core.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { DEMO_MARKET } from "../../src/state/genesis.js";

/** The sealing policy's fill count (sealing.maxFills), on the demo layout: two fill slots per batch. */
describe("node: NodeCore's sealing policy by fill count", function () {
  const config = CIRCUIT_CONFIGS.demo!;
  const domain = 77n;
  let core: NodeCore;
  let time = 1_000;
  const at = <T extends object>(command: T) => ({ ...command, time: time++, chainTime: 1 }) as unknown as JournalEntry;

  before(async () => {
    await initCrypto();
    core = new NodeCore(config, [DEMO_MARKET], { domain, fees: { taker: 0, maker: 0 }, genesis: at({ type: "genesis", rollup: "0x0000000000000000000000000000000000000001", inProcess: true }) });
    const [seller, buyer] = [KeyPair.fromSeed("core-seller"), KeyPair.fromSeed("core-buyer")];
    const record = (accountId: number, key: KeyPair, tokenId: number) => ({ accountId, tokenId, amount: 1_000_000n, ax: key.publicKey.ax, ay: key.publicKey.ay });
    core.apply(at({ type: "deposit", index: 0, record: record(1, seller, DEMO_MARKET.baseToken) }));
    core.apply(at({ type: "deposit", index: 1, record: record(2, buyer, DEMO_MARKET.quoteToken) }));
    core.apply(at({ type: "seal" }));
    expect(core.sealed, "the deposits' batch").to.have.length(1);
    const order = (accountId: number, key: KeyPair, side: Side) =>
      signOrder({ accountId, storageId: 0, baseToken: DEMO_MARKET.baseToken, quoteToken: DEMO_MARKET.quoteToken, side, validUntil: NO_EXPIRY, maxFeeRate: 0, amount: 5n, price: 100n, domain }, key);
    core.apply(at({ type: "order", signed: order(1, seller, Side.Sell) }));
    const crossed = core.apply(at({ type: "order", signed: order(2, buyer, Side.Buy) }));
    expect(crossed.result.fills, "one fill, in a batch of two fill slots").to.have.length(1);
  });

  it("one fill asks for a seal at maxFills 1, not at 2 nor without a fill count", () => {
    expect(core.sequencer.pendingFills).to.equal(1);
    expect(core.needsSeal(1)).to.equal(true);
    expect(core.needsSeal(2)).to.equal(false);
    expect(core.needsSeal(undefined)).to.equal(false);
  });

  it("the seal it asks for cuts a batch with that fill, after which it asks for none", () => {
    core.apply(at({ type: "seal" }));
    expect(core.sealed).to.have.length(2);
    expect(core.sealed[1]!.fills, "the batch holds the one fill").to.equal(1);
    expect(core.sequencer.pendingFills).to.equal(0);
    expect(core.needsSeal(1)).to.equal(false);
  });
});
