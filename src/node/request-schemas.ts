import { z } from "zod";
import type { SignedCancel } from "../crypto/cancel.js";
import type { SignedOrder } from "../crypto/signed-order.js";
import type { SignedWithdrawal } from "../crypto/withdrawal.js";
import { ValidationError } from "../errors.js";
import type { OrderInstructions } from "../sequencer/sequencer.js";

/** A bigint in the API's JSON form: a decimal string (docs/protocol.md §11). */
const big = z.string().regex(/^\d{1,78}$/, "must be a decimal integer string").transform((v) => BigInt(v));
const int = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const signature = z.strictObject({ r8x: big, r8y: big, s: big });

const order = z.strictObject({ accountId: int, storageId: int, baseToken: int, quoteToken: int, side: z.union([z.literal(0), z.literal(1)]), validUntil: int, maxFeeRate: int, amount: big, price: big, domain: big });
const instructions = z
  .strictObject({
    kind: z.enum(["limit", "market", "stop-limit"]).optional(),
    timeInForce: z.enum(["GTC", "IOC", "FOK"]).optional(),
    postOnly: z.boolean().optional(),
    stopPrice: big.optional(),
    expiresAt: int.optional(),
  })
  .optional();
const signedCancel = z.strictObject({ cancel: z.strictObject({ accountId: int, storageId: int, domain: big }), signature });

export const orderRequest = z.strictObject({ order, signature, instructions });
export const replaceRequest = z.strictObject({ order, signature, cancel: signedCancel.optional() });
export const cancelRequest = signedCancel;
export const withdrawalRequest = z.strictObject({ withdrawal: z.strictObject({ accountId: int, tokenId: int, nonce: int, amount: big, domain: big }), signature });

export type OrderRequest = { order: SignedOrder["order"]; signature: SignedOrder["signature"]; instructions?: OrderInstructions };

/** Parses a request body with `schema`; a body that does not fit is a ValidationError naming the first bad field. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ValidationError(issue.path.length > 0 ? issue.path.join(".") : "body", issue.message);
}

export type { SignedCancel, SignedOrder, SignedWithdrawal };
