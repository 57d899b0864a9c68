"""Writes a model whose products take every path of the tensor-core
kernels, and its test folder, for one precision (fp16 or bf16):

  Y1 = Relu(X @ W1 + b1)   weights [k][n]; both operands by 16-byte async
                           copies (two stages), the epilogue fused
  Y2 = Gemm(X2, W2^T)      weights [n][k] (ldmatrix without .trans), edges
                           in M, N and K
  Y3 = P @ Q (batched)     N = 65: staged by element loads (one stage)
  Y4 = Conv 3x3            implicit GEMM, weights [f][c][kh][kw]
  Y5 = S @ T^T (batched)   B an activation read [n][k]: async copies along
                           K, ldmatrix without .trans
  Y6 = V @ W1              one row: padded to a 16-row tile
  Y7 = X @ W7              N = 24: 16-column tiles

usage: mma_case.py OUT_DIR fp16|bf16|tf32. The reference rounds every
product input to the precision as dlc does (round to nearest even; tf32:
to nearest, ties away, as the kernel rounds before the tensor cores) and
multiplies in
float64; the tensor cores then differ only by the order of f32 sums.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out, precision = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(11)


def rounded(v):
    v = np.asarray(v, np.float32)
    if precision == "fp16":
        return v.astype(np.float16).astype(np.float64)
    if precision == "tf32":
        # cvt.rna.tf32.f32: to nearest, ties away (on the magnitude bits).
        u = (v.view(np.uint32).astype(np.uint64) + 0x1000) & 0xFFFFE000
        return u.astype(np.uint32).view(np.float32).astype(np.float64)
    u = v.view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000
    return u.astype(np.uint32).view(np.float32).astype(np.float64)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


x, w1, b1 = rand(128, 64), rand(64, 192), rand(192)
x2, w2 = rand(50, 40), rand(72, 40)
p, q = rand(3, 40, 48), rand(3, 48, 65)
img, wc = rand(1, 8, 12, 12), rand(16, 8, 3, 3)
s5, t5 = rand(2, 48, 64), rand(2, 40, 64)
v6, w7 = rand(1, 64), rand(64, 24)

inits = [numpy_helper.from_array(w1, "W1"), numpy_helper.from_array(b1, "b1"),
         numpy_helper.from_array(w2, "W2"), numpy_helper.from_array(wc, "Wc"),
         numpy_helper.from_array(w7, "W7")]
nodes = [
    helper.make_node("MatMul", ["X", "W1"], ["m1"]),
    helper.make_node("Add", ["m1", "b1"], ["a1"]),
    helper.make_node("Relu", ["a1"], ["Y1"]),
    helper.make_node("Gemm", ["X2", "W2"], ["Y2"], transB=1),
    helper.make_node("MatMul", ["P", "Q"], ["Y3"]),
    helper.make_node("Conv", ["I", "Wc"], ["Y4"]),
    helper.make_node("Transpose", ["T"], ["tt"], perm=[0, 2, 1]),
    helper.make_node("MatMul", ["S", "tt"], ["Y5"]),
    helper.make_node("MatMul", ["V", "W1"], ["Y6"]),
    helper.make_node("MatMul", ["X", "W7"], ["Y7"]),
]
f32 = TensorProto.FLOAT
inputs = [helper.make_tensor_value_info(n, f32, v.shape)
          for n, v in (("X", x), ("X2", x2), ("P", p), ("Q", q), ("I", img),
                       ("S", s5), ("T", t5), ("V", v6))]
y1 = np.maximum(rounded(x) @ rounded(w1) + b1, 0)
y2 = rounded(x2) @ rounded(w2).T
y3 = rounded(p) @ rounded(q)
cols = np.stack([rounded(img)[0, :, i:i + 10, j:j + 10]
                 for i in range(3) for j in range(3)], axis=1)  # [8,9,10,10]
y4 = np.einsum("ckhw,fck->fhw", cols.reshape(8, 9, 10, 10),
               rounded(wc).reshape(16, 8, 9))[None]
y5 = rounded(s5) @ rounded(t5).transpose(0, 2, 1)
y6 = rounded(v6) @ rounded(w1)
y7 = rounded(x) @ rounded(w7)
results = (("Y1", y1), ("Y2", y2), ("Y3", y3), ("Y4", y4), ("Y5", y5),
           ("Y6", y6), ("Y7", y7))
outputs = [helper.make_tensor_value_info(n, f32, v.shape) for n, v in results]
graph = helper.make_graph(nodes, "mma", inputs, outputs, inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.save(model, os.path.join(out, "model.onnx"))
data = os.path.join(out, "data")
os.makedirs(data, exist_ok=True)
for i, (name, v) in enumerate((("X", x), ("X2", x2), ("P", p), ("Q", q),
                               ("I", img), ("S", s5), ("T", t5),
                               ("V", v6))):
    with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(v, name).SerializeToString())
for i, (name, v) in enumerate(results):
    with open(os.path.join(data, "output_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(v.astype(np.float32), name)
                .SerializeToString())
