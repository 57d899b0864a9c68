"""Writes an ONNX test folder (input_N.pb, output_N.pb) for
Inputs/matmul.onnxtxt: random inputs from a fixed seed and numpy's
products (float64 accumulation, rounded to float32) as the reference."""
import os
import sys

import numpy as np
from onnx import numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
a = rng.standard_normal((100, 70)).astype(np.float32)
b = rng.standard_normal((70, 90)).astype(np.float32)
p = rng.standard_normal((3, 40, 33)).astype(np.float32)
q = rng.standard_normal((3, 33, 65)).astype(np.float32)
for i, (name, v) in enumerate((("A", a), ("B", b), ("P", p), ("Q", q))):
    with open(os.path.join(out, "input_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(v, name).SerializeToString())
y = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)
z = (p.astype(np.float64) @ q.astype(np.float64)).astype(np.float32)
for i, (name, v) in enumerate((("Y", y), ("Z", z))):
    with open(os.path.join(out, "output_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(v, name).SerializeToString())
