{
  "targets": [
    {
      "target_name": "launch",
      "sources": ["src/launch.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2", "-Wall", "-Wextra"],
      "conditions": [
        ["OS != 'linux'", { "type": "none", "sources!": ["src/launch.cc"] }]
      ]
    }
  ]
}
