#!/usr/bin/env bash
# The main job on the bundled model, from a fresh clone:
#   scripts/run_example.sh
# 1. installs the dependencies (scripts/setup.sh) and builds dlc (build/);
# 2. installs dlc into build/install (the compiler, the runtime, the CMake
#    package);
# 3. configures and builds examples/classify, a C application whose CMake
#    file calls dlc_add_model() to compile examples/models/tiny_cnn.onnxtxt
#    into libtiny_cnn.a + tiny_cnn.h at build time;
# 4. runs it: it prints the class scores and the time per inference.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
cmake -G Ninja -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$root/build" dlc dlc-opt dlc-run dlc_runtime >/dev/null
cmake --install "$root/build" --prefix "$root/build/install" >/dev/null
cmake -G Ninja -S "$root/examples/classify" -B "$root/build/example" \
  -DCMAKE_BUILD_TYPE=Release -Ddlc_DIR="$root/build/install/lib/cmake/dlc" >/dev/null
ninja -C "$root/build/example"
exec "$root/build/example/classify" "$@"
