"""Writes an ONNX test folder for Inputs/conv.onnxtxt: random inputs from a
fixed seed and onnxruntime's outputs as the reference."""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
with open(os.path.join(here, "conv.onnxtxt")) as f:
    text = "".join(l for l in f if not l.startswith("#"))
model = onnx.parser.parse_model(text)
rng = np.random.default_rng(3)
feeds = {}
for i, vi in enumerate(model.graph.input):
    shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    feeds[vi.name] = rng.standard_normal(shape).astype(np.float32)
    with open(os.path.join(out, "input_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(feeds[vi.name], vi.name).SerializeToString())
sess = ort.InferenceSession(model.SerializeToString(),
                            providers=["CPUExecutionProvider"])
for i, (o, v) in enumerate(zip(sess.get_outputs(), sess.run(None, feeds))):
    with open(os.path.join(out, "output_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(v, o.name).SerializeToString())
