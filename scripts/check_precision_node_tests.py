#!/usr/bin/env python3
"""Runs the ONNX node tests of products and convolutions at a reduced
precision and checks the failures against a list of expected ones.

    scripts/check_precision_node_tests.py --dlc-run build/bin/dlc-run
        [--precision fp16] [--targets cpu,gpu-emu] [--jobs N]
        [--expected-fail test/conformance/fp16_expected_fail.txt]
        [--rtol 1e-3] [--atol 2.5e-3] [--min-terms 1]

The tests are those of test/conformance/cpu_expected_pass.txt whose model
contains a MatMul, Gemm, Conv, ConvTranspose or Einsum node (on gpu-emu
only those of gpu_emu_expected_pass.txt too). Each runs as in
scripts/run_conformance.py (its helpers: shape-like inputs frozen when
needed) with `dlc-run --precision=P --precision-min-terms T --rtol R --atol A`;
the defaults are onnxruntime's fp16 tolerances and T = 1: every product
is demoted, also those summing fewer than the 32 terms below which the
compiler's default keeps them f32 (all the node tests' products are that
small). Prints one line per test and target,
"N passed, N failed", and exits 0 when the tests that fail are exactly
those of --expected-fail (lines "name: reason"; "name@target: reason"
for one target only; '#' starts a comment).
"""

import argparse
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx  # noqa: E402
from run_conformance import collect, run_one  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPS = {"MatMul", "Gemm", "Conv", "ConvTranspose", "Einsum"}


def read_list(path):
    with open(path) as f:
        return {l.strip() for l in f if l.strip() and not l.startswith("#")}


def read_expected_failures(path):
    """{(name, target or None): reason}."""
    expected = {}
    if not path:
        return expected
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, _, reason = line.partition(":")
            name, _, target = name.strip().partition("@")
            expected[(name, target or None)] = reason.strip()
    return expected


def has_product(test_dir):
    model = onnx.load(os.path.join(test_dir, "model.onnx"),
                      load_external_data=False)
    return any(n.op_type in OPS for n in model.graph.node)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--precision", default="fp16")
    parser.add_argument("--targets", default="cpu,gpu-emu")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--rtol", default="1e-3")
    parser.add_argument("--atol", default="2.5e-3")
    parser.add_argument("--min-terms", default="1",
                        help="dlc-run --precision-min-terms")
    parser.add_argument("--expected-fail", default=os.path.join(
        ROOT, "test", "conformance", "fp16_expected_fail.txt"))
    parser.add_argument("--filter", default="",
                        help="only tests whose name contains this")
    args = parser.parse_args()

    conformance = os.path.join(ROOT, "test", "conformance")
    passing = {"cpu": read_list(os.path.join(conformance,
                                             "cpu_expected_pass.txt")),
               "gpu-emu": read_list(os.path.join(
                   conformance, "gpu_emu_expected_pass.txt"))}
    tests = [(name, d) for name, d in collect()
             if name in passing["cpu"] and args.filter in name and
             has_product(d)]
    runs = []
    for target in args.targets.split(","):
        for name, d in tests:
            if target == "cpu" or name in passing.get(target, ()):
                runs.append((target, name, d))
    extra = ["--precision=" + args.precision,
             "--precision-min-terms=" + args.min_terms, "--rtol", args.rtol,
             "--atol", args.atol]
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_one, args.dlc_run, target, d,
                               args.timeout, extra): (target, name)
                   for target, name, d in runs}
        for future in concurrent.futures.as_completed(futures):
            status, reason, _ = future.result()
            results[futures[future]] = (status, reason)

    expected = read_expected_failures(args.expected_fail)

    def expected_reason(target, name):
        return expected.get((name, target), expected.get((name, None)))

    problems = []
    counts = {"passed": 0, "failed": 0}
    for (target, name) in sorted(results):
        status, reason = results[(target, name)]
        ok = status == "passed"
        counts["passed" if ok else "failed"] += 1
        want = expected_reason(target, name)
        line = "%-7s %-6s %s" % (target, "pass" if ok else "FAIL", name)
        if not ok:
            line += ": " + reason
            if want is not None:
                line += " (expected: %s)" % want
            else:
                problems.append("UNEXPECTED FAILURE %s on %s: %s"
                                % (name, target, reason))
        elif want is not None:
            problems.append("UNEXPECTED PASS %s on %s: remove it from %s"
                            % (name, target, args.expected_fail))
        print(line)
    ran = {n for _, n in results}
    for (name, target) in sorted(expected, key=str):
        if not args.filter and name not in ran:
            problems.append("expected failure %s was not run" % name)
    for p in problems:
        print(p)
    print("node tests at %s (%s): %d passed, %d failed" % (
        args.precision, args.targets, counts["passed"], counts["failed"]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
