#!/usr/bin/env python3
"""Imports every ONNX backend node test model with `dlc --emit=graph`.

    import_node_tests.py --dlc build/bin/dlc [--jobs 2] [--timeout 120]
                         [--report docs/NODE_IMPORT.md] [--max-failed 0]
                         [--filter REGEX]

Each onnx/backend/test/data/node/*/model.onnx of the installed onnx package is
classified as
  imported  dlc exited 0 (the module was built and verified) and the result
            types of the function match the element types and shapes the
            test declares for its graph outputs;
  rejected  dlc exited 1 with a message saying the model uses something dlc
            does not support (see UNSUPPORTED_PHRASES);
  FAILED    anything else: a signal (crash, assertion), a timeout, another
            exit code, a sanitizer report, exit 1 with another message
            (e.g. a verifier failure on a valid model), or a result type
            that differs from the declared output (wrong shape inference).
Prints the three counts and the failed tests, writes a Markdown report and
exits with 1 when more than --max-failed tests failed.

With --freeze-int-inputs, a test rejected because a shape-like operand (axes,
shape, pads, ...) is a graph input is imported again with each integer graph
input bound to its value from test_data_set_0 (`dlc --freeze-input`); it then
counts as imported, or as failed when that import fails.
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

import onnx

# An exit-1 message containing one of these (case-insensitive) is a
# documented rejection of something dlc does not support:
#  - "unsupported ONNX operators (N): ..." (op or opset not in the op table),
#    "unsupported tensor data type ..." (string, float8, int4, complex, ...);
#  - "... is not supported" (an attribute value, mode, output or form of an op
#    that dlc does not implement);
#  - "input 'X' must be a constant ...; dlc needs it at compile time" (a
#    shape-like operand that is a graph input in the test);
#  - "has a symbolic dimension ...; dynamic shapes are not supported yet",
#    "Range needs constant 'start', ...: its output shape depends on their
#    values and dlc needs static shapes";
#  - "graph input 'x' is not a tensor; only tensor inputs are supported"
#    (sequence and optional inputs);
#  - "model imports no default-domain (ai.onnx) opset" (ai.onnx.ml and
#    ai.onnx.preview.training models).
UNSUPPORTED_PHRASES = (
    "unsupported",
    "not supported",
    "must be a constant",
    "needs it at compile time",
    "dlc needs static shapes",
    "only tensor inputs are supported",
    "dlc supports opsets",
    "imports no default-domain (ai.onnx) opset",
)

SANITIZER_PATTERNS = (
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "ERROR: UndefinedBehaviorSanitizer",
    "runtime error:",
)


def node_test_dir():
    return os.path.join(os.path.dirname(onnx.__file__), "backend", "test",
                        "data", "node")


def schema_names():
    names = set()
    for schema in onnx.defs.get_all_schemas_with_history():
        if schema.domain in ("", "ai.onnx"):
            names.add(schema.name)
    return names


def primary_op(test, model, schemas):
    """The ONNX op a node test is about, taken from its name
    (test_reduce_sum_... -> ReduceSum): the longest op name that prefixes the
    test name once underscores are dropped. Falls back to the first node's op.
    Expanded tests (the op's function body) get an ' (expanded)' suffix."""
    stem = test[len("test_"):] if test.startswith("test_") else test
    flat = stem.replace("_", "").lower()
    best = ""
    for name in schemas:
        if flat.startswith(name.lower()) and len(name) > len(best):
            best = name
    if not best:
        best = model.graph.node[0].op_type if model.graph.node else "(none)"
    if "_expanded" in test:
        best += " (expanded)"
    return best


def error_lines(stderr):
    """The diagnostics without the 'FILE: error: ' prefix."""
    lines = []
    for line in stderr.splitlines():
        m = re.match(r"^.*?: error: (.*)$", line)
        if m:
            lines.append(m.group(1))
    return lines


def normalize_reason(line):
    """Groups messages that differ only in the node naming."""
    line = re.sub(r"node '[^']*' \(", "node (", line)
    line = re.sub(r"node #\d+ \(", "node (", line)
    line = re.sub(r" at node ('[^']*'|#\d+)", "", line)
    line = re.sub(r"'[^']*/model\.onnx'", "'model.onnx'", line)
    return line


FREEZE_RETRY_PHRASES = ("must be a constant", "needs it at compile time",
                        "dlc needs static shapes")
INT_TYPES = (onnx.TensorProto.INT64, onnx.TensorProto.INT32)


def frozen_int_inputs(path):
    """--freeze-input arguments for the integer graph inputs of a node test,
    with their values from test_data_set_0/input_N.pb."""
    model = onnx.load(path, load_external_data=False)
    inits = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in inits]
    data = os.path.join(os.path.dirname(path), "test_data_set_0")
    args = []
    for index, info in enumerate(inputs):
        pb = os.path.join(data, "input_%d.pb" % index)
        if info.type.tensor_type.elem_type in INT_TYPES and \
                os.path.exists(pb):
            args += ["--freeze-input", "%s=%s" % (info.name, pb)]
    return args


MLIR_ELEMENT = {
    onnx.TensorProto.FLOAT: "f32", onnx.TensorProto.DOUBLE: "f64",
    onnx.TensorProto.FLOAT16: "f16", onnx.TensorProto.BFLOAT16: "bf16",
    onnx.TensorProto.INT64: "i64", onnx.TensorProto.INT32: "i32",
    onnx.TensorProto.INT16: "i16", onnx.TensorProto.INT8: "i8",
    onnx.TensorProto.UINT8: "ui8", onnx.TensorProto.BOOL: "i1",
}


def declared_outputs(path):
    """[(name, element or None, [dim or None])] of the model's outputs."""
    model = onnx.load(path, load_external_data=False)
    outs = []
    for info in model.graph.output:
        t = info.type.tensor_type
        dims = None
        if t.HasField("shape"):
            dims = [d.dim_value if d.HasField("dim_value") else None
                    for d in t.shape.dim]
        outs.append((info.name, MLIR_ELEMENT.get(t.elem_type), dims))
    return outs


def result_types(ir):
    """The result types of @main in printed IR, as (element, [dims])."""
    for line in ir.splitlines():
        if "func.func @main(" not in line:
            continue
        arrow = line.rfind(") -> ")
        if arrow < 0:
            return []
        types = []
        for body in re.findall(r"tensor<([^>]*)>", line[arrow:]):
            parts = body.split("x")
            dims = [int(p) if p.isdigit() else None for p in parts[:-1]]
            types.append((parts[-1], dims))
        return types
    return None


def compare_outputs(path, ir):
    """'' when @main's results match the declared outputs, else why not."""
    declared = declared_outputs(path)
    got = result_types(ir)
    if got is None:
        return "no func.func @main in the output"
    if len(got) != len(declared):
        return "@main returns %d results, the model declares %d outputs" % (
            len(got), len(declared))
    for (name, element, dims), (g_element, g_dims) in zip(declared, got):
        if element is not None and element != g_element:
            return "output '%s' is %s, declared %s" % (name, g_element,
                                                       element)
        if dims is None:
            continue
        if len(dims) != len(g_dims) or any(
                d is not None and d != g for d, g in zip(dims, g_dims)):
            return "output '%s' has shape [%s], declared [%s]" % (
                name, ",".join(str(d) for d in g_dims),
                ",".join("?" if d is None else str(d) for d in dims))
    return ""


def run_one(dlc, test, path, timeout, freeze=False):
    status, reason, stderr = run_dlc(dlc, path, timeout, [])
    if freeze and status == "rejected" and \
            any(p in reason for p in FREEZE_RETRY_PHRASES):
        extra = frozen_int_inputs(path)
        if extra:
            status, reason, stderr = run_dlc(dlc, path, timeout, extra)
            if status == "imported":
                status = "imported (frozen)"
            elif status == "rejected":
                reason += " (with frozen integer inputs)"
    return status, reason, stderr


def run_dlc(dlc, path, timeout, extra):
    cmd = [dlc, path, "--emit=graph"] + extra
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "failed", "timed out after %ds" % timeout, ""
    stderr = proc.stderr.decode(errors="replace")
    for pattern in SANITIZER_PATTERNS:
        if pattern in stderr:
            first = next((l for l in stderr.splitlines() if pattern in l),
                         pattern)
            return "failed", "sanitizer: " + first.strip(), stderr
    errors = error_lines(stderr)
    first = errors[0] if errors else (stderr.strip().splitlines() or [""])[0]
    if proc.returncode < 0:
        return "failed", "killed by signal %d" % -proc.returncode, stderr
    if proc.returncode == 0:
        mismatch = compare_outputs(path, proc.stdout.decode(errors="replace"))
        if mismatch:
            return "failed", "imported, but " + mismatch, stderr
        return "imported", "", stderr
    if proc.returncode != 1:
        return "failed", "exit code %d: %s" % (proc.returncode, first), stderr
    if not errors:
        return "failed", "exit 1 without an error message", stderr
    if all(any(p in e.lower() for p in UNSUPPORTED_PHRASES) for e in errors):
        return "rejected", first, stderr
    return "failed", first, stderr


def summarize(results):
    counts = collections.Counter(r["status"] for r in results)
    counts["imported"] += counts["imported (frozen)"]
    return counts


def write_report(path, results, dlc, args):
    counts = summarize(results)
    per_op = collections.OrderedDict()
    for r in sorted(results, key=lambda r: r["op"].lower()):
        c = per_op.setdefault(r["op"], collections.Counter())
        c[r["status"]] += 1
        if r["status"] == "imported (frozen)":
            c["imported"] += 1
    reasons = collections.defaultdict(list)
    for r in results:
        if r["status"] == "rejected":
            reasons[normalize_reason(r["reason"])].append(r["test"])

    out = []
    out.append("# ONNX backend node tests: import status")
    out.append("")
    out.append("Generated by `scripts/import_node_tests.py` (onnx %s, %d "
               "node tests): every `model.onnx` is imported with "
               "`dlc MODEL --emit=graph`." % (onnx.__version__, len(results)))
    out.append("*imported*: exit 0 with a verified module; *rejected*: exit 1 "
               "with a documented unsupported-feature message; *failed*: a "
               "crash, timeout, sanitizer report, or any other error.")
    if args.freeze_int_inputs:
        out.append("")
        out.append("Run with `--freeze-int-inputs`: %d tests whose shape-like "
                   "operands are graph inputs were imported with those inputs "
                   "frozen to their test values (`dlc --freeze-input`); they "
                   "count as imported." % counts["imported (frozen)"])
    out.append("")
    out.append("| imported | rejected | failed | total |")
    out.append("|---:|---:|---:|---:|")
    out.append("| %d | %d | %d | %d |" % (counts["imported"],
                                          counts["rejected"],
                                          counts["failed"], len(results)))
    out.append("")
    failed = [r for r in results if r["status"] == "failed"]
    out.append("## Failed (%d)" % len(failed))
    out.append("")
    if failed:
        for r in failed:
            out.append("- `%s` (%s): %s" % (r["test"], r["op"],
                                            r["reason"].replace("|", "\\|")))
    else:
        out.append("None.")
    out.append("")
    out.append("## Per op")
    out.append("")
    out.append("| op | tests | imported | rejected | failed |")
    out.append("|---|---:|---:|---:|---:|")
    for op, c in per_op.items():
        out.append("| %s | %d | %d | %d | %d |" % (
            op, sum(c.values()), c["imported"], c["rejected"], c["failed"]))
    out.append("")
    out.append("## Rejection reasons")
    out.append("")
    out.append("First error line of each rejected test, node names removed, "
               "most frequent first.")
    out.append("")
    out.append("| tests | reason | examples |")
    out.append("|---:|---|---|")
    for reason, tests in sorted(reasons.items(),
                                key=lambda kv: (-len(kv[1]), kv[0])):
        examples = ", ".join("`%s`" % t for t in sorted(tests)[:3])
        if len(tests) > 3:
            examples += ", ..."
        out.append("| %d | %s | %s |" % (len(tests),
                                         reason.replace("|", "\\|"),
                                         examples))
    out.append("")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(out))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dlc", default="dlc", help="path to dlc")
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=120,
                        help="seconds per model (sanitized builds are slow)")
    parser.add_argument("--report", default="docs/NODE_IMPORT.md",
                        help="Markdown report to write ('' for none)")
    parser.add_argument("--max-failed", type=int, default=0,
                        help="exit 1 when more tests than this failed")
    parser.add_argument("--filter", default="",
                        help="only tests whose name matches this regex")
    parser.add_argument("--data", default=node_test_dir(),
                        help="folder of the node tests")
    parser.add_argument("--freeze-int-inputs", action="store_true",
                        help="retry tests rejected for a non-constant "
                             "shape-like operand with their integer inputs "
                             "frozen to the test data")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print every test's status")
    args = parser.parse_args()

    dlc = shutil.which(args.dlc) or args.dlc
    if not os.access(dlc, os.X_OK):
        sys.exit("import_node_tests: cannot run dlc at '%s'" % args.dlc)
    tests = sorted(t for t in os.listdir(args.data)
                   if os.path.isfile(os.path.join(args.data, t, "model.onnx"))
                   and re.search(args.filter, t))
    if not tests:
        sys.exit("import_node_tests: no node tests found in " + args.data)
    schemas = schema_names()

    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {}
        for test in tests:
            path = os.path.join(args.data, test, "model.onnx")
            futures[test] = pool.submit(run_one, dlc, test, path,
                                        args.timeout, args.freeze_int_inputs)
        for test in tests:
            path = os.path.join(args.data, test, "model.onnx")
            try:
                op = primary_op(test, onnx.load(path, load_external_data=False),
                                schemas)
            except Exception:  # an unreadable model still gets a row
                op = "(unreadable)"
            status, reason, _ = futures[test].result()
            results.append({"test": test, "op": op, "status": status,
                            "reason": reason})
            if args.verbose or status == "failed":
                print("%-9s %s%s" % (status.upper() if status == "failed"
                                     else status, test,
                                     (": " + reason) if reason else ""),
                      flush=True)

    counts = summarize(results)
    if args.report:
        write_report(args.report, results, dlc, args)
        print("report: %s" % args.report)
    print("node tests: %d imported%s, %d rejected (unsupported), %d failed "
          "(of %d)" % (counts["imported"],
                       " (%d with frozen integer inputs)"
                       % counts["imported (frozen)"]
                       if args.freeze_int_inputs else "",
                       counts["rejected"], counts["failed"], len(results)))
    return 1 if counts["failed"] > args.max_failed else 0


if __name__ == "__main__":
    sys.exit(main())
