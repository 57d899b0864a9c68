#!/usr/bin/env bash
# Everything that needs an NVIDIA GPU, in one run on a CUDA machine:
#   bench/gpu/run.sh [ARCH]          (ARCH defaults to the GPU's, e.g. sm_90)
# 1. installs the dependencies and builds dlc (Release) in build-gpu/;
# 2. runs the lit suite (the GPU tests included);
# 3. runs every ONNX node test through --target=cuda:ARCH on the GPU and
#    checks it against the CPU's expected-pass list (a test that passes on
#    the CPU must pass on the GPU);
# 4. compares ResNet-50, MobileNetV2 and BERT-base compiled for the GPU with
#    onnxruntime on the CPU (rtol/atol 1e-4... 1e-3 for the GPU's fma and
#    reduction order);
# 5. times each model against PyTorch eager on the same GPU.
# Ends with "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build-gpu"
cd "$root"
arch="${1:-}"
if [ -z "$arch" ]; then
  cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '.')
  arch="sm_${cap}"
fi
echo "== GPU: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1), target cuda:$arch"
passed=0; failed=0
step() { if [ "$2" = 0 ]; then passed=$((passed+1)); echo "== $1: ok"; else failed=$((failed+1)); echo "== $1: FAILED"; fi; }

bash scripts/setup.sh >/dev/null || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
  ninja -C "$build" >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
/usr/lib/llvm-22/bin/lit -q "$build/test"; step "lit" $?
python3 scripts/run_conformance.py --dlc-run "$build/bin/dlc-run" \
  --target "cuda:$arch" --jobs 4 --expected test/conformance/cpu_expected_pass.txt \
  --report "$build/CONFORMANCE-cuda.md"
step "node tests on cuda:$arch" $?
python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
  --target "cuda:$arch" --rtol 1e-3 --atol 1e-3
step "real models on cuda:$arch against onnxruntime" $?
python3 bench/gpu/bench.py --dlc-run "$build/bin/dlc-run" --arch "$arch"
step "benchmark against PyTorch eager" $?
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
