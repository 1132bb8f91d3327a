{
  "targets": [
    {
      "target_name": "proofbook_crypto",
      "sources": ["proofbook-crypto.cc"],
      "cflags_cc": ["-O3", "-funroll-loops", "-std=c++17"],
      "cflags_cc!": ["-fno-exceptions"]
    },
    {
      "target_name": "proofbook_prover",
      "sources": ["proofbook-prover.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-pthread", "<!@(python3 cpu-flags.py)"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "ldflags": ["-pthread"]
    },
    {
      "target_name": "proofbook_prover_portable",
      "sources": ["proofbook-prover.cc"],
      "defines": ["PROOFBOOK_PORTABLE"],
      "cflags_cc": ["-O3", "-std=c++17", "-pthread"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "ldflags": ["-pthread"]
    }
  ]
}
