#!/usr/bin/env python3
"""Runs every ONNX backend node test of the pinned onnx package through a
dlc target and checks the results against an expectation list.

    scripts/run_conformance.py --dlc-run build/bin/dlc-run [--jobs N]
        [--target cpu] [--expected test/conformance/cpu_expected_pass.txt]
        [--report docs/CONFORMANCE.md] [--min-collected 1500]
        [--update-expected] [--report-stack-frames]
        [--emu-check races] [--subset K]

Each test runs `dlc-run MODEL --target=T --test-dir test_data_set_0` (the
ONNX default tolerances: rtol 1e-3, atol 1e-7) and ends as
  passed       exit 0: every output matches;
  unsupported  exit 1 with a documented unsupported-feature message (the
               phrases of import_node_tests.py, plus "not supported by the
               CPU back end");
  failed       anything else: a mismatch, a crash, a timeout, a sanitizer
               report, another error.
The run fails (exit 1) when a test of the expectation list does not pass,
when a test outside it passes (so that the list stays honest: rerun with
--update-expected and commit the list), or when fewer tests than
--min-collected were collected. Writes a per-op Markdown report with the
reason of every failure. Ends with "N passed, N failed, N unsupported".

With --report-stack-frames every dlc-run also measures the stack frames of
the code it compiled (a frame over 64 KiB, or one that allocates
dynamically, fails that test) and the run ends with the largest frame
measured over all tests.

With --emu-check SPEC (target gpu-emu) every dlc-run runs in that checking
mode (`races`: a race between the threads of a block fails the test with
"gpu-emu race check: ..."), and the run ends with the number of tests that
raced. --subset K runs every K-th collected test only (a bounded sample;
expected passes outside it are not required).
"""

import argparse
import collections
import concurrent.futures
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx  # noqa: E402
from import_node_tests import (  # noqa: E402
    FREEZE_RETRY_PHRASES, INT_TYPES, SANITIZER_PATTERNS, UNSUPPORTED_PHRASES,
    error_lines, node_test_dir, normalize_reason, primary_op, schema_names)

EXTRA_UNSUPPORTED = ("not supported by the cpu back end",
                     "is not supported by the gpu targets yet")


STAGE_FAILED = re.compile(
    r"^(lowering to linalg|bufferization|lowering to the LLVM dialect|"
    r"mapping the loops to GPU blocks and threads|lowering the emulated "
    r"kernels|outlining the GPU kernels|lowering the kernels to (NVVM|ROCDL)|"
    r"lowering the host code) failed$")


# The class of an unsupported reason, for the report: what is out of scope
# for dlc (other domains, strings, sequences/optionals, image decoding),
# what waits for dynamic shapes, control flow or randomness, the operators
# newer than the rest, and what is simply not implemented yet.
REASON_CLASSES = (
    ("out of scope: ai.onnx.ml and training domains",
     ("imports no default-domain",)),
    ("out of scope: string tensors",
     ("STRING", "StringSplit", "StringNormalizer", "StringConcat",
      "RegexFullMatch", "TfIdfVectorizer")),
    ("out of scope: sequence and optional types",
     ("Sequence", "Optional", "is not a tensor")),
    ("out of scope: image decoding", ("ImageDecoder",)),
    ("dynamic shapes (data-dependent output shapes)",
     ("NonZero", "NonMaxSuppression", "Unique", "dynamic shapes",
      "depends on their values")),
    ("control flow (If, Loop, Scan)", ("If (opset", "Loop (opset",
                                       "Scan (opset")),
    ("randomness (training-mode Dropout, random ops)",
     ("Bernoulli", "RandomUniform", "RandomNormal", "Dropout")),
    ("newest operators (opset 27, ai.onnx.preview)",
     ("opset 27)", "ai.onnx.preview")),
)


def reason_class(reason):
    for cls, needles in REASON_CLASSES:
        if any(n in reason for n in needles):
            return cls
    return "not implemented yet"


def frozen_shape_inputs(test_dir):
    """--freeze-input arguments for the shape-like graph inputs of a test
    (integer tensors, Resize/Upsample 'scales'/'roi', Range's operands,
    OneHot's depth, Compress's condition), with their values
    from test_data_set_0."""
    model = onnx.load(os.path.join(test_dir, "model.onnx"),
                      load_external_data=False)
    inits = {t.name for t in model.graph.initializer}
    shape_like = set()
    for node in model.graph.node:
        if node.op_type in ("Resize", "Upsample", "Range"):
            shape_like.update(node.input[1:] if node.op_type != "Range"
                              else node.input)
        elif node.op_type in ("OneHot", "Compress"):
            # OneHot's depth and Compress's condition set the output shape.
            shape_like.update(node.input[1:2])
    args = []
    inputs = [i for i in model.graph.input if i.name not in inits]
    for index, info in enumerate(inputs):
        pb = os.path.join(test_dir, "test_data_set_0", "input_%d.pb" % index)
        if os.path.exists(pb) and (
                info.type.tensor_type.elem_type in INT_TYPES or
                info.name in shape_like):
            args += ["--freeze-input", "%s=%s" % (info.name, pb)]
    return args


FRAME_LINE = re.compile(r"stack frames: \d+ functions, largest (\d+) bytes "
                        r"\(([^)]*)\)")


# Tests compared with a looser absolute tolerance, and why. Listed in the
# report; nothing else deviates from rtol 1e-3, atol 1e-7.
ATOL_OVERRIDES = {
    # The reference is numpy's complex64 inverse FFT: where the exact value
    # is 0 it holds float32 roundoff (1.9e-7 on values of magnitude ~1);
    # dlc's DFT matrix gives the exact 0.
    "test_dft_inverse": (1e-6, "float32 FFT roundoff in the reference"),
    "test_dft_inverse_opset19": (1e-6,
                                 "float32 FFT roundoff in the reference"),
}


def run_one(dlc_run, target, test_dir, timeout, base_extra=()):
    """(status, reason, largest frame or None)."""
    frames = []
    override = ATOL_OVERRIDES.get(os.path.basename(test_dir))
    if override:
        base_extra = list(base_extra) + ["--atol=%g" % override[0]]
    status, reason = run_dlc_run(dlc_run, target, test_dir, timeout,
                                 list(base_extra), frames)
    if status == "unsupported" and any(p in reason
                                       for p in FREEZE_RETRY_PHRASES):
        extra = frozen_shape_inputs(test_dir)
        if extra:
            status, reason = run_dlc_run(dlc_run, target, test_dir, timeout,
                                         list(base_extra) + extra, frames)
            if status == "passed":
                reason = "shape-like inputs frozen"
            elif status == "unsupported":
                reason += " (with frozen shape-like inputs)"
    return status, reason, max(frames) if frames else None


def run_dlc_run(dlc_run, target, test_dir, timeout, extra, frames=None):
    model = os.path.join(test_dir, "model.onnx")
    data = os.path.join(test_dir, "test_data_set_0")
    cmd = [dlc_run, model, "--target=" + target, "--test-dir", data] + extra
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "failed", "timed out after %ds" % timeout
    stderr = proc.stderr.decode(errors="replace")
    if frames is not None:
        for m in FRAME_LINE.finditer(proc.stdout.decode(errors="replace")):
            frames.append((int(m.group(1)), m.group(2)))
    for pattern in SANITIZER_PATTERNS:
        if pattern in stderr:
            return "failed", "sanitizer: " + next(
                (l.strip() for l in stderr.splitlines() if pattern in l),
                pattern)
    if proc.returncode == 0:
        return "passed", ""
    if proc.returncode < 0:
        return "failed", "killed by signal %d" % -proc.returncode
    errors = error_lines(stderr)
    # The driver's "<stage> failed" line follows the diagnostic that says
    # why; the diagnostic decides.
    specific = [e for e in errors if not STAGE_FAILED.match(e)]
    errors = specific or errors
    lines = [l for l in stderr.splitlines() if l.strip()]
    first = errors[0] if errors else (lines[0] if lines else "")
    if proc.returncode == 1 and errors and all(
            any(p in e.lower() for p in UNSUPPORTED_PHRASES + EXTRA_UNSUPPORTED)
            for e in errors):
        return "unsupported", first
    if proc.returncode != 1:
        return "failed", "exit code %d: %s" % (proc.returncode, first)
    return "failed", first


def collect():
    root = node_test_dir()
    tests = []
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        if os.path.isfile(os.path.join(d, "model.onnx")) and os.path.isdir(
                os.path.join(d, "test_data_set_0")):
            tests.append((name, d))
    return tests


def write_report(path, results, target, expected):
    schemas = schema_names()
    per_op = collections.defaultdict(collections.Counter)
    for r in results:
        per_op[r["op"]][r["status"]] += 1
    counts = collections.Counter(r["status"] for r in results)
    frozen = sum(1 for r in results if r["status"] == "passed" and
                 r["reason"] == "shape-like inputs frozen")
    out = ["# ONNX node-test conformance (%s)" % target, "",
           "Generated by `scripts/run_conformance.py` from the node tests of "
           "onnx %s: each test is compiled by dlc for `%s`, run on "
           "test_data_set_0 and compared with the reference outputs "
           "(rtol 1e-3, atol 1e-7)." % (onnx.__version__, target), "",
           "A test whose shape-like operand (axes, pads, Resize scales, ...) "
           "is a graph input is rejected by dlc, which needs such values at "
           "compile time; it is then compiled again with those inputs frozen "
           "to their test values (`dlc-run --freeze-input`). %d of the "
           "passes below are such runs." % frozen, "",
           "Compared with a looser absolute tolerance: " +
           "; ".join("`%s` (atol %g: %s)" % (t, a, why) for t, (a, why) in
                     sorted(ATOL_OVERRIDES.items())) + ".", "",
           "| passed | failed | unsupported | collected |",
           "|---|---|---|---|",
           "| %d | %d | %d | %d |" % (counts["passed"], counts["failed"],
                                     counts["unsupported"], len(results)),
           "", "## Per op", "",
           "| op | tests | passed | failed | unsupported |",
           "|---|---|---|---|---|"]
    for op in sorted(per_op):
        c = per_op[op]
        out.append("| %s | %d | %d | %d | %d |" % (
            op, sum(c.values()), c["passed"], c["failed"], c["unsupported"]))
    out += ["", "## Failed tests and why", ""]
    failed = [r for r in results if r["status"] == "failed"]
    if not failed:
        out.append("None.")
    for r in failed:
        out.append("- `%s` (%s): %s" % (r["test"], r["op"],
                                        r["reason"].replace("|", "\\|")))
    groups = collections.defaultdict(list)
    for r in results:
        if r["status"] == "unsupported":
            groups[normalize_reason(r["reason"])].append(r["test"])
    by_class = collections.Counter()
    for reason, tests in groups.items():
        by_class[reason_class(reason)] += len(tests)
    out += ["", "## Unsupported, by class", "", "| tests | class |",
            "|---|---|"]
    for cls, count in by_class.most_common():
        out.append("| %d | %s |" % (count, cls))
    out += ["", "## Unsupported, grouped by reason", "",
            "| tests | class | reason | examples |", "|---|---|---|---|"]
    for reason, tests in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        out.append("| %d | %s | %s | %s |" % (
            len(tests), reason_class(reason), reason.replace("|", "\\|"),
            ", ".join("`%s`" % t for t in tests[:3]) +
            (", ..." if len(tests) > 3 else "")))
    del schemas
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--target", default="cpu")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--expected", default=None,
                        help="file listing the tests expected to pass")
    parser.add_argument("--update-expected", action="store_true",
                        help="rewrite --expected with the tests that passed")
    parser.add_argument("--report", default=None)
    parser.add_argument("--min-collected", type=int, default=0)
    parser.add_argument("--filter", default="",
                        help="only tests whose name contains this (or one "
                             "of a comma-separated list)")
    parser.add_argument("--report-stack-frames", action="store_true",
                        help="measure every test's stack frames (dlc-run "
                             "--report-stack-frames) and print the largest")
    parser.add_argument("--emu-check", default="",
                        help="gpu-emu checking mode for dlc-run, e.g. races")
    parser.add_argument("--subset", type=int, default=1,
                        help="run every K-th collected test only")
    parser.add_argument("--precision", default="",
                        help="dlc-run --precision (fp16, bf16, tf32): the "
                             "products in low precision; use with "
                             "--max-rel-l2")
    parser.add_argument("--max-rel-l2", default="",
                        help="pass on each output's relative L2 error "
                             "against the (fp32) reference instead of "
                             "rtol/atol")
    parser.add_argument("--dlc-run-arg", action="append", default=[],
                        help="one more dlc-run argument for every test "
                             "(repeatable), e.g. --precision-min-terms=1")
    args = parser.parse_args()
    base_extra = ["--report-stack-frames"] if args.report_stack_frames else []
    base_extra += args.dlc_run_arg
    if args.precision:
        base_extra.append("--precision=" + args.precision)
    if args.max_rel_l2:
        base_extra.append("--max-rel-l2=" + args.max_rel_l2)
    if args.emu_check:
        base_extra.append("--emu-check=" + args.emu_check)

    filters = [f for f in args.filter.split(",")] if args.filter else [""]
    tests = [t for t in collect() if any(f in t[0] for f in filters)]
    sampled = args.subset > 1
    if sampled:
        tests = tests[::args.subset]
    schemas = schema_names()
    results = []
    largest = None
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_one, args.dlc_run, args.target, d,
                               args.timeout, base_extra): (name, d)
                   for name, d in tests}
        for future in concurrent.futures.as_completed(futures):
            name, d = futures[future]
            status, reason, frame = future.result()
            if frame and (largest is None or frame[0] > largest[0]):
                largest = (frame[0], name, frame[1])
            model = onnx.load(os.path.join(d, "model.onnx"),
                              load_external_data=False)
            results.append({"test": name, "status": status, "reason": reason,
                            "op": primary_op(name, model, schemas)})
    results.sort(key=lambda r: r["test"])
    counts = collections.Counter(r["status"] for r in results)
    passed = {r["test"] for r in results if r["status"] == "passed"}

    if args.report:
        write_report(args.report, results, args.target,
                     args.expected)
        print("report: %s" % args.report)

    problems = []
    if args.expected and args.update_expected:
        with open(args.expected, "w") as f:
            f.write("# Node tests expected to pass on the %s target; "
                    "written by scripts/run_conformance.py "
                    "--update-expected.\n" % args.target)
            for t in sorted(passed):
                f.write(t + "\n")
        print("wrote %d expected passes to %s" % (len(passed), args.expected))
    elif args.expected:
        with open(args.expected) as f:
            expected = {l.strip() for l in f
                        if l.strip() and not l.startswith("#")}
        by_name = {r["test"]: r for r in results}
        for t in sorted(expected):
            r = by_name.get(t)
            if r is None:
                if not args.filter and not sampled:
                    problems.append("expected-pass test %s was not collected"
                                    % t)
            elif r["status"] != "passed":
                problems.append("REGRESSION %s: %s: %s" % (
                    t, r["status"], r["reason"]))
        for t in sorted(passed - expected):
            problems.append("UNEXPECTED PASS %s: add it to %s "
                            "(--update-expected)" % (t, args.expected))
    if args.emu_check:
        raced = [r["test"] for r in results
                 if "gpu-emu race check" in r["reason"]]
        print("gpu-emu checking mode (%s): %d of %d tests raced%s" % (
            args.emu_check, len(raced), len(results),
            ": " + ", ".join(raced[:20]) if raced else ""))
    if len(results) < args.min_collected:
        problems.append("collected %d tests, fewer than the floor %d"
                        % (len(results), args.min_collected))
    for p in problems:
        print(p)
    if args.report_stack_frames:
        print("largest stack frame (%s): %s" % (
            args.target, "%d bytes (%s, %s)" % largest if largest
            else "none measured"))
    print("conformance (%s): %d passed, %d failed, %d unsupported "
          "(of %d collected)" % (args.target, counts["passed"],
                                 counts["failed"], counts["unsupported"],
                                 len(results)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
