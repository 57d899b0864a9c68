"""Writes a model whose products exercise the CPU kernels of 16-bit
operands into OUT/model.onnx, with random inputs and onnxruntime's fp32
outputs in OUT/ref:
  conv1  3x3 convolution, pad 1, K = 5*3*3 = 45 (odd: a k pair half zero),
         weights packed at compile time, the image read in place;
  conv2  3x3 convolution, stride 2, K = 16*3*3 = 144, after conv1's Relu;
  mm     MatMul of two graph inputs, K = 37 (odd), N = 40 (a partial
         panel), both operands read in place."""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(os.path.join(out, "ref"), exist_ok=True)
rng = np.random.default_rng(11)
w1 = (rng.standard_normal((16, 5, 3, 3)) / 6).astype(np.float32)
b1 = (rng.standard_normal((16,)) / 4).astype(np.float32)
w2 = (rng.standard_normal((24, 16, 3, 3)) / 12).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1",
                      pads=[1, 1, 1, 1]),
     helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
     helper.make_node("Conv", ["r1", "w2"], ["y1"], name="conv2",
                      strides=[2, 2]),
     helper.make_node("MatMul", ["a", "b"], ["y2"], name="mm")],
    "bf16_kernels",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 5, 12, 12]),
     helper.make_tensor_value_info("a", TensorProto.FLOAT, [24, 37]),
     helper.make_tensor_value_info("b", TensorProto.FLOAT, [37, 40])],
    [helper.make_tensor_value_info("y1", TensorProto.FLOAT, [1, 24, 5, 5]),
     helper.make_tensor_value_info("y2", TensorProto.FLOAT, [24, 40])],
    [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
     numpy_helper.from_array(w2, "w2")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
path = os.path.join(out, "model.onnx")
onnx.save(model, path)
inputs = {"x": rng.standard_normal((1, 5, 12, 12)).astype(np.float32),
          "a": rng.standard_normal((24, 37)).astype(np.float32),
          "b": rng.standard_normal((37, 40)).astype(np.float32)}
outputs = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(
    None, inputs)
for i, (name, value) in enumerate(inputs.items()):
    with open(os.path.join(out, "ref", "input_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(value, name).SerializeToString())
for i, (name, value) in enumerate(zip(["y1", "y2"], outputs)):
    with open(os.path.join(out, "ref", "output_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(value, name).SerializeToString())
