// proofbook's native Groth16 prover (docs/protocol.md §9) as a Node-API addon: openZkey maps a
// snarkjs zkey once per process, prove computes a proof from it and a witness on a pool thread.
// The field, curve, MSM and NTT operations are exported too, for the tests that check them against
// @noble/curves and ffjavascript. Numbers cross the boundary as 32-byte little-endian values in
// normal form, except zkey-layout points (Montgomery form, as in the file).
#include <node_api.h>

#include "napi-bytes.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "groth16/prover.h"

using namespace groth16;

namespace {

napi_value throwCoded(napi_env env, const char* code, const std::string& message) {
  napi_throw_error(env, code, message.c_str());
  return nullptr;
}

std::string stringArg(napi_env env, napi_value v) {
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &n) != napi_ok) return "";
  std::string s(n, '\0');
  napi_get_value_string_utf8(env, v, &s[0], n + 1, &n);
  return s;
}

int32_t intArg(napi_env env, napi_value v, int32_t fallback) {
  int32_t x;
  return napi_get_value_int32(env, v, &x) == napi_ok ? x : fallback;
}

napi_value bytesValue(napi_env env, const void* data, size_t length) {
  napi_value buffer;
  void* out;
  napi_create_buffer_copy(env, length, data, &out, &buffer);
  return buffer;
}

void setNumber(napi_env env, napi_value obj, const char* key, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

// --- zkeys: one map per file (device, inode, size, mtime), shared by every thread and proof ---

std::mutex mapsLock;
std::map<std::string, std::weak_ptr<Zkey>> zkeys;
std::map<std::string, std::weak_ptr<R1cs>> r1csFiles;

// The file's map if this process holds one (same device, inode, size and mtime), else a new one.
template <class T>
std::shared_ptr<T> openShared(std::map<std::string, std::weak_ptr<T>>& maps, const std::string& path, const char* kind) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw InputError{std::string(kind) + "_UNREADABLE", "cannot open " + path + ": " + strerror(errno)};
  const std::string id = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  std::lock_guard<std::mutex> hold(mapsLock);
  if (auto found = maps[id].lock()) return found;
  std::shared_ptr<T> opened(T::open(path));
  maps[id] = opened;
  return opened;
}

template <class T>
napi_value externalOf(napi_env env, const std::shared_ptr<T>& held) {
  napi_value handle;
  napi_create_external(env, new std::shared_ptr<T>(held), [](napi_env, void* data, void*) { delete static_cast<std::shared_ptr<T>*>(data); }, nullptr, &handle);
  return handle;
}

// The map of the file named by argv[0] (shared, see openShared); nullptr once it has thrown.
template <class T>
std::shared_ptr<T> openArg(napi_env env, napi_callback_info info, std::map<std::string, std::weak_ptr<T>>& maps, const char* kind, const char* usage) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 1) return throwCoded(env, "USAGE", usage), nullptr;
  try {
    return openShared(maps, stringArg(env, argv[0]), kind);
  } catch (const InputError& e) {
    return throwCoded(env, e.code.c_str(), e.message), nullptr;
  }
}

// openZkey(path) → { handle, nVars, nPublic, domainSize }
napi_value OpenZkey(napi_env env, napi_callback_info info) {
  const std::shared_ptr<Zkey> z = openArg(env, info, zkeys, "ZKEY", "openZkey(path: string)");
  if (!z) return nullptr;
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "handle", externalOf(env, z));
  setNumber(env, result, "nVars", z->nVars);
  setNumber(env, result, "nPublic", z->nPublic);
  setNumber(env, result, "domainSize", z->domainSize);
  return result;
}

// openR1cs(path) → handle: the constraints a witness is checked against before proving.
napi_value OpenR1cs(napi_env env, napi_callback_info info) {
  const std::shared_ptr<R1cs> r = openArg(env, info, r1csFiles, "R1CS", "openR1cs(path: string)");
  return r ? externalOf(env, r) : nullptr;
}

// zkeysMapped() → how many zkeys this process holds mapped (for the tests of sharing).
napi_value ZkeysMapped(napi_env env, napi_callback_info) {
  std::lock_guard<std::mutex> hold(mapsLock);
  uint32_t n = 0;
  for (auto& [id, z] : zkeys) n += z.expired() ? 0 : 1;
  napi_value v;
  napi_create_uint32(env, n, &v);
  return v;
}

struct ProveJob {
  napi_async_work work = nullptr;
  napi_ref witnessRef = nullptr, callback = nullptr;
  std::shared_ptr<Zkey> zkey;
  std::shared_ptr<R1cs> r1cs;
  const uint8_t* witness = nullptr;
  size_t witnessBytes = 0;
  int threads = 1;
  Proof proof;
  bool failed = false;
  InputError error;
};

// prove(handle, r1cs handle or null, witness: Uint8Array, threads, callback(error, result)): on a libuv pool thread,
// which runs `threads` threads of its own. result: { a: 64 bytes, b: 128, c: 64 (affine, normal
// form: a.x, a.y; b.x.c0, b.x.c1, b.y.c0, b.y.c1; c.x, c.y), abcMs, nttMs, msmMs }.
napi_value Prove(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const char* usage = "prove(handle, r1cs: handle | null, witness: Uint8Array, threads: number, callback: (error, result) => void)";
  void *held = nullptr, *heldR1cs = nullptr;
  napi_valuetype t, r1csType;
  uint8_t* witness;
  size_t bytes;
  if (argc < 5 || napi_get_value_external(env, argv[0], &held) != napi_ok || !held || napi_typeof(env, argv[1], &r1csType) != napi_ok ||
      (r1csType != napi_null && napi_get_value_external(env, argv[1], &heldR1cs) != napi_ok) || !bytesArg(env, argv[2], &witness, &bytes) ||
      napi_typeof(env, argv[4], &t) != napi_ok || t != napi_function)
    return throwCoded(env, "USAGE", usage);
  ProveJob* job = new ProveJob();
  job->zkey = *static_cast<std::shared_ptr<Zkey>*>(held);
  if (heldR1cs) job->r1cs = *static_cast<std::shared_ptr<R1cs>*>(heldR1cs);
  job->witness = witness;
  job->witnessBytes = bytes;
  job->threads = std::max(1, std::min(256, intArg(env, argv[3], 1)));
  napi_create_reference(env, argv[2], 1, &job->witnessRef);
  napi_create_reference(env, argv[4], 1, &job->callback);
  napi_value name;
  napi_create_string_utf8(env, "proofbook.prove", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(
      env, nullptr, name,
      [](napi_env, void* data) {
        ProveJob* j = static_cast<ProveJob*>(data);
        try {
          j->proof = prove(*j->zkey, j->r1cs.get(), j->witness, j->witnessBytes, j->threads);
        } catch (const InputError& e) {
          j->failed = true;
          j->error = e;
        }
      },
      [](napi_env env, napi_status, void* data) {
        ProveJob* j = static_cast<ProveJob*>(data);
        napi_value callback, global, args[2];
        napi_get_reference_value(env, j->callback, &callback);
        napi_get_global(env, &global);
        if (j->failed) {
          napi_value code, message;
          napi_create_string_utf8(env, j->error.code.c_str(), NAPI_AUTO_LENGTH, &code);
          napi_create_string_utf8(env, j->error.message.c_str(), NAPI_AUTO_LENGTH, &message);
          napi_create_error(env, code, message, &args[0]);
          napi_get_undefined(env, &args[1]);
        } else {
          napi_get_null(env, &args[0]);
          napi_create_object(env, &args[1]);
          uint64_t out[16];
          j->proof.a.x.toNormal(out), j->proof.a.y.toNormal(out + 4);
          napi_set_named_property(env, args[1], "a", bytesValue(env, out, 64));
          j->proof.b.x.c0.toNormal(out), j->proof.b.x.c1.toNormal(out + 4), j->proof.b.y.c0.toNormal(out + 8), j->proof.b.y.c1.toNormal(out + 12);
          napi_set_named_property(env, args[1], "b", bytesValue(env, out, 128));
          j->proof.c.x.toNormal(out), j->proof.c.y.toNormal(out + 4);
          napi_set_named_property(env, args[1], "c", bytesValue(env, out, 64));
          setNumber(env, args[1], "abcMs", j->proof.abcMs);
          setNumber(env, args[1], "nttMs", j->proof.nttMs);
          setNumber(env, args[1], "msmMs", j->proof.msmMs);
        }
        napi_delete_reference(env, j->witnessRef);
        napi_delete_reference(env, j->callback);
        napi_delete_async_work(env, j->work);
        delete j;
        napi_call_function(env, global, callback, 2, args, nullptr);
      },
      job, &job->work);
  napi_queue_async_work(env, job->work);
  return nullptr;
}

// --- the building blocks, for tests ---

template <class F>
bool readField(const uint8_t* bytes, F& out) {
  uint64_t n[4];
  memcpy(n, bytes, 32);
  if (!F::belowModulus(n)) return false;
  out = F::fromNormal(n);
  return true;
}
template <>
bool readField<Fq2>(const uint8_t* bytes, Fq2& out) {
  return readField<Fq>(bytes, out.c0) && readField<Fq>(bytes + 32, out.c1);
}
void writeField(uint8_t* out, const Fq& x) { x.toNormal((uint64_t*)out); }
void writeField(uint8_t* out, const Fr& x) { x.toNormal((uint64_t*)out); }
void writeField(uint8_t* out, const Fq2& x) { x.c0.toNormal((uint64_t*)out), x.c1.toNormal((uint64_t*)(out + 32)); }

template <class F>
napi_value fieldOp(napi_env env, const std::string& op, uint8_t* a, uint8_t* b) {
  F x, y, r;
  if (!readField<F>(a, x) || !readField<F>(b, y)) return throwCoded(env, "USAGE", "fieldOp: an operand is not below the modulus");
  if (op == "add") r = x + y;
  else if (op == "sub") r = x - y;
  else if (op == "mul") r = x * y;
  else if (op == "square") r = x.square();
  else if (op == "neg") r = -x;
  else if (op == "inverse") r = x.inverse();
  else return throwCoded(env, "USAGE", "fieldOp: unknown op " + op);
  uint8_t out[64];
  writeField(out, r);
  return bytesValue(env, out, sizeof(F));
}

// fieldOp(field: "fq" | "fr" | "fq2", op, a, b) → the result (normal form; Fq2 as c0, c1).
napi_value FieldOp(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint8_t *a, *b;
  size_t la, lb;
  if (argc < 4 || !bytesArg(env, argv[2], &a, &la) || !bytesArg(env, argv[3], &b, &lb)) return throwCoded(env, "USAGE", "fieldOp(field, op, a, b)");
  const std::string field = stringArg(env, argv[0]), op = stringArg(env, argv[1]);
  const size_t size = field == "fq2" ? 64 : 32;
  if (la != size || lb != size) return throwCoded(env, "USAGE", "fieldOp: operands of the field's size");
  if (field == "fq") return fieldOp<Fq>(env, op, a, b);
  if (field == "fr") return fieldOp<Fr>(env, op, a, b);
  if (field == "fq2") return fieldOp<Fq2>(env, op, a, b);
  return throwCoded(env, "USAGE", "fieldOp: unknown field " + field);
}

// A point given affine in normal form (infinity: zeros), in Jacobian form scaled by λ (x·λ², y·λ³, λ).
template <class F>
bool readPoint(const uint8_t* bytes, const uint8_t* lambda, Jacobian<F>& out) {
  Affine<F> p;
  F l;
  if (!readField<F>(bytes, p.x) || !readField<F>(bytes + sizeof(F), p.y) || !readField<F>(lambda, l) || l.isZero()) return false;
  if (p.isInfinity()) return out = Jacobian<F>::infinity(), true;
  const F l2 = l.square();
  out = Jacobian<F>{p.x * l2, p.y * l2 * l, l};
  return true;
}

template <class F>
napi_value curveOp(napi_env env, const std::string& op, uint8_t* p, uint8_t* lp, uint8_t* q, uint8_t* lq, const F& b) {
  Jacobian<F> x, y = Jacobian<F>::infinity(), r;
  const bool times = op == "times";  // q holds the scalar, not a point
  if (!readPoint<F>(p, lp, x) || (!times && !readPoint<F>(q, lq, y))) return throwCoded(env, "USAGE", "curveOp: bad operand");
  if (!onCurve(x.toAffine(), b) || !onCurve(y.toAffine(), b)) return throwCoded(env, "USAGE", "curveOp: a point is not on the curve");
  if (op == "add") r = x.add(y);
  else if (op == "addMixed") r = x.addMixed(y.toAffine());
  else if (op == "double") r = x.dbl();
  else if (op == "neg") r = x.neg();
  else if (times) {
    uint64_t k[4];
    memcpy(k, q, 32);  // q's first 32 bytes: the scalar
    r = x.times(k);
  } else return throwCoded(env, "USAGE", "curveOp: unknown op " + op);
  const Affine<F> a = r.toAffine();
  uint8_t out[2 * sizeof(F)];
  writeField(out, a.x), writeField(out + sizeof(F), a.y);
  return bytesValue(env, out, sizeof(out));
}

// curveOp(group: "g1" | "g2", op, p, λp, q, λq) → affine result (normal form, infinity as zeros).
// For "times", q's first 32 bytes are the scalar.
napi_value CurveOp(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint8_t* a[4];
  size_t l[4];
  if (argc < 6) return throwCoded(env, "USAGE", "curveOp(group, op, p, lp, q, lq)");
  for (int i = 0; i < 4; i++)
    if (!bytesArg(env, argv[2 + i], &a[i], &l[i])) return throwCoded(env, "USAGE", "curveOp: byte arguments");
  const std::string group = stringArg(env, argv[0]), op = stringArg(env, argv[1]);
  const size_t f = group == "g2" ? 64 : 32;
  if (l[0] != 2 * f || l[1] != f || l[2] != 2 * f || l[3] != f) return throwCoded(env, "USAGE", "curveOp: operand sizes");
  if (group == "g1") return curveOp<Fq>(env, op, a[0], a[1], a[2], a[3], g1B());
  if (group == "g2") return curveOp<Fq2>(env, op, a[0], a[1], a[2], a[3], g2B());
  return throwCoded(env, "USAGE", "curveOp: unknown group " + group);
}

// msm(group, points (zkey layout: affine, Montgomery form), scalars (normal form), threads[, grouping:
// "auto" (the default, the prover's choice) | "always" | "never"]) → affine, normal form.
napi_value Msm(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint8_t *points, *scalars;
  size_t lp, ls;
  if (argc < 4 || !bytesArg(env, argv[1], &points, &lp) || !bytesArg(env, argv[2], &scalars, &ls)) return throwCoded(env, "USAGE", "msm(group, points, scalars, threads)");
  const std::string group = stringArg(env, argv[0]);
  const int threads = std::max(1, intArg(env, argv[3], 1));
  const size_t n = ls / 32, pointSize = group == "g2" ? 128 : 64;
  if (ls % 32 || lp != n * pointSize) return throwCoded(env, "USAGE", "msm: as many points as scalars");
  for (size_t i = 0; i < n; i++)
    if (!Fr::belowModulus((const uint64_t*)(scalars + 32 * i))) return throwCoded(env, "USAGE", "msm: a scalar is not below r");
  const std::string how = argc > 4 ? stringArg(env, argv[4]) : "auto";
  if (how != "auto" && how != "always" && how != "never") return throwCoded(env, "USAGE", "msm: grouping is auto, always or never");
  const Grouping grouping = how == "always" ? Grouping::ALWAYS : how == "never" ? Grouping::NEVER : Grouping::AUTO;
  uint8_t out[256];
  if (group == "g2") {
    const G2Affine a = msm<Fq2>(points, scalars, n, grouping, threads).toAffine();
    writeField(out, a.x), writeField(out + 64, a.y);
    return bytesValue(env, out, 128);
  }
  const G1Affine a = msm<Fq>(points, scalars, n, grouping, threads).toAffine();
  writeField(out, a.x), writeField(out + 32, a.y);
  return bytesValue(env, out, 64);
}

// ntt(values (normal form, 2^k of them), inverse: boolean, threads) → the transform (normal form).
napi_value Ntt(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint8_t* values;
  size_t length;
  bool inverse = false;
  if (argc < 3 || !bytesArg(env, argv[0], &values, &length) || napi_get_value_bool(env, argv[1], &inverse) != napi_ok) return throwCoded(env, "USAGE", "ntt(values, inverse, threads)");
  const size_t n = length / 32;
  int bits = 0;
  while (((size_t)1 << bits) < n) bits++;
  if (length % 32 || n == 0 || ((size_t)1 << bits) != n || bits > FR_TWO_ADICITY) return throwCoded(env, "USAGE", "ntt: 2^k values, k <= 28");
  std::vector<Fr> a(n);
  for (size_t i = 0; i < n; i++)
    if (!readField<Fr>(values + 32 * i, a[i])) return throwCoded(env, "USAGE", "ntt: a value is not below r");
  const int threads = std::max(1, intArg(env, argv[2], 1));
  ntt(a.data(), Twiddles(bits, rootOfUnity(bits), threads), inverse, threads);
  std::vector<uint8_t> out(length);
  for (size_t i = 0; i < n; i++) a[i].toNormal((uint64_t*)(out.data() + 32 * i));
  return bytesValue(env, out.data(), length);
}

// rootOfUnity(k) → w_k (normal form).
napi_value RootOfUnity(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const int k = argc < 1 ? -1 : intArg(env, argv[0], -1);
  if (k < 0 || k > FR_TWO_ADICITY) return throwCoded(env, "USAGE", "rootOfUnity(k), 0 <= k <= 28");
  uint8_t out[32];
  rootOfUnity(k).toNormal((uint64_t*)out);
  return bytesValue(env, out, 32);
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"openZkey", nullptr, OpenZkey, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"openR1cs", nullptr, OpenR1cs, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"zkeysMapped", nullptr, ZkeysMapped, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"prove", nullptr, Prove, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fieldOp", nullptr, FieldOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"curveOp", nullptr, CurveOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"msm", nullptr, Msm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"ntt", nullptr, Ntt, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rootOfUnity", nullptr, RootOfUnity, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  // Which field multiplication this build compiled (groth16/field.h): "mulx" assembly or "portable" C++.
  napi_value arithmetic;
  napi_create_string_utf8(env, PROOFBOOK_MULX ? "mulx" : "portable", NAPI_AUTO_LENGTH, &arithmetic);
  napi_set_named_property(env, exports, "arithmetic", arithmetic);
  return exports;
}
