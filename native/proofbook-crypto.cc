// proofbook's native signature check (docs/protocol.md §11, "Signature checks"): Poseidon over the
// BN254 scalar field and EdDSA-Poseidon verification on Baby Jubjub, in 4×64-bit Montgomery
// arithmetic. It holds no constants of its own: the field modulus, the curve, its generator and
// Poseidon's round constants and matrices are passed once by init() from circomlibjs
// (src/crypto/native-crypto.ts), and the results are checked against circomlibjs by the tests.
#include <node_api.h>

#include "napi-bytes.h"

#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

typedef unsigned __int128 u128;

struct Fe {
  uint64_t v[4];
};

// The field (normal form) and its Montgomery constants, R = 2^256.
uint64_t P[4];
uint64_t INV;  // -p^-1 mod 2^64
Fe R2;         // R^2 mod p (normal form)
Fe ONE;        // R mod p (1 in Montgomery form)
Fe ZERO;
uint64_t L[4];  // the prime subgroup order l (normal form)

bool geq(const uint64_t* a, const uint64_t* b) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}

uint64_t sub4(uint64_t* r, const uint64_t* a, const uint64_t* b) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a[i] - b[i] - borrow;
    r[i] = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
  }
  return borrow;
}

uint64_t add4(uint64_t* r, const uint64_t* a, const uint64_t* b) {
  uint64_t carry = 0;
  for (int i = 0; i < 4; i++) {
    u128 s = (u128)a[i] + b[i] + carry;
    r[i] = (uint64_t)s;
    carry = (uint64_t)(s >> 64);
  }
  return carry;
}

// r = cond ? a : b for cond 0 or 1, without a branch: a field result's reduction is a coin toss,
// and a mispredicted branch costs more than the select.
inline void select4(uint64_t* r, uint64_t cond, const uint64_t* a, const uint64_t* b) {
  const uint64_t mask = 0 - cond;
  for (int i = 0; i < 4; i++) r[i] = (a[i] & mask) | (b[i] & ~mask);
}

inline void fadd(Fe& r, const Fe& a, const Fe& b) {
  uint64_t s[4], d[4];
  add4(s, a.v, b.v);  // p < 2^254: no carry out
  select4(r.v, sub4(d, s, P), s, d);
}

inline void fsub(Fe& r, const Fe& a, const Fe& b) {
  uint64_t s[4], d[4];
  const uint64_t borrow = sub4(s, a.v, b.v);
  add4(d, s, P);
  select4(r.v, borrow, d, s);
}

// Montgomery multiplication a·b·R^-1 mod p, CIOS without the extra carry word: valid because p's
// top limb is below 2^63 - 1 (checked by init), so every intermediate fits in four limbs and a carry.
inline void madd(uint64_t& hi, uint64_t& lo, uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  u128 r = (u128)a * b + c + d;
  lo = (uint64_t)r;
  hi = (uint64_t)(r >> 64);
}

inline void fmul(Fe& r, const Fe& x, const Fe& y) {
  const uint64_t p0 = P[0], p1 = P[1], p2 = P[2], p3 = P[3];
  uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (int i = 0; i < 4; i++) {
    uint64_t yi = y.v[i], a, c, m, lo;
    madd(a, t0, x.v[0], yi, t0, 0);
    m = t0 * INV;
    madd(c, lo, m, p0, t0, 0);
    madd(a, t1, x.v[1], yi, t1, a);
    madd(c, t0, m, p1, t1, c);
    madd(a, t2, x.v[2], yi, t2, a);
    madd(c, t1, m, p2, t2, c);
    madd(a, t3, x.v[3], yi, t3, a);
    madd(c, t2, m, p3, t3, c);
    t3 = c + a;
  }
  uint64_t t[4] = {t0, t1, t2, t3}, s[4];
  select4(r.v, sub4(s, t, P), t, s);
}

inline bool feq(const Fe& a, const Fe& b) { return memcmp(a.v, b.v, 32) == 0; }

Fe toMont(const Fe& x) {
  Fe r;
  fmul(r, x, R2);
  return r;
}

Fe fromMont(const Fe& x) {
  Fe one = {{1, 0, 0, 0}}, r;
  fmul(r, x, one);
  return r;
}

// A 32-byte little-endian number; false if it is not below `bound`.
bool readBelow(const uint8_t* bytes, const uint64_t* bound, Fe& out) {
  memcpy(out.v, bytes, 32);  // x86-64 and arm64 are little-endian
  return !geq(out.v, bound);
}

// Poseidon (circomlibjs' poseidon_opt algorithm, the same function as circomlib's Poseidon(n)).
struct PoseidonParams {
  uint32_t t = 0, nRoundsF = 0, nRoundsP = 0;
  std::vector<Fe> C, S, M, Pm;  // Montgomery form; M and Pm row-major as [j][i]
};
// Set once by init and never freed: no destructor runs at exit while another thread may still verify.
PoseidonParams* const POSEIDON = new PoseidonParams[17];  // by t

inline void pow5(Fe& a) {
  Fe a2, a4;
  fmul(a2, a, a);
  fmul(a4, a2, a2);
  fmul(a, a, a4);
}

void mix(Fe* state, uint32_t t, const std::vector<Fe>& m) {
  Fe out[17], prod;
  for (uint32_t i = 0; i < t; i++) {
    out[i] = ZERO;
    for (uint32_t j = 0; j < t; j++) {
      fmul(prod, m[j * t + i], state[j]);
      fadd(out[i], out[i], prod);
    }
  }
  memcpy(state, out, sizeof(Fe) * t);
}

// inputs in Montgomery form, n = t - 1; returns the hash in Montgomery form.
Fe poseidon(const Fe* inputs, uint32_t n) {
  const PoseidonParams& q = POSEIDON[n + 1];
  const uint32_t t = q.t;
  Fe state[17], prod;
  state[0] = ZERO;
  for (uint32_t i = 0; i < n; i++) state[i + 1] = inputs[i];
  for (uint32_t i = 0; i < t; i++) fadd(state[i], state[i], q.C[i]);
  const uint32_t half = q.nRoundsF / 2;
  for (uint32_t r = 0; r + 1 < half; r++) {
    for (uint32_t i = 0; i < t; i++) {
      pow5(state[i]);
      fadd(state[i], state[i], q.C[(r + 1) * t + i]);
    }
    mix(state, t, q.M);
  }
  for (uint32_t i = 0; i < t; i++) {
    pow5(state[i]);
    fadd(state[i], state[i], q.C[half * t + i]);
  }
  mix(state, t, q.Pm);
  for (uint32_t r = 0; r < q.nRoundsP; r++) {
    pow5(state[0]);
    fadd(state[0], state[0], q.C[(half + 1) * t + r]);
    const Fe* s = &q.S[(t * 2 - 1) * r];
    Fe s0 = ZERO;
    for (uint32_t j = 0; j < t; j++) {
      fmul(prod, s[j], state[j]);
      fadd(s0, s0, prod);
    }
    for (uint32_t k = 1; k < t; k++) {
      fmul(prod, state[0], s[t + k - 1]);
      fadd(state[k], state[k], prod);
    }
    state[0] = s0;
  }
  for (uint32_t r = 0; r + 1 < half; r++) {
    for (uint32_t i = 0; i < t; i++) {
      pow5(state[i]);
      fadd(state[i], state[i], q.C[(half + 1) * t + q.nRoundsP + r * t + i]);
    }
    mix(state, t, q.M);
  }
  for (uint32_t i = 0; i < t; i++) pow5(state[i]);
  mix(state, t, q.M);
  return state[0];
}

// Baby Jubjub in extended twisted Edwards coordinates (x = X/Z, y = Y/Z, x·y = T/Z), Montgomery form.
struct Point {
  Fe X, Y, T, Z;
};
// An affine point prepared for mixed addition: x, y and d·x·y.
struct Affine {
  Fe x, y, dxy;
};
Fe CURVE_A, CURVE_D;

Point identity() { return Point{ZERO, ONE, ZERO, ONE}; }

// The common tail of add-2008-hwcd, from A = X1·X2, B = Y1·Y2, C = d·T1·T2, D = Z1·Z2 and
// the sums S1 = X1 + Y1, S2 = X2 + Y2.
inline void addTail(Point& r, const Fe& a, const Fe& b, const Fe& c, const Fe& d, const Fe& s1, const Fe& s2) {
  Fe e, f, g, h;
  fmul(e, s1, s2);
  fsub(e, e, a);
  fsub(e, e, b);
  fsub(f, d, c);
  fadd(g, d, c);
  fmul(h, a, CURVE_A);
  fsub(h, b, h);
  fmul(r.X, e, f);
  fmul(r.Y, g, h);
  fmul(r.T, e, h);
  fmul(r.Z, f, g);
}

// add-2008-hwcd: complete on Baby Jubjub (a a square, d not), so it also doubles and adds the identity.
void padd(Point& r, const Point& p, const Point& q) {
  Fe a, b, c, d, s1, s2;
  fmul(a, p.X, q.X);
  fmul(b, p.Y, q.Y);
  fmul(c, p.T, q.T);
  fmul(c, c, CURVE_D);
  fmul(d, p.Z, q.Z);
  fadd(s1, p.X, p.Y);
  fadd(s2, q.X, q.Y);
  addTail(r, a, b, c, d, s1, s2);
}

// The same formula with q affine (Z = 1, d·T precomputed): two multiplications fewer.
void pmadd(Point& r, const Point& p, const Affine& q) {
  Fe a, b, c, s1, s2;
  fmul(a, p.X, q.x);
  fmul(b, p.Y, q.y);
  fmul(c, p.T, q.dxy);
  fadd(s1, p.X, p.Y);
  fadd(s2, q.x, q.y);
  addTail(r, a, b, c, p.Z, s1, s2);
}

// dbl-2008-hwcd.
void pdbl(Point& r, const Point& p) {
  Fe a, b, c, d, e, f, g, h, s;
  fmul(a, p.X, p.X);
  fmul(b, p.Y, p.Y);
  fmul(c, p.Z, p.Z);
  fadd(c, c, c);
  fmul(d, a, CURVE_A);
  fadd(s, p.X, p.Y);
  fmul(e, s, s);
  fsub(e, e, a);
  fsub(e, e, b);
  fadd(g, d, b);
  fsub(f, g, c);
  fsub(h, d, b);
  fmul(r.X, e, f);
  fmul(r.Y, g, h);
  fmul(r.T, e, h);
  fmul(r.Z, f, g);
}

Point fromAffine(const Fe& x, const Fe& y) {
  Point p{x, y, ZERO, ONE};
  fmul(p.T, x, y);
  return p;
}

bool onCurve(const Fe& x, const Fe& y) {
  Fe x2, y2, lhs, rhs;
  fmul(x2, x, x);
  fmul(y2, y, y);
  fmul(lhs, x2, CURVE_A);
  fadd(lhs, lhs, y2);
  fmul(rhs, x2, y2);
  fmul(rhs, rhs, CURVE_D);
  fadd(rhs, rhs, ONE);
  return feq(lhs, rhs);
}

// x^(p-2) = x^-1 (x ≠ 0; every Z here is non-zero: the addition law is complete).
Fe finv(const Fe& x) {
  uint64_t e[4], two[4] = {2, 0, 0, 0};
  sub4(e, P, two);
  Fe r = ONE;
  for (int i = 255; i >= 0; i--) {
    fmul(r, r, r);
    if ((e[i / 64] >> (i % 64)) & 1) fmul(r, r, x);
  }
  return r;
}

// Affine forms of `points`, with one inversion for all of them (Montgomery's trick).
void normalise(const std::vector<Point>& points, Affine* out) {
  const size_t n = points.size();
  std::vector<Fe> prefix(n);
  Fe acc = ONE;
  for (size_t i = 0; i < n; i++) {
    prefix[i] = acc;
    fmul(acc, acc, points[i].Z);
  }
  Fe inv = finv(acc);
  for (size_t i = n; i-- > 0;) {
    Fe zi;
    fmul(zi, inv, prefix[i]);
    fmul(inv, inv, points[i].Z);
    fmul(out[i].x, points[i].X, zi);
    fmul(out[i].y, points[i].Y, zi);
    fmul(out[i].dxy, out[i].x, out[i].y);
    fmul(out[i].dxy, out[i].dxy, CURVE_D);
  }
}

// `width` bits of k (normal form) from bit `at`.
inline uint32_t bits(const Fe& k, uint32_t at, uint32_t width) {
  uint32_t limb = at / 64, shift = at % 64;
  uint64_t v = k.v[limb] >> shift;
  if (shift + width > 64 && limb < 3) v |= k.v[limb + 1] << (64 - shift);
  return (uint32_t)v & ((1u << width) - 1);
}

// A fixed-base table of P: for each window w of `width` bits, j·2^(width·w)·P for j = 1 … 2^width − 1;
// k·P (k < 2^253) is then one mixed addition per window and no doubling.
struct FixedBase {
  uint32_t width = 0, windows = 0;
  std::vector<Affine> table;

  void build(const Point& p, uint32_t w) {
    width = w;
    windows = (253 + w - 1) / w;
    const uint32_t per = (1u << w) - 1;
    std::vector<Point> points(windows * per);
    Point base = p;
    for (uint32_t i = 0; i < windows; i++) {
      points[i * per] = base;
      for (uint32_t j = 1; j < per; j++) padd(points[i * per + j], points[i * per + j - 1], base);
      for (uint32_t d = 0; d < w; d++) pdbl(base, base);
    }
    table.resize(points.size());
    normalise(points, table.data());
  }

  void mulAdd(Point& acc, const Fe& k) const {
    const uint32_t per = (1u << width) - 1;
    for (uint32_t i = 0; i < windows; i++) {
      uint32_t j = bits(k, i * width, width);
      if (j) pmadd(acc, acc, table[i * per + j - 1]);
    }
  }
};

FixedBase& BASE8 = *new FixedBase;  // Base8, 8-bit windows: 32 additions per multiplication (never freed, as POSEIDON)
constexpr uint32_t BASE_WINDOW = 8, KEY_WINDOW = 5;

// 8A tables of the keys a thread checks most, per Node environment (main thread or worker, each
// its own: no locks; freed by Node-API when the environment ends): a key gets one the second time
// it is seen (a key seen once, such as a flood of new accounts, costs no table), and the least
// recently used one goes when there are more than KEY_TABLES.
constexpr size_t KEY_TABLES = 256, SEEN_KEYS = 8192;
struct KeyTable {
  FixedBase table;
  uint64_t used;
};
struct KeyCache {
  std::unordered_map<std::string, KeyTable> tables;
  std::unordered_set<std::string> seen;
  uint64_t clock = 0;
};

const FixedBase* keyTable(KeyCache& cache, const std::string& id, const Point& eightA) {
  auto found = cache.tables.find(id);
  if (found != cache.tables.end()) {
    found->second.used = ++cache.clock;
    return &found->second.table;
  }
  if (cache.seen.insert(id).second) {
    if (cache.seen.size() > SEEN_KEYS) cache.seen.clear();
    return nullptr;
  }
  if (cache.tables.size() >= KEY_TABLES) {
    auto oldest = cache.tables.begin();
    for (auto it = cache.tables.begin(); it != cache.tables.end(); ++it)
      if (it->second.used < oldest->second.used) oldest = it;
    cache.tables.erase(oldest);
  }
  KeyTable& entry = cache.tables[id];
  entry.table.build(eightA, KEY_WINDOW);
  entry.used = ++cache.clock;
  return &entry.table;
}

// k·P by 4-bit windows (for a key without a table).
void mulAdd(Point& acc, const Fe& k, const Point& p) {
  Point table[16], q = identity();
  table[0] = identity();
  table[1] = p;
  for (int i = 2; i < 16; i++) padd(table[i], table[i - 1], p);
  for (int w = 63; w >= 0; w--) {
    for (int i = 0; i < 4; i++) pdbl(q, q);
    uint32_t j = bits(k, 4 * w, 4);
    if (j) padd(q, q, table[j]);
  }
  padd(acc, acc, q);
}

// EdDSA-Poseidon (circomlibjs' verifyPoseidon): S < l, A on the curve, S·B8 = R8 + 8·h·A with
// h = Poseidon(R8, A, message), checked as R8 = S·B8 + (h mod l)·(−8A) (8A is in the prime-order
// subgroup). Every field element must be reduced; `message` in Montgomery form, the rest as read.
bool verify(KeyCache& cache, const Fe& messageM, const uint8_t* sigAndKey) {
  Fe r8x, r8y, s, ax, ay;
  if (!readBelow(sigAndKey, P, r8x) || !readBelow(sigAndKey + 32, P, r8y) || !readBelow(sigAndKey + 64, L, s) ||
      !readBelow(sigAndKey + 96, P, ax) || !readBelow(sigAndKey + 128, P, ay))
    return false;
  Fe r8xM = toMont(r8x), r8yM = toMont(r8y), axM = toMont(ax), ayM = toMont(ay);
  if (!onCurve(axM, ayM)) return false;
  Fe inputs[5] = {r8xM, r8yM, axM, ayM, messageM};
  Fe h = fromMont(poseidon(inputs, 5));
  while (geq(h.v, L)) sub4(h.v, h.v, L);
  Point negEightA = fromAffine(axM, ayM);  // −(x, y) = (−x, y)
  fsub(negEightA.X, ZERO, negEightA.X);
  fsub(negEightA.T, ZERO, negEightA.T);
  for (int i = 0; i < 3; i++) pdbl(negEightA, negEightA);
  Point q = identity();
  BASE8.mulAdd(q, s);
  const FixedBase* table = keyTable(cache, std::string(reinterpret_cast<const char*>(sigAndKey + 96), 64), negEightA);
  if (table) table->mulAdd(q, h);
  else mulAdd(q, h, negEightA);
  Fe xz, yz;
  fmul(xz, r8xM, q.Z);
  fmul(yz, r8yM, q.Z);
  return feq(xz, q.X) && feq(yz, q.Y);
}

// ---- N-API ----

KeyCache* cacheOf(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  if (data) return static_cast<KeyCache*>(data);
  KeyCache* cache = new KeyCache;
  napi_set_instance_data(env, cache, [](napi_env, void* d, void*) { delete static_cast<KeyCache*>(d); }, nullptr);
  return cache;
}

std::once_flag initOnce;
bool initialised = false;

napi_value throwError(napi_env env, const char* message) {
  napi_throw_error(env, "ERR_PROOFBOOK_NATIVE", message);
  return nullptr;
}

struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;
  uint32_t u32() {
    if (end - p < 4) return ok = false, 0;
    uint32_t v;
    memcpy(&v, p, 4);
    p += 4;
    return v;
  }
  Fe fe() {
    Fe v = ZERO;
    if (end - p < 32) return ok = false, v;
    memcpy(v.v, p, 32);
    p += 32;
    return v;
  }
};

// init(params): p, l, a, d, Base8.x, Base8.y (32-byte LE each), then per Poseidon width:
// t, nRoundsF, nRoundsP, |C|, |S| (u32 LE) and C, S, M (t×t, [j][i]), P (t×t); a t of 0 ends.
bool initFrom(Reader& in) {
  Fe p = in.fe();
  memcpy(P, p.v, 32);
  if (P[3] >= (1ull << 63) - 1 || (P[0] & 1) == 0) return false;  // fmul's no-carry bound; Montgomery needs p odd
  uint64_t inv = 1;
  for (int i = 0; i < 7; i++) inv *= 2 - P[0] * inv;
  INV = 0 - inv;
  ZERO = Fe{{0, 0, 0, 0}};
  Fe r = {{1, 0, 0, 0}};
  for (int i = 0; i < 512; i++) {
    fadd(r, r, r);
    if (i == 255) ONE = r;
  }
  R2 = r;
  Fe l = in.fe();
  memcpy(L, l.v, 32);
  CURVE_A = toMont(in.fe());
  CURVE_D = toMont(in.fe());
  Fe bx = toMont(in.fe()), by = toMont(in.fe());
  BASE8.build(fromAffine(bx, by), BASE_WINDOW);
  for (;;) {
    uint32_t t = in.u32();
    if (!in.ok || t == 0) break;
    if (t < 2 || t > 16) return false;
    PoseidonParams& q = POSEIDON[t];
    q.t = t;
    q.nRoundsF = in.u32();
    q.nRoundsP = in.u32();
    uint32_t nC = in.u32(), nS = in.u32();
    if (nC != q.t * (q.nRoundsF + 1) + q.nRoundsP - q.t || nS != (2 * t - 1) * q.nRoundsP) return false;
    for (uint32_t i = 0; i < nC; i++) q.C.push_back(toMont(in.fe()));
    for (uint32_t i = 0; i < nS; i++) q.S.push_back(toMont(in.fe()));
    for (uint32_t i = 0; i < t * t; i++) q.M.push_back(toMont(in.fe()));
    for (uint32_t i = 0; i < t * t; i++) q.Pm.push_back(toMont(in.fe()));
  }
  return in.ok;
}

napi_value Init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint8_t* data;
  size_t length;
  if (argc < 1 || !bytesArg(env, argv[0], &data, &length)) return throwError(env, "init(params: Uint8Array)");
  bool ok = true;
  // Every thread passes the same parameters; the first one sets them.
  std::call_once(initOnce, [&] {
    Reader in{data, data + length};
    ok = initFrom(in);
    initialised = ok;
  });
  if (!ok || !initialised) return throwError(env, "init: malformed parameters");
  return nullptr;
}

// poseidon(inputs: n×32 bytes LE, each below p) → 32 bytes LE.
napi_value Poseidon(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint8_t *in, *out;
  size_t inLength, outLength;
  if (!initialised) return throwError(env, "poseidon before init");
  if (argc < 2 || !bytesArg(env, argv[0], &in, &inLength) || !bytesArg(env, argv[1], &out, &outLength) || outLength < 32 || inLength % 32 != 0)
    return throwError(env, "poseidon(inputs: Uint8Array, out: Uint8Array(32))");
  uint32_t n = (uint32_t)(inLength / 32);
  if (n < 1 || n + 1 > 16 || POSEIDON[n + 1].t == 0) return throwError(env, "poseidon: no parameters for this many inputs");
  Fe inputs[16];
  for (uint32_t i = 0; i < n; i++) {
    if (!readBelow(in + 32 * i, P, inputs[i])) return throwError(env, "poseidon: an input is not below the field modulus");
    inputs[i] = toMont(inputs[i]);
  }
  Fe h = fromMont(poseidon(inputs, n));
  memcpy(out, h.v, 32);
  return nullptr;
}

// Each item's verdict into verdicts[i] (the layout of Verify below).
void verifyAll(KeyCache& cache, const uint8_t* items, uint8_t* verdicts, size_t count, bool hashOrder) {
  const size_t head = hashOrder ? 4 : 1, stride = 32 * (head + 5);
  for (size_t i = 0; i < count; i++) {
    const uint8_t* item = items + stride * i;
    Fe fields[4];
    bool ok = true;
    for (size_t j = 0; j < head && ok; j++) {
      ok = readBelow(item + 32 * j, P, fields[j]);
      fields[j] = toMont(fields[j]);
    }
    verdicts[i] = ok && verify(cache, hashOrder ? poseidon(fields, 4) : fields[0], item + 32 * head) ? 1 : 0;
  }
}

// Checks of the libuv thread pool (verifyAsync): each pool thread its own key tables; pool threads
// live as long as the process, so the tables are never torn down under a running check.
thread_local KeyCache* poolCache = nullptr;

struct AsyncCheck {
  napi_async_work work;
  napi_ref items, verdicts, callback;
  const uint8_t* itemsData;
  uint8_t* verdictsData;
  size_t count;
  bool hashOrder;
};

// The arguments of verify and verifyAsync: items, verdicts (one byte per item), hashOrder.
struct VerifyArgs {
  uint8_t* items;
  uint8_t* verdicts;
  size_t count;
  bool hashOrder;
};

// Reads argv[0..2] into `out`; false once it has thrown (`usage` for a bad argument, or a mismatch).
bool readVerifyArgs(napi_env env, const napi_value* argv, size_t argc, const char* usage, VerifyArgs& out) {
  size_t itemsLength = 0;
  if (!initialised) return throwError(env, "verify before init"), false;
  if (argc < 3 || !bytesArg(env, argv[0], &out.items, &itemsLength) || !bytesArg(env, argv[1], &out.verdicts, &out.count) ||
      napi_get_value_bool(env, argv[2], &out.hashOrder) != napi_ok)
    return throwError(env, usage), false;
  if (itemsLength != 32 * ((out.hashOrder ? 4 : 1) + 5) * out.count) return throwError(env, "verify: items do not match verdicts"), false;
  if (out.hashOrder && POSEIDON[5].t == 0) return throwError(env, "verify: no Poseidon(4) parameters"), false;
  return true;
}

// verify(items, verdicts, hashOrder): each item is [message] or, with hashOrder, [packed, amount,
// price, domain] (hashed with Poseidon(4) into the message), then R8.x, R8.y, S, A.x, A.y; 32-byte LE
// numbers. verdicts[i] = 1 for a valid signature, 0 otherwise (a field not below its bound included).
napi_value Verify(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  VerifyArgs a;
  if (!readVerifyArgs(env, argv, argc, "verify(items: Uint8Array, verdicts: Uint8Array, hashOrder: boolean)", a)) return nullptr;
  verifyAll(*cacheOf(env), a.items, a.verdicts, a.count, a.hashOrder);
  return nullptr;
}

// verifyAsync(items, verdicts, hashOrder, callback): Verify's checks on a libuv pool thread, off
// the calling thread; callback() runs on the calling thread once verdicts are written. The arrays
// are held (references) until then.
napi_value VerifyAsync(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const char* usage = "verifyAsync(items: Uint8Array, verdicts: Uint8Array, hashOrder: boolean, callback: () => void)";
  VerifyArgs a;
  if (!readVerifyArgs(env, argv, argc, usage, a)) return nullptr;
  napi_valuetype callbackType = napi_undefined;
  if (argc < 4 || napi_typeof(env, argv[3], &callbackType) != napi_ok || callbackType != napi_function) return throwError(env, usage);
  AsyncCheck* check = new AsyncCheck{nullptr, nullptr, nullptr, nullptr, a.items, a.verdicts, a.count, a.hashOrder};
  napi_create_reference(env, argv[0], 1, &check->items);
  napi_create_reference(env, argv[1], 1, &check->verdicts);
  napi_create_reference(env, argv[3], 1, &check->callback);
  napi_value name;
  napi_create_string_utf8(env, "proofbook.verifyAsync", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(
      env, nullptr, name,
      [](napi_env, void* data) {
        AsyncCheck* c = static_cast<AsyncCheck*>(data);
        if (!poolCache) poolCache = new KeyCache;
        verifyAll(*poolCache, c->itemsData, c->verdictsData, c->count, c->hashOrder);
      },
      [](napi_env env, napi_status, void* data) {
        AsyncCheck* c = static_cast<AsyncCheck*>(data);
        napi_value callback, global;
        napi_get_reference_value(env, c->callback, &callback);
        napi_get_global(env, &global);
        napi_delete_reference(env, c->items);
        napi_delete_reference(env, c->verdicts);
        napi_delete_reference(env, c->callback);
        napi_delete_async_work(env, c->work);
        delete c;
        napi_call_function(env, global, callback, 0, nullptr, nullptr);
      },
      check, &check->work);
  napi_queue_async_work(env, check->work);
  return nullptr;
}

// keyTables() → how many key tables this thread holds (for tests of the cache).
napi_value KeyTables(napi_env env, napi_callback_info) {
  napi_value n;
  napi_create_uint32(env, (uint32_t)cacheOf(env)->tables.size(), &n);
  return n;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"init", nullptr, Init, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"poseidon", nullptr, Poseidon, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"verify", nullptr, Verify, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"keyTables", nullptr, KeyTables, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"verifyAsync", nullptr, VerifyAsync, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 5, props);
  return exports;
}
