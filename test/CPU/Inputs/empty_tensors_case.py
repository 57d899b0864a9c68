"""Writes a model whose inputs and outputs include tensors without elements
as OUT/empty.onnx and a test folder OUT/empty/ with numpy's results:

    empty_tensors_case.py OUT_DIR

X is 2x0x4: ReduceSum and ReduceMax over its empty axis give 2x1x4 of 0
and -inf (the reductions' identities); Relu(X) is an empty 2x0x4 output;
Concat(X, Y) along the empty axis is Y; Y is also used on its own.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def main():
    out = sys.argv[1]
    folder = os.path.join(out, "empty")
    os.makedirs(folder, exist_ok=True)
    x = np.zeros((2, 0, 4), np.float32)
    y = np.random.default_rng(3).standard_normal((2, 3, 4)).astype(np.float32)
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    nodes = [
        helper.make_node("ReduceSum", ["X", "axes"], ["S"], keepdims=1),
        helper.make_node("ReduceMax", ["X", "axes"], ["M"], keepdims=1),
        helper.make_node("Relu", ["X"], ["R"]),
        helper.make_node("Concat", ["X", "Y"], ["C"], axis=1),
        helper.make_node("Mul", ["S", "Y"], ["P"]),
    ]
    graph = helper.make_graph(
        nodes, "empty",
        [helper.make_tensor_value_info("X", F, x.shape),
         helper.make_tensor_value_info("Y", F, y.shape)],
        [helper.make_tensor_value_info("S", F, [2, 1, 4]),
         helper.make_tensor_value_info("M", F, [2, 1, 4]),
         helper.make_tensor_value_info("R", F, [2, 0, 4]),
         helper.make_tensor_value_info("C", F, [2, 3, 4]),
         helper.make_tensor_value_info("P", F, [2, 3, 4])],
        initializer=[axes])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.save(model, os.path.join(out, "empty.onnx"))
    s = np.zeros((2, 1, 4), np.float32)
    m = np.full((2, 1, 4), -np.inf, np.float32)
    outputs = [s, m, x.copy(), y, s * y]
    for i, (n, v) in enumerate([("X", x), ("Y", y)]):
        with open(os.path.join(folder, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(v, n).SerializeToString())
    for i, (n, v) in enumerate(zip("SMRCP", outputs)):
        with open(os.path.join(folder, "output_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(v, n).SerializeToString())


if __name__ == "__main__":
    main()
