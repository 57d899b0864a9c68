#!/usr/bin/env bash
# Builds dlc (build/, Release) and imports the bundled example model,
# printing its verified graph IR:
#   scripts/run_example.sh [MODEL]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-$root/examples/models/tiny_cnn.onnxtxt}"
bash "$root/scripts/setup.sh"
cmake -G Ninja -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$root/build" dlc >/dev/null
exec "$root/build/bin/dlc" "$model" --emit=graph
