import { buildBn128 } from "ffjavascript";
const curve = await buildBn128(true);
const { G1, G2, Fr } = curve;
for (const [name, G] of [["G1", G1], ["G2", G2]]) {
  let p = G.g; const q = G.toAffine(G.timesFr(G.g, Fr.e(7n)));
  const n = 20000; let t = performance.now();
  for (let i = 0; i < n; i++) p = G.add(p, q);
  console.log(name, "add us/op", ((performance.now() - t) * 1000 / n).toFixed(2));
  t = performance.now();
  for (let i = 0; i < 2000; i++) G.toAffine(p);
  console.log(name, "toAffine us/op", ((performance.now() - t) * 1000 / 2000).toFixed(2));
}
console.log(Object.keys(G1).filter(k=>/batch|multi/i.test(k)).join(" "));
await curve.terminate();
