#!/usr/bin/env python3
"""Mutation fuzzing of the importer (and code generation) with the ONNX
backend node tests.

    fuzz_import.py --dlc build-asan/bin/dlc [--runs 1000] [--seed 0]
                   [--out /tmp/dlc-fuzz] [--jobs 2]
                   [--codegen cpu,gpu-emu,cuda:sm_90 [--pool FILE]]

Takes the node tests that dlc imports (plain, or with their integer inputs
frozen through --freeze-input), applies one or two random mutations to each
draw (integer/float attributes, initializer and Constant values, input
dimensions, and the values of frozen shape-like inputs set to extremes such
as 0, -1, 2^62, INT64_MIN) and runs `dlc --emit=graph`. dlc may accept or
reject a mutated model, but must never crash, hang, print a sanitizer report,
exit with a code other than 0/1, or exit 1 without an error message. Each
finding is kept under --out (the model plus the command line) and printed;
the exit code is 1 when there is any. Deterministic for a given --seed.
Run it against a sanitized build (-DDLC_SANITIZE=ON) to catch overflows.

With --codegen TARGETS every mutated model that imports is also compiled
for each target (`dlc --target=T -o DIR`: the CPU library, or cubins and
PTX through ptxas for cuda:...), and for `gpu-emu` compiled and, when its
inputs hold at most 2^16 elements, run by dlc-run (next to dlc) on random
inputs; the same rules hold for every command. The draws then come from --pool, a list of node tests that
compile (default: test/conformance/cpu_expected_pass.txt), so that no
time goes into finding importable tests.
"""

import argparse
import concurrent.futures
import os
import random
import shlex
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import import_node_tests as nodetests  # noqa: E402

EXTREME_INTS = [0, 1, -1, 2, -2, 3, 5, -5, 100, 1 << 31, -(1 << 31),
                1 << 40, 1 << 62, -(1 << 62), (1 << 63) - 1, -(1 << 63)]
EXTREME_FLOATS = [0.0, -1.0, float("nan"), float("inf"), -float("inf"),
                  1e30, -1e30]


def clamp_int(value, dtype):
    info = np.iinfo(dtype)
    return max(info.min, min(info.max, value))


def mutate_array(arr, rng):
    arr = arr.copy()
    flat = arr.reshape(-1)
    if flat.size == 0 or arr.dtype.kind not in "iuf":
        return None
    for _ in range(rng.randint(1, 2)):
        j = rng.randrange(flat.size)
        if arr.dtype.kind == "f":
            flat[j] = rng.choice(EXTREME_FLOATS)
        else:
            flat[j] = clamp_int(rng.choice(EXTREME_INTS), arr.dtype)
    return arr


def mutate_model(model, rng):
    """Changes one attribute, initializer/Constant value or input dim."""
    g = model.graph
    spots = []
    for n in g.node:
        for a in n.attribute:
            spots.append(("attr", a))
    spots += [("tensor", t) for t in g.initializer]
    spots += [("tensor", a.t) for n in g.node for a in n.attribute
              if a.type == onnx.AttributeProto.TENSOR]
    spots += [("dim", d) for i in g.input
              for d in i.type.tensor_type.shape.dim]
    if not spots:
        return
    kind, x = rng.choice(spots)
    A = onnx.AttributeProto
    if kind == "attr":
        if x.type == A.INT:
            x.i = rng.choice(EXTREME_INTS)
        elif x.type == A.INTS and len(x.ints):
            x.ints[rng.randrange(len(x.ints))] = rng.choice(EXTREME_INTS)
        elif x.type == A.FLOAT:
            x.f = rng.choice(EXTREME_FLOATS)
        elif x.type == A.FLOATS and len(x.floats):
            x.floats[rng.randrange(len(x.floats))] = \
                rng.choice(EXTREME_FLOATS)
        elif x.type == A.STRING:
            x.s = rng.choice([b"", b"bogus"])
    elif kind == "tensor":
        try:
            arr = mutate_array(numpy_helper.to_array(x), rng)
        except Exception:
            arr = None
        if arr is not None:
            x.CopyFrom(numpy_helper.from_array(arr, x.name))
    else:
        x.Clear()
        x.dim_value = rng.choice([0, 1, 2, 5, 1 << 20, 1 << 40])


def importable(dlc, jobs, timeout):
    """(test, frozen) pairs of the node tests that dlc imports."""
    data = nodetests.node_test_dir()
    tests = sorted(t for t in os.listdir(data)
                   if os.path.isfile(os.path.join(data, t, "model.onnx")))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        statuses = list(pool.map(
            lambda t: nodetests.run_one(
                dlc, t, os.path.join(data, t, "model.onnx"), timeout,
                True)[0], tests))
    return [(t, s == "imported (frozen)") for t, s in zip(tests, statuses)
            if s.startswith("imported")]


def check(cmd, timeout):
    """The problem a command shows (a crash, a hang, a sanitizer report, an
    exit code other than 0/1, exit 1 without an error), or None; and its
    exit code."""
    try:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timed out after %ds" % timeout, None
    stderr = proc.stderr.decode(errors="replace")
    sanitizer = [l for l in stderr.splitlines()
                 if any(p in l for p in nodetests.SANITIZER_PATTERNS)]
    if proc.returncode < 0:
        return "killed by signal %d" % -proc.returncode, proc.returncode
    if sanitizer:
        return sanitizer[0].strip(), proc.returncode
    if proc.returncode not in (0, 1):
        return "exit code %d" % proc.returncode, proc.returncode
    if proc.returncode == 1 and "error:" not in stderr:
        return "exit 1 without an error message", proc.returncode
    return None, proc.returncode


# gpu-emu runs a mutant only when its inputs are small: a mutated
# dimension of 2^20 makes the emulated kernels of some ops (CumSum is
# quadratic) run for minutes; such a mutant is still compiled.
MAX_RUN_ELEMENTS = 1 << 16


def input_elements(model_path):
    model = onnx.load(model_path, load_external_data=False)
    inits = {t.name for t in model.graph.initializer}
    total = 0
    for i in model.graph.input:
        if i.name in inits:
            continue
        n = 1
        for d in i.type.tensor_type.shape.dim:
            n *= d.dim_value if d.HasField("dim_value") else 1
        total += n
    return total


# --codegen-arg: more arguments of every compile and gpu-emu run.
CODEGEN_ARGS = []


def codegen_commands(dlc, model_path, case_dir, targets, freeze):
    """The compile (and gpu-emu run) commands of one imported case."""
    dlc_run = os.path.join(os.path.dirname(os.path.abspath(dlc)), "dlc-run")
    freeze = list(freeze) + CODEGEN_ARGS
    cmds = []
    for target in targets:
        if target == "gpu-emu":
            cmds.append([dlc, model_path, "--target=gpu-emu", "-q", "-o",
                         os.path.join(case_dir, "out-gpu-emu")] + freeze)
            if input_elements(model_path) <= MAX_RUN_ELEMENTS:
                cmds.append([dlc_run, model_path, "--target=gpu-emu",
                             "--random-inputs=0"] + freeze)
        else:
            cmds.append([dlc, model_path, "--target=" + target, "-q", "-o",
                         os.path.join(case_dir, "out-" +
                                      target.replace(":", "_").replace(",", "_"))]
                        + freeze)
    return cmds


def run_case(dlc, out, index, test, frozen, seed, timeout, targets=()):
    rng = random.Random("%d-%d" % (seed, index))
    path = os.path.join(nodetests.node_test_dir(), test, "model.onnx")
    model = onnx.load(path, load_external_data=False)
    case_dir = os.path.join(out, "%05d_%s" % (index, test))
    args = []
    freeze = nodetests.frozen_int_inputs(path) if frozen else []
    mutate_inputs = bool(freeze) and rng.random() < 0.7
    if not mutate_inputs or rng.random() < 0.3:
        for _ in range(rng.randint(1, 2)):
            mutate_model(model, rng)
    os.makedirs(case_dir, exist_ok=True)
    for i in range(0, len(freeze), 2):
        name, pb = freeze[i + 1].split("=", 1)
        tensor = onnx.TensorProto()
        with open(pb, "rb") as f:
            tensor.ParseFromString(f.read())
        arr = numpy_helper.to_array(tensor)
        if mutate_inputs:
            arr = mutate_array(arr, rng)
            if arr is None:
                arr = numpy_helper.to_array(tensor)
        new_pb = os.path.join(case_dir, "input_%s.pb" % name)
        with open(new_pb, "wb") as f:
            f.write(numpy_helper.from_array(arr, tensor.name)
                    .SerializeToString())
        args += ["--freeze-input", "%s=%s" % (name, new_pb)]
    model_path = os.path.join(case_dir, "model.onnx")
    with open(model_path, "wb") as f:
        f.write(model.SerializeToString())
    cmd = [dlc, model_path, "--emit=graph", "-o", os.devnull] + args
    problem, code = check(cmd, timeout)
    if problem is None and code == 0:
        for c in codegen_commands(dlc, model_path, case_dir, targets, args):
            problem, _ = check(c, timeout)
            if problem is not None:
                cmd = c
                break
    if problem is None:
        shutil.rmtree(case_dir, ignore_errors=True)
        return None
    with open(os.path.join(case_dir, "command.sh"), "w") as f:
        f.write(" ".join(shlex.quote(c) for c in cmd) + "\n")
    return "%s: %s\n    %s" % (test, problem,
                               " ".join(shlex.quote(c) for c in cmd))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dlc", default="dlc", help="path to dlc")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="/tmp/dlc-fuzz",
                        help="folder for the models that found something")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--codegen", default="",
                        help="also compile each imported mutant for these "
                             "targets (comma-separated: cpu, gpu-emu, "
                             "cuda:sm_90, rocm:gfx942, ...)")
    parser.add_argument("--pool", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test",
        "conformance", "cpu_expected_pass.txt"),
        help="with --codegen: the node tests to draw from")
    parser.add_argument("--codegen-arg", action="append", default=[],
                        help="with --codegen: one more argument of every "
                             "compile and run (repeatable), e.g. "
                             "--codegen-arg=--precision=fp16")
    args = parser.parse_args()
    CODEGEN_ARGS.extend(args.codegen_arg)
    targets = [t for t in args.codegen.split(",") if t]
    # cuda:sm_80,sm_90 style lists: an architecture joins the target before.
    merged = []
    for t in targets:
        if merged and t.startswith(("sm_", "gfx")):
            merged[-1] += "," + t
        else:
            merged.append(t)
    targets = merged

    if targets:
        with open(args.pool) as f:
            names = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        data = nodetests.node_test_dir()
        pool = [(t, bool(nodetests.frozen_int_inputs(
                    os.path.join(data, t, "model.onnx"))))
                for t in names
                if os.path.isfile(os.path.join(data, t, "model.onnx"))]
    else:
        pool = importable(args.dlc, args.jobs, args.timeout)
    if not pool:
        sys.exit("fuzz_import: dlc imports no node test; nothing to mutate")
    print("%d %s node tests (%d with frozen inputs); %d runs%s"
          % (len(pool), "compiling" if targets else "importable",
             sum(f for _, f in pool), args.runs,
             "; code generation for " + ", ".join(targets) if targets else ""),
          flush=True)
    rng = random.Random(args.seed)
    draws = [rng.choice(pool) for _ in range(args.runs)]
    findings = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futures = [ex.submit(run_case, args.dlc, args.out, i, t, f,
                             args.seed, args.timeout, targets)
                   for i, (t, f) in enumerate(draws)]
        for future in futures:
            finding = future.result()
            if finding:
                findings.append(finding)
                print("FINDING " + finding, flush=True)
    print("%d runs, %d findings (kept under %s)" % (args.runs, len(findings),
                                                    args.out))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
