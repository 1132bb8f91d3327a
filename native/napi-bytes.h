// The byte arguments both addons take: a Uint8Array's data and length, without a copy.
#pragma once

#include <node_api.h>

#include <cstdint>

// False unless `value` is a Uint8Array.
inline bool bytesArg(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  bool is = false;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  void* raw;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok || type != napi_uint8_array) return false;
  *data = static_cast<uint8_t*>(raw);
  return true;
}
