{
  "targets": [
    {
      "target_name": "proofbook_crypto",
      "sources": ["proofbook-crypto.cc"],
      "cflags_cc": ["-O3", "-funroll-loops", "-std=c++17"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
