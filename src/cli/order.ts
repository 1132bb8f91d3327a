import { Side } from "../constants.js";
import { initCrypto, NO_EXPIRY, signCancel, signOrder } from "../crypto/index.js";
import type { MarketView, OrderAck } from "../client/proofbook-client.js";
import { ProofbookError, ValidationError } from "../errors.js";
import { intArg, parseArgs } from "./args.js";
import { accountArg, positiveArg, refusal, TRADER_FLAGS, TRADER_USAGE, traderSession } from "./trader-args.js";

export const USAGE = `usage: proofbook order place --account ID --market M --side buy|sell --price P --amount A --storage-id S
                            [--valid-until UNIX_SECONDS] [--max-fee-rate MILLIONTHS] [--node URL] [--keystore FILE] [--json]
       proofbook order replace --account ID --storage-id S --price P [--amount A] [--new-storage-id N] [--no-cancel] …
       proofbook order cancel --account ID --storage-id S [--node URL] [--keystore FILE] [--json]
       proofbook order list --account ID [--node URL] [--keystore FILE] [--json]
  place: a limit order signed with the keystore's L2 key; prints its id, state and the fills it
  made at once. --price in quote units per base unit, --amount in base units (integers, on the
  market's tick and lot). --storage-id chooses its slot (id mod the account's slot count); a higher
  id in a slot retires the older orders there (docs/protocol.md §2). --max-fee-rate defaults to the
  node's highest fee rate; --valid-until to no expiry.
  replace: the open order with storage id S moves to --price, for --amount more base units (default:
  what it has left), as a new signed order in the same slot with storage id N (default S + the
  slot count), sent with the signed cancel of the old one so that no operator can fill the old
  signature again (--no-cancel leaves it to the replacement's first fill, docs/protocol.md §2).
  cancel: a signed L2 cancel of the order in that slot: off the book now, and never fillable once
  its batch lands.
  list: the account's open orders, oldest first.
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

const ACTIONS = ["place", "replace", "cancel", "list"] as const;
type Action = (typeof ACTIONS)[number];
/** The flags each action takes beside TRADER_FLAGS. */
const ACTION_FLAGS: Record<Action, readonly string[]> = {
  place: ["market", "side", "price", "amount", "storage-id", "valid-until", "max-fee-rate"],
  replace: ["price", "amount", "storage-id", "new-storage-id", "valid-until", "max-fee-rate", "no-cancel"],
  cancel: ["storage-id"],
  list: [],
};

const sideName = (side: number) => (side === Side.Buy ? "buy" : "sell");

/** proofbook order place|replace|cancel|list. */
export async function orderCommand(argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (!ACTIONS.includes(action as Action)) throw new ValidationError("order", `needs ${ACTIONS.join(", ")}`, action);
  const args = parseArgs(rest, {
    ...TRADER_FLAGS,
    market: "string",
    side: "string",
    price: "string",
    amount: "string",
    "storage-id": "string",
    "new-storage-id": "string",
    "valid-until": "string",
    "max-fee-rate": "string",
    "no-cancel": "boolean",
  });
  for (const flag of ACTIONS.flatMap((a) => ACTION_FLAGS[a])) if (args[flag as keyof typeof args] !== undefined && !ACTION_FLAGS[action as Action].includes(flag)) throw new ValidationError(`--${flag}`, `does not go with ${action}`);
  const accountId = accountArg(args.account);
  const storageId = action === "list" ? 0 : required(args["storage-id"], "--storage-id", (v) => intArg(v, 0, "--storage-id", 0));
  const validUntil = intArg(args["valid-until"], NO_EXPIRY, "--valid-until", 1);
  const maxFeeRate = args["max-fee-rate"] === undefined ? undefined : intArg(args["max-fee-rate"], 0, "--max-fee-rate", 0);
  const place =
    action === "place"
      ? {
          market: required(args.market, "--market", (v) => intArg(v, 0, "--market", 0)),
          side: required(args.side, "--side", sideArg),
          price: positiveArg(args.price, "--price"),
          amount: positiveArg(args.amount, "--amount"),
        }
      : undefined;
  const replace =
    action === "replace"
      ? {
          price: positiveArg(args.price, "--price"),
          amount: args.amount === undefined ? undefined : positiveArg(args.amount, "--amount"),
          newStorageId: args["new-storage-id"] === undefined ? undefined : intArg(args["new-storage-id"], 0, "--new-storage-id", storageId + 1),
        }
      : undefined;
  await initCrypto();
  const { api, key } = await traderSession(args);
  try {
    if (action === "list") {
      const orders = await api.openOrders(accountId, key).catch((e: unknown) => refusal(accountId, e));
      if (args.json) console.log(JSON.stringify(orders));
      else if (orders.length === 0) console.log(`account ${accountId} has no open orders`);
      else for (const o of orders) console.log(`order ${o.orderId}: market ${o.market} ${sideName(o.side)} ${o.amount} at ${o.price}, filled ${o.filled}, storage id ${o.storageId}`);
      return 0;
    }
    const status = await api.status();
    const domain = BigInt(status.domain);
    if (action === "cancel") {
      const r = await api.cancel(signCancel({ accountId, storageId, domain }, key)).catch((e: unknown) => refusal(accountId, e));
      console.log(args.json ? JSON.stringify(r) : r.cancelled.length > 0 ? `cancelled order ${r.cancelled.join(", ")}` : "no open order in that slot: the cancel still retires the slot's storage id once its batch lands");
      return 0;
    }
    let ack: OrderAck;
    let amount: bigint;
    const fees = maxFeeRate ?? Math.max(status.fees.taker, status.fees.maker);
    if (place) {
      const market = marketOf(status, place.market, "--market");
      amount = place.amount;
      const order = { accountId, storageId, baseToken: market.baseToken, quoteToken: market.quoteToken, side: place.side, validUntil, maxFeeRate: fees, amount, price: place.price, domain };
      ack = await api.submitOrder(signOrder(order, key)).catch((e: unknown) => refusal(accountId, e));
    } else {
      const r = replace!;
      const open = (await api.openOrders(accountId, key).catch((e: unknown) => refusal(accountId, e))).find((o) => o.storageId === storageId);
      if (!open) throw new ProofbookError(`account ${accountId} has no open order with storage id ${storageId} (proofbook order list shows its open orders)`);
      const market = marketOf(status, open.market, "--storage-id");
      amount = r.amount ?? BigInt(open.amount) - BigInt(open.filled);
      const newStorageId = r.newStorageId ?? storageId + status.orderSlots;
      const order = { accountId, storageId: newStorageId, baseToken: market.baseToken, quoteToken: market.quoteToken, side: open.side, validUntil, maxFeeRate: fees, amount, price: r.price, domain };
      const cancel = args["no-cancel"] ? undefined : signCancel({ accountId, storageId, domain }, key);
      ack = await api.replaceOrder(signOrder(order, key), cancel).catch((e: unknown) => refusal(accountId, e));
      if (!args.json) console.log(`order ${ack.orderId} replaced by storage id ${newStorageId}${cancel ? ", the old one's cancel sent with it" : ""}`);
    }
    if (args.json) console.log(JSON.stringify(ack));
    else {
      console.log(`order ${ack.orderId}: ${ack.order?.state ?? "refused"}${ack.order ? `, filled ${ack.order.filled} of ${ack.order.amount}` : ""}`);
      for (const f of ack.fills) console.log(`  filled ${f.quantity} at ${f.price} (taker order ${f.takerId}, maker order ${f.makerId})`);
    }
  } finally {
    api.close();
  }
  return 0;
}

/** The node's market `id`, or a ValidationError naming `flag`. */
function marketOf(status: { markets: MarketView[] }, id: number, flag: string): MarketView {
  const market = status.markets.find((m) => m.id === id);
  if (!market) throw new ValidationError(flag, `no such market on the node (markets: ${status.markets.map((m) => m.id).join(", ")})`, id);
  return market;
}
