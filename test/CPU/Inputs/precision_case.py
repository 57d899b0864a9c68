"""Writes a two-layer perceptron (x[4,64] -> MatMul 64x64 -> Relu -> MatMul
64x8) with random weights into OUT/model.onnx, a test folder OUT/ref with
random inputs and onnxruntime's fp32 outputs (the reference of the
low-precision runs), and OUT/bad with an input of the wrong shape."""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(os.path.join(out, "ref"), exist_ok=True)
os.makedirs(os.path.join(out, "bad"), exist_ok=True)
rng = np.random.default_rng(7)
w1 = rng.standard_normal((64, 64)).astype(np.float32) / 8
w2 = rng.standard_normal((64, 8)).astype(np.float32) / 8
graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"),
     helper.make_node("Relu", ["h"], ["r"], name="relu"),
     helper.make_node("MatMul", ["r", "w2"], ["y"], name="fc2")],
    "mlp64",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 64])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])],
    [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
path = os.path.join(out, "model.onnx")
onnx.save(model, path)
x = rng.standard_normal((4, 64)).astype(np.float32)
y = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(
    None, {"x": x})[0]
for d, name, value in [("ref", "input_0.pb", x), ("ref", "output_0.pb", y),
                       ("bad", "input_0.pb", x[:2])]:
    with open(os.path.join(out, d, name), "wb") as f:
        f.write(numpy_helper.from_array(value, name.split(".")[0])
                .SerializeToString())
