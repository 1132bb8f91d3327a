import { Side } from "../constants.js";
import { initCrypto, NO_EXPIRY, signCancel, signOrder } from "../crypto/index.js";
import { ValidationError } from "../errors.js";
import { intArg, parseArgs } from "./args.js";
import { accountArg, positiveArg, refusal, TRADER_FLAGS, TRADER_USAGE, traderSession } from "./trader-args.js";

export const USAGE = `usage: proofbook order place --account ID --market M --side buy|sell --price P --amount A --storage-id S
                            [--valid-until UNIX_SECONDS] [--max-fee-rate MILLIONTHS] [--node URL] [--keystore FILE] [--json]
       proofbook order cancel --account ID --storage-id S [--node URL] [--keystore FILE] [--json]
  place: a limit order signed with the keystore's L2 key; prints its id, state and the fills it
  made at once. --price in quote units per base unit, --amount in base units (integers, on the
  market's tick and lot). --storage-id chooses its slot (id mod the account's slot count); a higher
  id in a slot retires the older orders there (docs/protocol.md §2). --max-fee-rate defaults to the
  node's highest fee rate; --valid-until to no expiry.
  cancel: a signed L2 cancel of the order in that slot: off the book now, and never fillable once
  its batch lands.
${TRADER_USAGE}`;

const required = <T>(value: string | true | undefined, flag: string, parse: (v: string | true) => T): T => {
  if (value === undefined) throw new ValidationError(flag, "is needed");
  return parse(value);
};

const sideArg = (value: string | true): Side => {
  if (value === "buy") return Side.Buy;
  if (value === "sell") return Side.Sell;
  throw new ValidationError("--side", "must be buy or sell", value);
};

/** proofbook order place|cancel. */
export async function orderCommand(argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== "place" && action !== "cancel") throw new ValidationError("order", "needs place or cancel", action);
  const args = parseArgs(rest, { ...TRADER_FLAGS, market: "string", side: "string", price: "string", amount: "string", "storage-id": "string", "valid-until": "string", "max-fee-rate": "string" });
  const accountId = accountArg(args.account);
  if (args["storage-id"] === undefined) throw new ValidationError("--storage-id", "is needed: it chooses the order's slot");
  const storageId = intArg(args["storage-id"], 0, "--storage-id", 0);
  const place =
    action === "place"
      ? {
          market: required(args.market, "--market", (v) => intArg(v, 0, "--market", 0)),
          side: required(args.side, "--side", sideArg),
          price: positiveArg(args.price, "--price"),
          amount: positiveArg(args.amount, "--amount"),
          validUntil: intArg(args["valid-until"], NO_EXPIRY, "--valid-until", 1),
          maxFeeRate: args["max-fee-rate"] === undefined ? undefined : intArg(args["max-fee-rate"], 0, "--max-fee-rate", 0),
        }
      : undefined;
  if (!place) for (const flag of ["market", "side", "price", "amount", "valid-until", "max-fee-rate"] as const) if (args[flag] !== undefined) throw new ValidationError(`--${flag}`, "goes with place only");
  await initCrypto();
  const { api, key } = await traderSession(args);
  try {
    const status = (await api.status()) as unknown as { domain: string; markets: { id: number; baseToken: number; quoteToken: number }[]; fees: { taker: number; maker: number } };
    const domain = BigInt(status.domain);
    if (!place) {
      const r = await api.cancel(signCancel({ accountId, storageId, domain }, key)).catch((e: unknown) => refusal(accountId, e));
      console.log(args.json ? JSON.stringify(r) : r.cancelled.length > 0 ? `cancelled order ${r.cancelled.join(", ")}` : "no open order in that slot: the cancel still retires the slot's storage id once its batch lands");
      return 0;
    }
    const market = status.markets.find((m) => m.id === place.market);
    if (!market) throw new ValidationError("--market", `no such market on the node (markets: ${status.markets.map((m) => m.id).join(", ")})`, place.market);
    const order = {
      accountId,
      storageId,
      baseToken: market.baseToken,
      quoteToken: market.quoteToken,
      side: place.side,
      validUntil: place.validUntil,
      maxFeeRate: place.maxFeeRate ?? Math.max(status.fees.taker, status.fees.maker),
      amount: place.amount,
      price: place.price,
      domain,
    };
    const ack = await api.submitOrder(signOrder(order, key)).catch((e: unknown) => refusal(accountId, e));
    if (args.json) console.log(JSON.stringify(ack));
    else {
      console.log(`order ${ack.orderId}: ${ack.order?.state ?? "refused"}${ack.order ? `, filled ${ack.order.filled} of ${order.amount}` : ""}`);
      for (const f of ack.fills) console.log(`  filled ${f.quantity} at ${f.price} (taker order ${f.takerId}, maker order ${f.makerId})`);
    }
  } finally {
    api.close();
  }
  return 0;
}
