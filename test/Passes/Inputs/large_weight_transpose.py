"""Writes OUT/model.onnx: Y = X @ Transpose(W) + Gemm(X, W2, transB=1), with
W and W2 initializers of 300x300 = 90000 elements (above the importer's
fold bound of 65536)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
w = np.arange(90000, dtype=np.float32).reshape(300, 300) / 90000
nodes = [
    helper.make_node("Transpose", ["w"], ["wt"], perm=[1, 0], name="wt"),
    helper.make_node("MatMul", ["x", "wt"], ["p"], name="mm"),
    helper.make_node("Gemm", ["x", "w2"], ["g"], transB=1, name="gemm"),
    helper.make_node("Add", ["p", "g"], ["y"], name="add"),
]
graph = helper.make_graph(
    nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 300])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 300])],
    [numpy_helper.from_array(w, "w"), numpy_helper.from_array(w[::-1].copy(), "w2")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.save(model, os.path.join(out, "model.onnx"))
