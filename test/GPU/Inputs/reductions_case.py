"""Writes an ONNX test folder for Inputs/reductions.onnxtxt: random inputs
from a fixed seed, numpy references (float64 sums)."""
import os
import sys

import numpy as np
from onnx import numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
x = (np.random.default_rng(1).standard_normal((6, 7, 100)) * 3).astype(np.float32)
with open(os.path.join(out, "input_0.pb"), "wb") as f:
    f.write(numpy_helper.from_array(x, "X").SerializeToString())
x64 = x.astype(np.float64)
e = np.exp(x64 - x64.max(-1, keepdims=True))
refs = (("S", e / e.sum(-1, keepdims=True)), ("M", x64.max(-1, keepdims=True)),
        ("L", (x64 ** 2).sum(-1)))
for i, (name, v) in enumerate(refs):
    with open(os.path.join(out, "output_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(v.astype(np.float32), name).SerializeToString())
