#!/usr/bin/env python3
"""CPU benchmark: dlc against onnxruntime on the real models, side by side.

    bench/cpu/bench.py --dlc-run build/bin/dlc-run [--threads N]
        [--repeat 20] [--models resnet50,mobilenet_v2,bert_base]
        [--precisions fp32,bf16] [--no-peak]

First the machine's fp32 FMA peak on N threads (bench/cpu/peak_fma.c,
compiled with the system C compiler) and a dlc-compiled 1024x1024x1024
fp32 MatMul (constant B) in GFLOP/s and as a share of that peak, next to
onnxruntime's. Then for each model (scripts/export_models.py,
.cache/models): dlc's compile time, kernel count (`dlc --explain=json`)
and median latency (`dlc-run --repeat`, device "cpu:N") at each of
--precisions (`dlc-run --precision=P`: fp32, and bf16 products with fp32
accumulation), and onnxruntime's fp32 median latency with the same number
of intra-op threads, all on the same random inputs, in this one
invocation. Prints Markdown tables with the ratio dlc / onnxruntime per
precision (lower is better for dlc).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from compare_models import CACHE, random_inputs  # noqa: E402
import onnx  # noqa: E402


def ort_median(path, inputs, threads, repeat):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    sess.run(None, inputs)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        sess.run(None, inputs)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def peak_and_matmul(args):
    """Measured FMA peak, then the 1024^3 MatMul of dlc and onnxruntime."""
    with tempfile.TemporaryDirectory() as d:
        exe = os.path.join(d, "peak_fma")
        cc = os.environ.get("CC", "cc")
        subprocess.run([cc, "-O3", "-march=native", "-pthread",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     "peak_fma.c"), "-o", exe], check=True)
        runs = []
        for _ in range(3):
            out = subprocess.run([exe, str(args.threads)], check=True,
                                 stdout=subprocess.PIPE).stdout.decode()
            runs.append(float(out.split()[0]))
        peak = max(runs)
        rng = np.random.default_rng(0)
        n = 1024
        b = rng.standard_normal((n, n)).astype(np.float32)
        graph = onnx.helper.make_graph(
            [onnx.helper.make_node("MatMul", ["a", "b"], ["y"])], "mm",
            [onnx.helper.make_tensor_value_info("a", onnx.TensorProto.FLOAT, [n, n])],
            [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)],
            [numpy_helper.from_array(b, "b")])
        model = onnx.helper.make_model(
            graph, opset_imports=[onnx.helper.make_opsetid("", 17)])
        model.ir_version = 8
        path = os.path.join(d, "matmul1024.onnx")
        onnx.save(model, path)
        a = rng.standard_normal((n, n)).astype(np.float32)
        apath = os.path.join(d, "a.npy")
        np.save(apath, a)
        ort_ms = ort_median(path, {"a": a}, args.threads, args.repeat)
        out = subprocess.run(
            [args.dlc_run, path, "--device=cpu:%d" % args.threads,
             "--input", "a=" + apath, "--repeat", str(args.repeat)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
        m = re.search(r"run median ([\d.]+) ms", out)
        flops = 2.0 * n ** 3
        print("fp32 FMA peak (bench/cpu/peak_fma.c, %d threads, best of 3): "
              "%.1f GFLOP/s" % (args.threads, peak))
        print("| 1024^3 MatMul | ms | GFLOP/s | % of peak |")
        print("|---|---|---|---|")
        if m:
            ms = float(m.group(1))
            print("| dlc | %.2f | %.1f | %.0f%% |" % (
                ms, flops / ms / 1e6, 100 * flops / ms / 1e6 / peak))
        else:
            print("| dlc | failed | - | - |")
            print(out, file=sys.stderr)
        print("| onnxruntime | %.2f | %.1f | %.0f%% |" % (
            ort_ms, flops / ort_ms / 1e6, 100 * flops / ort_ms / 1e6 / peak))
        print()


def kernel_count(dlc, path):
    proc = subprocess.run([dlc, path, "--explain=json"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    if proc.returncode != 0:
        return "-"
    return str(len(json.loads(proc.stdout)["kernels"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--models", default="resnet50,mobilenet_v2,bert_base")
    parser.add_argument("--precisions", default="fp32,bf16",
                        help="dlc precisions to time (comma-separated)")
    parser.add_argument("--no-peak", action="store_true",
                        help="skip the FMA peak and the 1024^3 MatMul")
    args = parser.parse_args()
    dlc = os.path.join(os.path.dirname(os.path.abspath(args.dlc_run)), "dlc")
    precisions = [p for p in args.precisions.split(",") if p]
    if not args.no_peak:
        peak_and_matmul(args)

    rows = []
    for name in [m for m in args.models.split(",") if m]:
        path = os.path.join(CACHE, name + ".onnx")
        if not os.path.exists(path):
            subprocess.run([sys.executable,
                            os.path.join(ROOT, "scripts", "export_models.py"),
                            "--models", name], check=True)
        model = onnx.load(path)
        inputs = random_inputs(model)
        ort_ms = ort_median(path, inputs, args.threads, args.repeat)
        kernels = kernel_count(dlc, path)
        row = [name, kernels]
        lat = []
        failed = False
        with tempfile.TemporaryDirectory() as d:
            files = []
            for vi in model.graph.input:
                if vi.name not in inputs:
                    continue
                p = os.path.join(d, vi.name + ".pb")
                with open(p, "wb") as f:
                    f.write(numpy_helper.from_array(
                        inputs[vi.name], vi.name).SerializeToString())
                files += ["--input", "%s=%s" % (vi.name, p)]
            for prec in precisions:
                proc = subprocess.run(
                    [args.dlc_run, path, "--target=cpu",
                     "--precision=" + prec,
                     "--device=cpu:%d" % args.threads,
                     "--repeat", str(args.repeat)] + files,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                out = proc.stdout.decode(errors="replace")
                m = re.search(r"compile ([\d.]+) ms; run median ([\d.]+) ms",
                              out)
                if proc.returncode != 0 or not m:
                    print(out, file=sys.stderr)
                    failed = True
                    lat.append(None)
                    row += ["failed", "failed"]
                    continue
                compile_ms, dlc_ms = float(m.group(1)), float(m.group(2))
                lat.append(dlc_ms)
                row += ["%.0f" % compile_ms, "%.2f" % dlc_ms]
        row.append("%.2f" % ort_ms)
        row += ["%.2f" % (t / ort_ms) if t else "-" for t in lat]
        rows.append((failed, row))
    print("threads: %d, repeats: %d (median)" % (args.threads, args.repeat))
    head = ["model", "dlc kernels"]
    for prec in precisions:
        head += ["dlc %s compile (ms)" % prec, "dlc %s latency (ms)" % prec]
    head.append("onnxruntime fp32 latency (ms)")
    head += ["dlc %s / ort" % prec for prec in precisions]
    print("| %s |" % " | ".join(head))
    print("|%s" % ("---|" * len(head)))
    for _, r in rows:
        print("| %s |" % " | ".join(r))
    return 1 if any(f for f, _ in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
