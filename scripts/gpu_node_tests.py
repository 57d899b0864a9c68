#!/usr/bin/env python3
"""Compiles every ONNX node test that passes on the CPU for the GPU targets
(no GPU needed) and checks each artifact with the toolchain:

    scripts/gpu_node_tests.py --dlc build/bin/dlc [--jobs N]
        [--expected test/conformance/cpu_expected_pass.txt]
        [--cuda sm_80,sm_90] [--rocm gfx942]

For each test: `dlc MODEL --target=cuda:ARCHS -o DIR` (PTX from NVPTX, a
cubin per architecture by ptxas, which must accept every kernel) and
`dlc MODEL --target=rocm:ARCHS -o DIR` (code objects linked by ld.lld),
with the shape-like inputs frozen where the conformance run froze them.
Prints failures, a per-target count and "N passed, N failed"; the ptxas
summary of the worst kernel (registers, spills) is printed too.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from import_node_tests import FREEZE_RETRY_PHRASES, node_test_dir  # noqa: E402
from run_conformance import frozen_shape_inputs  # noqa: E402


def compile_one(dlc, test, target, out):
    test_dir = os.path.join(node_test_dir(), test)
    model = os.path.join(test_dir, "model.onnx")
    cmd = [dlc, model, "--target=" + target, "-o", out, "--name", "m"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=600)
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0 and any(p in err for p in FREEZE_RETRY_PHRASES):
        proc = subprocess.run(cmd + frozen_shape_inputs(test_dir),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=600)
        err = proc.stderr.decode(errors="replace")
    text = proc.stdout.decode(errors="replace")
    if proc.returncode != 0 or "ptxas not found" in err:
        lines = [l for l in err.splitlines() if l.strip()]
        return False, (lines[0] if lines else "exit %d" % proc.returncode), []
    regs = [(int(m.group(2)), int(m.group(3)), m.group(1)) for m in
            re.finditer(r"dlc: ptxas (\S+): \d+ kernels, at most (\d+) "
                        r"registers, (\d+) bytes of spills", text)]
    return True, "", regs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--expected",
                        default=os.path.join(os.path.dirname(__file__), "..",
                                             "test", "conformance",
                                             "cpu_expected_pass.txt"))
    parser.add_argument("--cuda", default="sm_80,sm_90")
    parser.add_argument("--rocm", default="gfx942")
    args = parser.parse_args()
    with open(args.expected) as f:
        tests = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    targets = []
    if args.cuda:
        targets.append("cuda:" + args.cuda)
    if args.rocm:
        targets.append("rocm:" + args.rocm)
    passed = failed = 0
    worst = (0, 0, "")
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = {}
        for i, test in enumerate(tests):
            for target in targets:
                out = os.path.join(tmp, "%d-%s" % (i, target.split(":")[0]))
                jobs[pool.submit(compile_one, args.dlc, test, target, out)] = \
                    (test, target)
        counts = {t: [0, 0] for t in targets}
        for fut in concurrent.futures.as_completed(jobs):
            test, target = jobs[fut]
            try:
                ok, why, regs = fut.result()
            except Exception as e:  # a timeout or a crash of the script
                ok, why, regs = False, str(e), []
            counts[target][0 if ok else 1] += 1
            if ok:
                passed += 1
                for r in regs:
                    if r[0] > worst[0]:
                        worst = (r[0], r[1], "%s (%s)" % (test, r[2]))
            else:
                failed += 1
                print("FAIL %s --target=%s: %s" % (test, target, why))
    for target, (ok, bad) in counts.items():
        print("%s: %d compiled, %d failed" % (target, ok, bad))
    if worst[2]:
        print("most registers in one kernel: %d, in %s" % (worst[0], worst[2]))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
