# The costsim native BLAS addon: N-API (node-addon-api) over Debian's OpenBLAS.
# Built by native/build.mjs at install time; a failed build is recorded, never fatal.
{
  "targets": [
    {
      "target_name": "costsim_native",
      "sources": ["src/addon.cc", "src/gemm.cc", "src/conv.cc", "src/training.cc", "src/elementwise.cc", "src/batchnorm.cc", "src/layernorm.cc", "src/attention.cc", "src/gather.cc", "src/linear_parts.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "/usr/include/x86_64-linux-gnu/openblas-pthread",
        "/usr/include/openblas"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math"],
      "libraries": ["-lopenblas"]
    }
  ]
}
