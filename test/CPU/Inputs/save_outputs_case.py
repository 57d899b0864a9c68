"""`make DIR`: writes DIR/names.onnx, a model of two outputs whose names are
no file names and that collide once sanitized: 'a/b:0' = Relu(X) and
'a_b_0' = Neg(X), X float[3]. `check DIR`: checks the files dlc-run wrote
for X = [-1, 0.5, 2] against the values computed here."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

mode, out = sys.argv[1], sys.argv[2]
x = np.array([-1.0, 0.5, 2.0], np.float32)
if mode == "make":
    os.makedirs(out, exist_ok=True)
    graph = helper.make_graph(
        [helper.make_node("Relu", ["X"], ["a/b:0"], name="relu"),
         helper.make_node("Neg", ["X"], ["a_b_0"], name="neg")],
        "names",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("a/b:0", TensorProto.FLOAT, [3]),
         helper.make_tensor_value_info("a_b_0", TensorProto.FLOAT, [3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, os.path.join(out, "names.onnx"))
    np.save(os.path.join(out, "x.npy"), x)
else:
    relu = np.load(os.path.join(out, "a_b_0.npy"))
    neg = np.load(os.path.join(out, "a_b_0_1.npy"))
    assert (relu == np.maximum(x, 0)).all(), relu
    assert (neg == -x).all(), neg
    print("names ok")
