#!/usr/bin/env bash
# Installs every dependency dlc needs to build and test: Debian packages
# (LLVM/MLIR, ONNX, protobuf) and pinned PyPI packages (test data and
# reference tools only). Idempotent: quiet and fast when everything is there.
set -euo pipefail

LLVM_VERSION="${DLC_LLVM_VERSION:-22}"
DEB_PACKAGES=(
  "llvm-${LLVM_VERSION}-dev" "libmlir-${LLVM_VERSION}-dev" "mlir-${LLVM_VERSION}-tools"
  "llvm-${LLVM_VERSION}-tools" "lld-${LLVM_VERSION}"
  libonnx-dev libprotobuf-dev protobuf-compiler
  cmake ninja-build g++ python3 python3-pip
)
# Test data and references; never run-time dependencies of dlc.
PY_PACKAGES=(
  "onnx==1.22.0" "onnxruntime==1.23.2" "numpy==2.1.3"
  "torch==2.5.1" "torchvision==0.20.1" "lit==18.1.8"
  "transformers==4.46.3"
)

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
need_py=()
for spec in "${PY_PACKAGES[@]}"; do
  name="${spec%%==*}"; want="${spec##*==}"
  have=$("$PYTHON" -m pip show "$name" 2>/dev/null | awk '/^Version:/{print $2}' || true)
  [ "$have" = "$want" ] || need_py+=("$spec")
done
if [ ${#need_py[@]} -gt 0 ]; then
  echo "setup: installing PyPI packages: ${need_py[*]}"
  "$PYTHON" -m pip install -q --disable-pip-version-check "${need_py[@]}"
fi
