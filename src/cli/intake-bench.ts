import { buildEddsa } from "circomlibjs";
import { Side } from "../constants.js";
import { initCrypto, KeyPair, NO_EXPIRY, type Order, orderHash, signOrder, type SignedOrder, verifySignature } from "../crypto/index.js";
import { SignaturePool } from "../crypto/signature-pool.js";

/** Signed orders checked per second (order hash and EdDSA-Poseidon signature) by one way of checking. */
export interface IntakeRate {
  method: string;
  threads: number;
  orders: number;
  ordersPerSecond: number;
}

/**
 * Intake's signature work (docs/protocol.md §5.5): `orders` signed orders of `traders` accounts,
 * checked (each hashed, then its signature verified against its trader's key) by circomlibjs'
 * verifyPoseidon on one thread (on a sample: it is slow), by `verifySignature` on one thread, and
 * by a SignaturePool of `workers` threads; each fast run is repeated `runs` times after a warm-up
 * pass (the key tables), and the best is kept.
 */
export async function intakeRates(orders: number, traders: number, workers: number, runs: number, log: (m: string) => void): Promise<IntakeRate[]> {
  await initCrypto();
  const keys = Array.from({ length: traders }, (_, i) => KeyPair.fromSeed(`intake-${i}`));
  log(`signing ${orders} orders of ${traders} traders ...`);
  const signed: { signed: SignedOrder; key: KeyPair }[] = [];
  for (let i = 0; i < orders; i++) {
    const key = keys[i % traders]!;
    const order: Order = { accountId: 1 + (i % traders), storageId: i, baseToken: 1, quoteToken: 2, side: i % 2 ? Side.Buy : Side.Sell, validUntil: NO_EXPIRY, maxFeeRate: 1_000, amount: BigInt(1_000 + i), price: BigInt(50 + (i % 7)), domain: 1n };
    signed.push({ signed: signOrder(order, key), key });
  }
  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
  const rows: IntakeRate[] = [];

  const eddsa = await buildEddsa();
  const F = eddsa.F;
  const sample = signed.slice(0, Math.min(100, orders));
  let t = performance.now();
  for (const { signed: s, key } of sample) {
    const ok = eddsa.verifyPoseidon(F.e(orderHash(s.order)), { R8: [F.e(s.signature.r8x), F.e(s.signature.r8y)], S: s.signature.s }, [F.e(key.publicKey.ax), F.e(key.publicKey.ay)]);
    if (!ok) throw new Error("a signed order did not verify");
  }
  rows.push({ method: "circomlibjs verifyPoseidon", threads: 1, orders: sample.length, ordersPerSecond: rate(sample.length, performance.now() - t) });

  const best = async (check: () => Promise<void> | void) => {
    await check(); // warm-up: key tables, JIT
    let fastest = Infinity;
    for (let r = 0; r < runs; r++) {
      t = performance.now();
      await check();
      fastest = Math.min(fastest, performance.now() - t);
    }
    return fastest;
  };
  const single = await best(() => {
    for (const { signed: s, key } of signed) if (!verifySignature(orderHash(s.order), s.signature, key.publicKey)) throw new Error("a signed order did not verify");
  });
  rows.push({ method: "verifySignature (native addon)", threads: 1, orders, ordersPerSecond: rate(orders, single) });

  const pool = new SignaturePool({ workers });
  try {
    const items = signed.map(({ signed: s, key }) => ({ order: s.order, signature: s.signature, key: key.publicKey }));
    const pooled = await best(async () => {
      if (!(await pool.verify(items)).every(Boolean)) throw new Error("a signed order did not verify");
    });
    rows.push({ method: "SignaturePool", threads: workers, orders, ordersPerSecond: rate(orders, pooled) });
  } finally {
    await pool.close();
  }
  return rows;
}
