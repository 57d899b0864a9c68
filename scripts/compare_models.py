#!/usr/bin/env python3
"""Compares dlc's code for the real models with onnxruntime (CPU).

    scripts/compare_models.py --dlc-run build/bin/dlc-run [--target cpu]
        [--models resnet50,mobilenet_v2,bert_base] [--rtol 1e-4] [--atol 1e-4]
        [--report-stack-frames] [--emu-check races]

--target is dlc-run's: cpu (default), gpu-emu (the GPU-mapped kernels run
on the host) or cuda:sm_XY on a machine with a GPU. --emu-check (gpu-emu)
is passed on to dlc-run: `races` also fails a model on any race between
the threads of a block (its checking mode; see README).

Each model of scripts/export_models.py (exported into .cache/models when
missing) gets random inputs from a fixed seed (images, spectrograms and
sequences: standard normal; token ids in the vocabulary, below the model's
metadata "vocab_size" when it has one (GPT-2, Llama, Whisper: 1000) and below
30000 otherwise (BERT); an attention mask of ones with the last quarter
zero). The default --models are the original three; the other families
(vit_small, swin_tiny, gpt2_small, llama_small, whisper_tiny, lstm, gru,
lraspp_mobilenet) are small configurations (2 layers, hidden 128-192,
sequences of 16-32, images of 64 or 128), compared the same way when named.
Their random weights are shallow enough that the elementwise rtol/atol
1e-4 stays meaningful: all that compile match within it (relative L2
errors near 1e-6), so no relative-L2 criterion is needed at fp32;
--max-rel-l2 / --min-cosine remain for low precision. onnxruntime's outputs become the reference of an ONNX test
folder (input_N.pb, output_N.pb) and `dlc-run MODEL --test-dir DIR --rtol R
--atol A` compiles the model, runs it and compares every output. Prints one
line per model and "N passed, N failed"; exits 1 on any failure. With
--report-stack-frames dlc-run also measures the compiled code's stack frames
(a frame over 64 KiB or a dynamic one fails the model) and each line gives
the largest.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, ".cache", "models")


def random_inputs(model, seed=0):
    rng = np.random.default_rng(seed)
    inputs = {}
    init = {i.name for i in model.graph.initializer}
    # Token ids below the model's vocabulary (export_models.py records a
    # small one as metadata "vocab_size"; BERT-base's is 30522).
    meta = {p.key: p.value for p in model.metadata_props}
    high = min(30000, int(meta.get("vocab_size", 30000)))
    for vi in model.graph.input:
        if vi.name in init:
            continue
        t = vi.type.tensor_type
        shape = [d.dim_value for d in t.shape.dim]
        dtype = onnx.helper.tensor_dtype_to_np_dtype(t.elem_type)
        if np.issubdtype(dtype, np.integer):
            if "mask" in vi.name:
                a = np.ones(shape, dtype)
                a[..., shape[-1] * 3 // 4:] = 0
            else:
                a = rng.integers(1, high, shape).astype(dtype)
        else:
            a = rng.standard_normal(shape).astype(dtype)
        inputs[vi.name] = a
    return inputs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--target", default="cpu")
    parser.add_argument("--models", default="resnet50,mobilenet_v2,bert_base")
    parser.add_argument("--rtol", default="1e-4")
    parser.add_argument("--atol", default="1e-4")
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--report-stack-frames", action="store_true")
    parser.add_argument("--emu-check", default="",
                        help="gpu-emu checking mode for dlc-run, e.g. races")
    parser.add_argument("--tensor-cores", default="",
                        help="dlc-run --tensor-cores (gpu-emu: mfma runs "
                             "the AMD kernels)")
    parser.add_argument("--precision", default="fp32",
                        help="dlc-run --precision (fp32, tf32, fp16, bf16)")
    parser.add_argument("--max-rel-l2", default="",
                        help="pass on each output's relative L2 error "
                             "instead of rtol/atol (for low precision)")
    parser.add_argument("--min-cosine", type=float, default=None,
                        help="also require each output's cosine similarity "
                             "to onnxruntime's to be at least this")
    args = parser.parse_args()

    names = [m for m in args.models.split(",") if m]
    missing = [m for m in names
               if not os.path.exists(os.path.join(CACHE, m + ".onnx"))]
    if missing:
        subprocess.run([sys.executable,
                        os.path.join(ROOT, "scripts", "export_models.py"),
                        "--models", ",".join(missing)], check=True)
    passed = failed = 0
    for name in names:
        path = os.path.join(CACHE, name + ".onnx")
        model = onnx.load(path)
        inputs = random_inputs(model)
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        outputs = sess.run(None, inputs)
        with tempfile.TemporaryDirectory() as d:
            for i, vi in enumerate(x for x in sess.get_inputs()):
                t = numpy_helper.from_array(inputs[vi.name], vi.name)
                with open(os.path.join(d, "input_%d.pb" % i), "wb") as f:
                    f.write(t.SerializeToString())
            for i, (o, value) in enumerate(zip(sess.get_outputs(), outputs)):
                t = numpy_helper.from_array(value, o.name)
                with open(os.path.join(d, "output_%d.pb" % i), "wb") as f:
                    f.write(t.SerializeToString())
            start = time.time()
            criterion = (["--max-rel-l2", args.max_rel_l2] if args.max_rel_l2
                         else ["--rtol", args.rtol, "--atol", args.atol])
            proc = subprocess.run(
                [args.dlc_run, path, "--target=" + args.target, "--test-dir", d,
                 "--precision=" + args.precision] + criterion +
                (["--report-stack-frames"] if args.report_stack_frames
                 else []) +
                (["--emu-check=" + args.emu_check] if args.emu_check else []) +
                (["--tensor-cores=" + args.tensor_cores]
                 if args.tensor_cores else []),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                timeout=args.timeout)
            took = time.time() - start
        text = proc.stdout.decode(errors="replace").strip()
        frames = re.search(r"stack frames: .*", text)
        l2 = [float(v) for v in re.findall(r"relative L2 error ([0-9.e+-]+|inf|nan)", text)]
        cosines = [float(v) for v in
                   re.findall(r"cosine similarity ([0-9.e+-]+|nan)", text)]
        low_cosine = (args.min_cosine is not None and
                      (not cosines or not min(cosines) >= args.min_cosine))
        what = (("relative L2 error %s" % args.max_rel_l2)
                if args.max_rel_l2 else
                "rtol %s, atol %s" % (args.rtol, args.atol))
        if proc.returncode == 0 and not low_cosine:
            passed += 1
            print("PASS %s (%s, %s, %.1fs): matches onnxruntime within %s%s%s"
                  "%s%s" % (name, args.target, args.precision, took, what,
                                   "; relative L2 error at most %.3g" % max(l2)
                                   if l2 else "",
                                   "; cosine similarity at least %.6f" %
                                   min(cosines) if cosines else "",
                                   "; " + frames.group(0) if frames else "",
                                   "; no races" if "no races" in text
                                   else ""))
        else:
            failed += 1
            print("FAIL %s (%s, %s, %.1fs)%s\n    %s" % (
                name, args.target, args.precision, took,
                " cosine similarity %s below %s" % (
                    min(cosines) if cosines else "missing", args.min_cosine)
                if low_cosine else "",
                "\n    ".join(text.splitlines()[-5:])))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
