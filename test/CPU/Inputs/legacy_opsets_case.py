"""Writes a model of default-domain opset 4 that uses the legacy forms dlc
rewrites at import (broadcast/axis on binary ops, consumed_inputs, Reshape's
'shape' attribute, Cast's type name, Tile's scalar tiles/axis inputs, Pad's
'paddings' (opset 1 only, so not here), BatchNormalization's is_test,
Dropout's is_test), as OUT/legacy.onnx, and a test folder OUT/legacy/ whose
expected outputs are computed with numpy from the ONNX operator changelog's
definitions:

    legacy_opsets_case.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(11)
F = TensorProto.FLOAT


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "legacy"), exist_ok=True)
    a = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    b = RNG.standard_normal((3, 4)).astype(np.float32)
    c = RNG.standard_normal((5,)).astype(np.float32)
    scale = np.array([1.0, 2.0, 0.5], np.float32)
    bias = np.array([0.1, -0.2, 0.3], np.float32)
    mean = np.array([0.0, 0.5, -0.5], np.float32)
    var = np.array([1.0, 4.0, 0.25], np.float32)

    def const(name, value):
        return helper.make_node("Constant", [], [name],
                                value=numpy_helper.from_array(value, name))

    nodes = [
        # B (3,4) aligned at axis 1 of A: B[c, h] for every n, w.
        helper.make_node("Add", ["A", "B"], ["s"], broadcast=1, axis=1),
        # C (5,) at the trailing dimension.
        helper.make_node("Mul", ["s", "C"], ["m"], broadcast=1,
                         consumed_inputs=[0, 0]),
        helper.make_node("Relu", ["m"], ["r"], consumed_inputs=[1]),
        const("sc", scale), const("bi", bias), const("me", mean),
        const("va", var),
        helper.make_node("BatchNormalization", ["r", "sc", "bi", "me", "va"],
                         ["bn"], is_test=1, epsilon=1e-5,
                         consumed_inputs=[0, 0, 0, 1, 1]),
        helper.make_node("Dropout", ["bn"], ["d"], is_test=1, ratio=0.5),
        helper.make_node("Reshape", ["d"], ["Y"], shape=[6, 20]),
        helper.make_node("Cast", ["A"], ["ci"], to="INT32"),
        const("tiles", np.array(3, np.int64)),
        const("axis", np.array(2, np.int64)),
        helper.make_node("Tile", ["ci", "tiles", "axis"], ["T"]),
    ]
    graph = helper.make_graph(
        nodes, "legacy",
        [helper.make_tensor_value_info("A", F, a.shape),
         helper.make_tensor_value_info("B", F, b.shape),
         helper.make_tensor_value_info("C", F, c.shape)],
        [helper.make_tensor_value_info("Y", F, [6, 20]),
         helper.make_tensor_value_info("T", TensorProto.INT32, [2, 3, 12, 5])])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 4)])
    model.ir_version = 3
    onnx.save(model, os.path.join(out, "legacy.onnx"))

    s = a + b[None, :, :, None]
    r = np.maximum(s * c, 0)
    ch = (slice(None), None, None)
    bn = (r - mean[ch]) / np.sqrt(var[ch] + 1e-5) * scale[ch] + bias[ch]
    y = bn.reshape(6, 20).astype(np.float32)
    t = np.tile(a.astype(np.int32), (1, 1, 3, 1))  # Cast truncates to zero
    folder = os.path.join(out, "legacy")
    for i, (n, v) in enumerate([("A", a), ("B", b), ("C", c)]):
        with open(os.path.join(folder, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(v, n).SerializeToString())
    for i, (n, v) in enumerate([("Y", y), ("T", t)]):
        with open(os.path.join(folder, "output_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(v, n).SerializeToString())


if __name__ == "__main__":
    main()
