#!/usr/bin/env bash
# The one command that installs, builds and tests dlc from a fresh clone:
#   scripts/test.sh
# Step 1: install dependencies (scripts/setup.sh, idempotent).
# Step 2: configure and build with warnings as errors, under AddressSanitizer
#         and UndefinedBehaviorSanitizer (build folder: $DLC_BUILD_DIR, default
#         build-test/).
# Step 3: run the lit suite (dialect, pass, importer and malformed-model tests).
# Step 4: import every ONNX backend node test (no crash, no verifier failure).
# Step 5: run every node test through the CPU target with dlc-run and check
#         the results against test/conformance/cpu_expected_pass.txt
#         (writes $build/CONFORMANCE.md); every compile also measures its
#         stack frames (a frame over 64 KiB or a dynamic one fails the test)
#         and the largest is printed.
# Step 6: run every node test through the GPU-mapped kernels executed on
#         the host (target gpu-emu) against
#         test/conformance/gpu_emu_expected_pass.txt, and every 4th of
#         them again in gpu-emu's checking mode (--emu-check=races: no race
#         between the threads of a block, the same passes).
#         The same tests compiled for cuda:sm_80,sm_90 (every kernel through
#         ptxas) and rocm:gfx942 (linked by ld.lld).
#         Then the CPU contraction kernels on many shapes against
#         onnxruntime (scripts/check_cpu_kernels.py), and the node tests
#         of MatMul, Gemm, Conv, ConvTranspose and Einsum at fp16 on cpu
#         and gpu-emu (onnxruntime's fp16 tolerances, the failures those
#         of test/conformance/fp16_expected_fail.txt).
# Step 7: export ResNet-50, MobileNetV2 and BERT-base with random weights,
#         import them, and compare dlc's CPU code and its GPU-mapped
#         kernels (gpu-emu; MobileNetV2 and BERT-base also in checking
#         mode: no races) with
#         onnxruntime (rtol and atol 1e-4); compile
#         them for cuda:sm_80,sm_90 (ptxas) and rocm:gfx942 and check every
#         kernel image (skipped with DLC_SKIP_MODELS=1); the same on the
#         CPU at fp16 (and bf16) against onnxruntime's fp32 outputs by
#         relative L2 error, and MobileNetV2 at fp16 through the
#         tensor-core kernels in gpu-emu (mma.sync and mfma). Small
#         configurations of eight more
#         architectures (ViT, Swin, GPT-2, Llama, Whisper, LSTM, GRU,
#         LR-ASPP segmentation; scripts/export_models.py) imported and
#         compared with onnxruntime on cpu and gpu-emu alike (rtol and
#         atol 1e-4), and those that import compiled for cuda and rocm.
# Ends with one line "N passed, N failed" over all steps.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DLC_BUILD_DIR:-$root/build-test}"
jobs="${DLC_JOBS:-$(nproc)}"
cd "$root"

passed=0
failed=0
step() { # name, status
  if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "== $1: ok"
  else failed=$((failed + 1)); echo "== $1: FAILED"; fi
}

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DDLC_WERROR=ON -DDLC_SANITIZE=ON >"$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; echo "0 passed, 1 failed"; exit 1; }
if ! ninja -C "$build" -j "$jobs"; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

# lit prints its own summary; its counts join the closing line.
lit_out="$build/lit.out"
/usr/lib/llvm-22/bin/lit -sv "$build/test" | tee "$lit_out"
lit_status=${PIPESTATUS[0]}
count_lit() { # the number after "Passed:", "Failed:", ... in lit's summary
  awk -v pat="$1" '$0 ~ "^ *(" pat ") *:" {for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) {s += $i; break}} END {print s + 0}' "$lit_out"
}
lit_pass=$(count_lit "Passed|Expectedly Failed")
lit_fail=$(count_lit "Failed|Unresolved|Timed Out|Unexpectedly Passed")
if [ "$lit_status" != 0 ] && [ "$lit_fail" = 0 ]; then lit_fail=1; fi
passed=$((passed + lit_pass)); failed=$((failed + lit_fail))
echo "== lit: $lit_pass passed, $lit_fail failed"

python3 scripts/import_node_tests.py --dlc "$build/bin/dlc" --jobs "$jobs" \
  --report "$build/NODE_IMPORT.md"
step "ONNX node-test import" $?

# Mutated node tests through the importer and code generation under the
# sanitizers: no crash, hang, sanitizer report or exit code other than 0/1.
python3 scripts/fuzz_import.py --dlc "$build/bin/dlc" --jobs "$jobs" \
  --runs 250 --seed 1 --codegen cpu,gpu-emu,cuda:sm_90 \
  --out "$build/fuzz-codegen"
step "fuzzing through code generation (cpu, gpu-emu, cuda:sm_90)" $?
# The same with every product in fp16: the tensor-core kernels (mma.sync
# in gpu-emu and for sm_90, mfma for gfx942) on the mutated shapes.
python3 scripts/fuzz_import.py --dlc "$build/bin/dlc" --jobs "$jobs" \
  --runs 250 --seed 2 --codegen gpu-emu,cuda:sm_90,rocm:gfx942 \
  --codegen-arg=--precision=fp16 --codegen-arg=--precision-min-terms=1 \
  --out "$build/fuzz-codegen-fp16"
step "fuzzing the tensor-core kernels (fp16: gpu-emu, sm_90, gfx942)" $?

python3 scripts/run_conformance.py --dlc-run "$build/bin/dlc-run" \
  --jobs "$jobs" --expected test/conformance/cpu_expected_pass.txt \
  --min-collected 1700 --report "$build/CONFORMANCE.md" --report-stack-frames
step "ONNX node-test conformance (cpu)" $?

python3 scripts/run_conformance.py --dlc-run "$build/bin/dlc-run" \
  --target gpu-emu --jobs "$jobs" \
  --expected test/conformance/gpu_emu_expected_pass.txt \
  --min-collected 1700 --report "$build/CONFORMANCE-gpu-emu.md" \
  --report-stack-frames
step "ONNX node-test conformance (gpu-emu)" $?

python3 scripts/run_conformance.py --dlc-run "$build/bin/dlc-run" \
  --target gpu-emu --emu-check races --subset 4 --jobs "$jobs" \
  --expected test/conformance/gpu_emu_expected_pass.txt
step "ONNX node tests in gpu-emu checking mode (every 4th; no races)" $?

python3 scripts/gpu_node_tests.py --dlc "$build/bin/dlc" --jobs "$jobs"
step "CPU-passing node tests compiled for cuda (ptxas) and rocm (ld.lld)" $?

python3 scripts/check_cpu_kernels.py --dlc-run "$build/bin/dlc-run" --jobs "$jobs"
step "CPU contraction kernels against onnxruntime (tiles, edges, epilogues)" $?

python3 scripts/check_precision_node_tests.py --dlc-run "$build/bin/dlc-run" \
  --precision fp16 --targets cpu,gpu-emu --jobs "$jobs" \
  --expected-fail test/conformance/fp16_expected_fail.txt
step "product and convolution node tests at fp16 (cpu, gpu-emu)" $?

if [ "${DLC_SKIP_MODELS:-0}" != 1 ]; then
  python3 scripts/export_models.py --check "$build/bin/dlc"
  step "real-model export and import" $?
  python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
    --report-stack-frames
  step "real models against onnxruntime (cpu)" $?
  python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
    --target gpu-emu --report-stack-frames
  step "real models against onnxruntime (gpu-emu)" $?
  # Small configurations of more architecture families (seconds each).
  families=vit_small,swin_tiny,gpt2_small,llama_small,whisper_tiny,lstm,gru,
  families+=lraspp_mobilenet
  python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
    --models "$families" --report-stack-frames
  step "more model families against onnxruntime (cpu)" $?
  python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
    --models "$families" --target gpu-emu --report-stack-frames
  step "more model families against onnxruntime (gpu-emu)" $?
  # A bounded subset: ResNet-50's kernels are of MobileNetV2's kinds (the
  # three: scripts/compare_models.py --target gpu-emu --emu-check races).
  python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
    --target gpu-emu --emu-check races --models mobilenet_v2,bert_base
  step "MobileNetV2 and BERT-base in gpu-emu checking mode (no races)" $?
  # Low precision against onnxruntime's fp32 outputs, by relative L2 error
  # and cosine similarity (MobileNetV2 at bf16 is over 2e-2: bf16's 8 bits
  # do not hold its pointwise convolutions; see docs/STATUS.md).
  python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
    --precision fp16 --max-rel-l2 1e-2 --min-cosine 0.999
  step "real models at fp16 (cpu)" $?
  python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
    --precision bf16 --max-rel-l2 2e-2 --min-cosine 0.999 \
    --models resnet50,bert_base
  step "ResNet-50 and BERT-base at bf16 (cpu)" $?
  # The tensor-core kernels on a whole model (gpu-emu runs NVIDIA's
  # mma.sync kernels, and AMD's mfma ones with --tensor-cores=mfma).
  python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
    --target gpu-emu --precision fp16 --max-rel-l2 1e-2 --min-cosine 0.999 \
    --models mobilenet_v2
  step "MobileNetV2 at fp16 on the mma.sync kernels (gpu-emu)" $?
  python3 scripts/compare_models.py --dlc-run "$build/bin/dlc-run" \
    --target gpu-emu --precision fp16 --max-rel-l2 1e-2 --min-cosine 0.999 \
    --models mobilenet_v2 --tensor-cores mfma
  step "MobileNetV2 at fp16 on the mfma kernels (gpu-emu)" $?
  python3 scripts/gpu_artifacts.py --dlc "$build/bin/dlc" \
    --out "$build/gpu-artifacts" --stats-md "$build/gpu-kernels.md"
  step "real models for cuda and rocm (ptxas, llvm-readelf)" $?
  python3 scripts/gpu_artifacts.py --dlc "$build/bin/dlc" \
    --out "$build/gpu-artifacts-families" \
    --models "$families"
  step "more model families for cuda and rocm (ptxas, llvm-readelf)" $?
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
