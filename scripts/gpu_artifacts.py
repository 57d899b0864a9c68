#!/usr/bin/env python3
"""Compiles the real models (and optionally more ONNX files) for the GPU
targets without a GPU and checks every artifact with the toolchain:

    scripts/gpu_artifacts.py --dlc build/bin/dlc [--out DIR]
        [--models resnet50,mobilenet_v2,bert_base] [--cuda sm_80,sm_90]
        [--rocm gfx942] [--precision fp32|fp16|bf16] [--stats-md FILE]

For each model: `dlc --target=cuda:ARCHS` (PTX through NVPTX, cubins by
ptxas; fails if ptxas reports an error) with ptxas's per-kernel registers
and spills, and `dlc --target=rocm:ARCHS` whose code objects must be AMDGPU
HSA shared objects for the right gfx target with one metadata entry per
kernel (llvm-readelf) and must disassemble (llvm-objdump). Prints a table
(kernels, registers, spills per architecture) and "N passed, N failed";
--stats-md writes the table as Markdown for docs/STATUS.md. --precision
is dlc's (products and convolutions in fp16 or bf16, f32 accumulation).
"""

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, ".cache", "models")
LLVM_BIN = "/usr/lib/llvm-22/bin"


def run(cmd, timeout=3600):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=timeout)


def check_cuda(dlc, model, name, archs, out, extra):
    lib = os.path.join(out, name + "-cuda")
    imgs = os.path.join(lib, "images")
    stats = os.path.join(lib, "kernels.csv")
    os.makedirs(lib, exist_ok=True)
    start = time.time()
    proc = run([dlc, model, "--target=cuda:" + archs, "-o", lib,
                "--name", name, "--save-images=" + imgs,
                "--kernel-stats=" + stats] + extra)
    took = time.time() - start
    text = proc.stdout.decode(errors="replace")
    if proc.returncode != 0:
        return False, "dlc failed:\n" + text[-2000:], []
    rows = list(csv.DictReader(open(stats)))
    problems = []
    if "ptxas not found" in text:
        problems.append("ptxas not found: no cubins")
    for arch in archs.split(","):
        if not os.path.exists(os.path.join(imgs, "%s.%s.cubin" % (name, arch))):
            problems.append("no cubin for " + arch)
        if not any(r["arch"] == arch for r in rows):
            problems.append("no ptxas report for " + arch)
    summary = []
    for arch in archs.split(","):
        rs = [r for r in rows if r["arch"] == arch]
        summary.append({
            "model": name, "target": "cuda", "arch": arch, "kernels": len(rs),
            "max_registers": max((int(r["registers"]) for r in rs), default=0),
            "spilling_kernels": sum(1 for r in rs if int(r["spill_stores"]) or
                                    int(r["spill_loads"])),
            "spill_bytes": sum(int(r["spill_stores"]) + int(r["spill_loads"])
                               for r in rs),
            "compile_s": took})
    return not problems, "; ".join(problems), summary


def check_rocm(dlc, model, name, archs, out, extra):
    lib = os.path.join(out, name + "-rocm")
    imgs = os.path.join(lib, "images")
    os.makedirs(lib, exist_ok=True)
    start = time.time()
    proc = run([dlc, model, "--target=rocm:" + archs, "-o", lib,
                "--name", name, "--save-images=" + imgs] + extra)
    took = time.time() - start
    if proc.returncode != 0:
        return False, "dlc failed:\n" + proc.stdout.decode(errors="replace")[-2000:], []
    problems = []
    summary = []
    for arch in archs.split(","):
        hsaco = os.path.join(imgs, "%s.%s.hsaco" % (name, arch))
        if not os.path.exists(hsaco):
            problems.append("no code object for " + arch)
            continue
        elf = run([os.path.join(LLVM_BIN, "llvm-readelf"), "-h", "--notes",
                   hsaco]).stdout.decode(errors="replace")
        for want in ("OS/ABI:                            AMDGPU - HSA",
                     "EM_AMDGPU", "NT_AMDGPU_METADATA",
                     "amdhsa.target:   amdgcn-amd-amdhsa--" + arch):
            if want not in elf:
                problems.append("%s: llvm-readelf shows no '%s'" % (arch, want))
        flags = re.search(r"Flags:\s+(.*)", elf)
        if not flags or arch not in flags.group(1):
            problems.append("%s: ELF flags name no %s" % (arch, arch))
        kernels = re.findall(r"^\s+\.name:\s+(\S+)", elf, re.M)
        vgprs = [int(v) for v in re.findall(r"\.vgpr_count:\s+(\d+)", elf)]
        spills = sum(int(v) for v in
                     re.findall(r"\.vgpr_spill_count:\s+(\d+)", elf))
        dis = run([os.path.join(LLVM_BIN, "llvm-objdump"), "-d",
                   "--mcpu=" + arch, hsaco])
        if dis.returncode != 0 or b"s_endpgm" not in dis.stdout:
            problems.append("%s: llvm-objdump cannot disassemble it" % arch)
        summary.append({
            "model": name, "target": "rocm", "arch": arch,
            "kernels": len(kernels),
            "max_registers": max(vgprs, default=0),
            "spilling_kernels": 0 if spills == 0 else -1,
            "spill_bytes": spills, "compile_s": took})
    return not problems, "; ".join(problems), summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--models", default="resnet50,mobilenet_v2,bert_base")
    parser.add_argument("--extra", default="",
                        help="comma-separated ONNX files to check as well")
    parser.add_argument("--cuda", default="sm_80,sm_90")
    parser.add_argument("--rocm", default="gfx942")
    parser.add_argument("--out", default=None)
    parser.add_argument("--stats-md", default=None)
    parser.add_argument("--precision", default="fp32")
    args = parser.parse_args()
    extra = [] if args.precision == "fp32" else ["--precision=" +
                                                 args.precision]

    models = []
    names = [m for m in args.models.split(",") if m]
    missing = [m for m in names
               if not os.path.exists(os.path.join(CACHE, m + ".onnx"))]
    if missing:
        subprocess.run([sys.executable,
                        os.path.join(ROOT, "scripts", "export_models.py"),
                        "--models", ",".join(missing)], check=True)
    models += [(m, os.path.join(CACHE, m + ".onnx")) for m in names]
    models += [(os.path.splitext(os.path.basename(p))[0].replace("-", "_"), p)
               for p in args.extra.split(",") if p]

    out = args.out or tempfile.mkdtemp(prefix="dlc-gpu-artifacts-")
    passed = failed = 0
    table = []
    for name, path in models:
        for kind, check, archs in (("cuda", check_cuda, args.cuda),
                                   ("rocm", check_rocm, args.rocm)):
            if not archs:
                continue
            ok, why, summary = check(args.dlc, path, name, archs,
                                     os.path.join(out, args.precision), extra)
            table += summary
            if ok:
                passed += 1
                print("PASS %s %s:%s %s" % (name, kind, archs,
                                           args.precision))
            else:
                failed += 1
                print("FAIL %s %s:%s %s: %s" % (name, kind, archs,
                                               args.precision, why))
    print()
    header = "| model | target | arch | kernels | max registers (VGPRs on AMD) " \
             "| kernels with spills | spill bytes | compile s |"
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    for r in table:
        lines.append("| %s | %s | %s | %d | %d | %s | %d | %.1f |" % (
            r["model"] + ("" if args.precision == "fp32" else
                          " (%s)" % args.precision),
            r["target"], r["arch"], r["kernels"],
            r["max_registers"],
            "n/a" if r["spilling_kernels"] < 0 else r["spilling_kernels"],
            r["spill_bytes"], r["compile_s"]))
    print("\n".join(lines))
    if args.stats_md:
        with open(args.stats_md, "w") as f:
            f.write("\n".join(lines) + "\n")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
