#!/usr/bin/env python3
"""CPU benchmark: dlc against onnxruntime on the real models, side by side.

    bench/cpu/bench.py --dlc-run build/bin/dlc-run [--threads N]
        [--repeat 20] [--models resnet50,mobilenet_v2,bert_base]

For each model (scripts/export_models.py, .cache/models): dlc's compile time
and median latency (`dlc-run --repeat`, device "cpu:N"), and onnxruntime's
median latency with the same number of intra-op threads, both on the same
random inputs, in this one invocation. Prints a Markdown table with the
ratio dlc / onnxruntime (lower is better for dlc).
"""

import argparse
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--models", default="resnet50,mobilenet_v2,bert_base")
    args = parser.parse_args()

    rows = []
    for name in [m for m in args.models.split(",") if m]:
        path = os.path.join(CACHE, name + ".onnx")
        if not os.path.exists(path):
            subprocess.run([sys.executable,
                            os.path.join(ROOT, "scripts", "export_models.py"),
                            "--models", name], check=True)
        model = onnx.load(path)
        inputs = random_inputs(model)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = args.threads
        opts.inter_op_num_threads = 1
        sess = ort.InferenceSession(path, opts,
                                    providers=["CPUExecutionProvider"])
        sess.run(None, inputs)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            sess.run(None, inputs)
            times.append((time.perf_counter() - t0) * 1e3)
        ort_ms = statistics.median(times)
        with tempfile.TemporaryDirectory() as d:
            files = []
            for vi in sess.get_inputs():
                p = os.path.join(d, vi.name + ".pb")
                with open(p, "wb") as f:
                    f.write(numpy_helper.from_array(
                        inputs[vi.name], vi.name).SerializeToString())
                files += ["--input", "%s=%s" % (vi.name, p)]
            proc = subprocess.run(
                [args.dlc_run, path, "--target=cpu",
                 "--device=cpu:%d" % args.threads,
                 "--repeat", str(args.repeat)] + files,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = proc.stdout.decode(errors="replace")
        m = re.search(r"compile ([\d.]+) ms; run median ([\d.]+) ms", out)
        if proc.returncode != 0 or not m:
            rows.append((name, "failed", "-", "%.2f" % ort_ms, "-"))
            print(out, file=sys.stderr)
            continue
        compile_ms, dlc_ms = float(m.group(1)), float(m.group(2))
        rows.append((name, "%.0f" % compile_ms, "%.2f" % dlc_ms,
                     "%.2f" % ort_ms, "%.2f" % (dlc_ms / ort_ms)))
    print("threads: %d, repeats: %d (median)" % (args.threads, args.repeat))
    print("| model | dlc compile (ms) | dlc latency (ms) | onnxruntime "
          "latency (ms) | dlc / ort |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| %s |" % " | ".join(r))
    return 0 if all(r[1] != "failed" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
