import { Side } from "../constants.js";
import { NO_EXPIRY, type Order } from "../crypto/order-hash.js";
import { type SignedOrder, signOrder } from "../crypto/signed-order.js";
import { prng } from "../prng.js";
import type { GenesisTrader } from "../state/genesis.js";

/**
 * Random signed limit orders around a mid price, for the demo and the bench: buys a little below or
 * above the mid, sells a little above or below it, so that roughly half of them cross.
 */
export class RandomOrderFlow {
  private readonly random: () => number;
  private readonly nextStorageId = new Map<number, number>();

  constructor(
    private readonly traders: readonly GenesisTrader[],
    private readonly market: { baseToken: number; quoteToken: number; mid: bigint; spread: number; maxAmount: number; domain: bigint; maxFeeRate?: number },
    seed: number,
  ) {
    this.random = prng(seed);
  }

  next(): SignedOrder {
    const trader = this.traders[Math.floor(this.random() * this.traders.length)]!;
    const side = this.random() < 0.5 ? Side.Buy : Side.Sell;
    const offset = BigInt(Math.floor(this.random() * (2 * this.market.spread + 1)) - this.market.spread);
    const storageId = this.nextStorageId.get(trader.accountId) ?? 0;
    this.nextStorageId.set(trader.accountId, storageId + 1);
    const order: Order = {
      accountId: trader.accountId,
      storageId,
      baseToken: this.market.baseToken,
      quoteToken: this.market.quoteToken,
      side,
      validUntil: NO_EXPIRY,
      maxFeeRate: this.market.maxFeeRate ?? 0,
      domain: this.market.domain,
      amount: BigInt(1 + Math.floor(this.random() * this.market.maxAmount)),
      price: this.market.mid + (side === Side.Buy ? offset : -offset),
    };
    return signOrder(order, trader.key);
  }
}
