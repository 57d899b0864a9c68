#!/usr/bin/env python3
"""GPU benchmark: dlc against PyTorch eager and torch.compile on the same GPU.

    bench/gpu/bench.py --dlc-run build/bin/dlc-run [--arch sm_90]
        [--repeat 50] [--models resnet50,mobilenet_v2,bert_base]
        [--precisions fp32,tf32,fp16,bf16] [--no-compile]

For each model of scripts/export_models.py and each precision: dlc's
compile time and median latency (`dlc-run MODEL --target=cuda:ARCH
--precision P --repeat N`: one run includes copying the inputs to the GPU
and the outputs back; at fp16 / bf16 / tf32 the products run on tensor
cores, `dlc --explain` lists which), and PyTorch's median latency of the
same architecture (the module export_models.py builds, random weights,
inputs already on the GPU, under torch.no_grad, synchronized): eager and,
unless --no-compile, torch.compile; fp16 / bf16 run the module converted to
that type, tf32 fp32 with TF32 matmuls and convolutions allowed. Side by
side in one invocation. --arch defaults to the GPU's compute capability.
Prints a Markdown table with the ratios dlc / PyTorch (lower is better for
dlc).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from compare_models import CACHE, random_inputs  # noqa: E402
import export_models  # noqa: E402


def torch_latency(name, inputs, repeat, precision="fp32", compiled=False):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
    torch.backends.cudnn.allow_tf32 = precision == "tf32"
    net, _, input_names, _, _ = export_models.build(name, torch)
    net = net.eval().cuda()
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision)
    # The graph inputs, in the order the module takes them (float inputs
    # in the module's type).
    args = [torch.from_numpy(inputs[n]).cuda() for n in input_names]
    if dtype is not None:
        net = net.to(dtype)
        args = [a.to(dtype) if a.is_floating_point() else a for a in args]
    if compiled:
        net = torch.compile(net)
    with torch.no_grad():
        for _ in range(5):
            net(*args)
        torch.cuda.synchronize()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            net(*args)
            torch.cuda.synchronize()
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--arch", default="")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--models", default="resnet50,mobilenet_v2,bert_base")
    parser.add_argument("--precisions", default="fp32,tf32,fp16,bf16")
    parser.add_argument("--no-compile", action="store_true",
                        help="skip torch.compile")
    args = parser.parse_args()
    arch = args.arch
    if not arch:
        import torch
        major, minor = torch.cuda.get_device_capability()
        arch = "sm_%d%d" % (major, minor)

    def torch_ms(name, inputs, precision, compiled):
        try:
            return torch_latency(name, inputs, args.repeat, precision,
                                 compiled)
        except Exception as e:  # report, keep going
            print("PyTorch%s failed on %s at %s: %s"
                  % (" compile" if compiled else "", name, precision, e),
                  file=sys.stderr)
            return float("nan")

    rows = []
    for name in [m for m in args.models.split(",") if m]:
        path = os.path.join(CACHE, name + ".onnx")
        if not os.path.exists(path):
            subprocess.run([sys.executable,
                            os.path.join(ROOT, "scripts", "export_models.py"),
                            "--models", name], check=True)
        model = onnx.load(path, load_external_data=False)
        inputs = random_inputs(model)
        for precision in [p for p in args.precisions.split(",") if p]:
            eager = torch_ms(name, inputs, precision, False)
            compiled = (float("nan") if args.no_compile
                        else torch_ms(name, inputs, precision, True))
            with tempfile.TemporaryDirectory() as d:
                files = []
                for vi_name, value in inputs.items():
                    p = os.path.join(d, vi_name + ".pb")
                    with open(p, "wb") as f:
                        f.write(numpy_helper.from_array(value, vi_name)
                                .SerializeToString())
                    files += ["--input", "%s=%s" % (vi_name, p)]
                proc = subprocess.run(
                    [args.dlc_run, path, "--target=cuda:" + arch,
                     "--precision=" + precision,
                     "--repeat", str(args.repeat)] + files,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            out = proc.stdout.decode(errors="replace")
            m = re.search(r"compile ([\d.]+) ms; run median ([\d.]+) ms", out)
            if proc.returncode != 0 or not m:
                rows.append((name, precision, "failed", "-",
                             "%.3f" % eager, "%.3f" % compiled, "-", "-"))
                print(out, file=sys.stderr)
                continue
            compile_ms, dlc_ms = float(m.group(1)), float(m.group(2))
            rows.append((name, precision, "%.0f" % compile_ms,
                         "%.3f" % dlc_ms, "%.3f" % eager, "%.3f" % compiled,
                         "%.2f" % (dlc_ms / eager),
                         "%.2f" % (dlc_ms / compiled)))
    print("arch: %s, repeats: %d (median)" % (arch, args.repeat))
    print("| model | precision | dlc compile (ms) | dlc latency (ms, with "
          "copies) | PyTorch eager (ms) | torch.compile (ms) | "
          "dlc / eager | dlc / compile |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s |" % " | ".join(r))
    return 0 if all(r[2] != "failed" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
