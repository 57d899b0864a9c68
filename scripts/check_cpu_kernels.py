#!/usr/bin/env python3
"""Checks dlc's CPU contraction kernels against onnxruntime on many shapes.

    scripts/check_cpu_kernels.py --dlc-run build/bin/dlc-run [--jobs 2]
        [--target cpu] [--filter SUBSTRING] [--keep DIR]

Builds small ONNX models that exercise every path of the tiled kernels
(dlc-cpu-tile-contractions): products with constant and computed operands,
M and N not multiples of the register tile, batched and broadcast
products, Gemm with transposes and bias, convolutions 1x1 / 3x3 / 7x7 with
strides, padding, dilation, groups and depthwise, fused epilogues
(bias, Relu, Clip, residual Add, Sigmoid, GELU with Erf, Tanh:
polynomial approximations on the registers), and the kernel groups
(dlc-form-kernels / dlc-lower-kernels): self-attention with its transposes
folded into the products, softmax, layer normalization and mean/variance
chains tiled over rows, row counts the tiles do not divide. Each model's reference output
comes from onnxruntime; `dlc-run --test-dir` compiles and compares
(rtol 1e-4, atol 1e-4). Prints one line per case and "N passed, N failed".
"""

import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def const(name, array):
    return numpy_helper.from_array(array, name)


def model(nodes, inputs, outputs, inits, opset=17):
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outputs],
        inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def matmul(m, k, n, const_b=True, batch=(), bbatch=None):
    a_shape = list(batch) + [m, k]
    b_shape = (list(batch) if bbatch is None else list(bbatch)) + [k, n]
    inits, inputs = [], [("a", a_shape)]
    if const_b:
        inits.append(const("b", rand(*b_shape)))
    else:
        inputs.append(("b", b_shape))
    return model([helper.make_node("MatMul", ["a", "b"], ["y"])], inputs, ["y"], inits)


def matmul_epilogue(m, k, n):
    nodes = [helper.make_node("MatMul", ["a", "w"], ["p"]),
             helper.make_node("Add", ["p", "bias"], ["q"]),
             helper.make_node("Relu", ["q"], ["y"])]
    return model(nodes, [("a", [1, m, k])], ["y"],
                 [const("w", rand(k, n)), const("bias", rand(n))])


def matmul_gelu(m, k, n, approximate=False):
    """BERT's exported GELU (Div, Erf, Add, Mul, Mul) or the tanh form."""
    c = lambda name, v: const(name, np.array(v, np.float32))
    nodes = [helper.make_node("MatMul", ["a", "w"], ["p"]),
             helper.make_node("Add", ["p", "bias"], ["x"])]
    inits = [const("w", rand(k, n) * 0.5), const("bias", rand(n))]
    if approximate:
        nodes += [helper.make_node("Tanh", ["x"], ["t"]),
                  helper.make_node("Mul", ["x", "t"], ["y"])]
    else:
        nodes += [helper.make_node("Div", ["x", "sqrt2"], ["d"]),
                  helper.make_node("Erf", ["d"], ["e"]),
                  helper.make_node("Add", ["e", "one"], ["e1"]),
                  helper.make_node("Mul", ["x", "e1"], ["h"]),
                  helper.make_node("Mul", ["h", "half"], ["y"])]
        inits += [c("sqrt2", 1.4142135), c("one", 1.0), c("half", 0.5)]
    return model(nodes, [("a", [1, m, k])], ["y"], inits)


def gemm(m, k, n, trans_a=0, trans_b=1, alpha=1.0, beta=1.0):
    a = [k, m] if trans_a else [m, k]
    b = rand(n, k) if trans_b else rand(k, n)
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], transA=trans_a,
                            transB=trans_b, alpha=alpha, beta=beta)
    return model([node], [("a", a)], ["y"], [const("b", b), const("c", rand(n))])


def conv(c, h, w, f, k, stride=1, pad=0, dil=1, group=1, epilogue="",
         batch=1):
    x = [batch, c, h, w]
    wt = rand(f, c // group, k, k) * 0.2
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c0"], kernel_shape=[k, k],
                              strides=[stride, stride], pads=[pad] * 4,
                              dilations=[dil, dil], group=group)]
    inits = [const("w", wt), const("b", rand(f))]
    out = "c0"
    inputs = [("x", x)]
    for i, op in enumerate(epilogue.split(",") if epilogue else []):
        nxt = f"e{i}"
        if op == "relu":
            nodes.append(helper.make_node("Relu", [out], [nxt]))
        elif op == "clip":
            nodes.append(helper.make_node("Clip", [out, "lo", "hi"], [nxt]))
            inits += [const("lo", np.array(0, np.float32)),
                      const("hi", np.array(6, np.float32))]
        elif op == "sigmoid":
            nodes.append(helper.make_node("Sigmoid", [out], [nxt]))
        elif op == "residual":
            oh = (h + 2 * pad - dil * (k - 1) - 1) // stride + 1
            ow = (w + 2 * pad - dil * (k - 1) - 1) // stride + 1
            inputs.append(("r", [batch, f, oh, ow]))
            nodes.append(helper.make_node("Add", [out, "r"], [nxt]))
        out = nxt
    nodes.append(helper.make_node("Identity", [out], ["y"]))
    return model(nodes, inputs, ["y"], inits)


def conv_chain(c, h, f, stride2=1, depthwise=False):
    """Conv+Relu, then a padded 3x3 conv (depthwise or not) of its output:
    the first kernel writes straight into the second's padded input."""
    g2 = f if depthwise else 1
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], kernel_shape=[1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], kernel_shape=[3, 3],
                              pads=[1, 1, 1, 1], strides=[stride2, stride2], group=g2),
             helper.make_node("Relu", ["c2"], ["y"])]
    inits = [const("w1", rand(f, c, 1, 1) * 0.3), const("b1", rand(f)),
             const("w2", rand(f, f // g2, 3, 3) * 0.2), const("b2", rand(f))]
    return model(nodes, [("x", [1, c, h, h])], ["y"], inits)


def conv_batchnorm(c, h, f):
    """Conv then inference BatchNormalization and Relu (the norm is folded
    into the convolution's weights at compile time)."""
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3],
                              pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "s", "t", "m", "v"], ["n"],
                              epsilon=1e-3),
             helper.make_node("Relu", ["n"], ["y"])]
    inits = [const("w", rand(f, c, 3, 3) * 0.3), const("b", rand(f)),
             const("s", rand(f)), const("t", rand(f)), const("m", rand(f)),
             const("v", np.abs(rand(f)) + 0.1)]
    return model(nodes, [("x", [1, c, h, h])], ["y"], inits)


def attention(seq, heads, dim, bias=True):
    """One self-attention block: Q/K/V products (+bias), heads split by
    Reshape/Transpose, softmax(Q K^T / sqrt(d) + mask) V, heads merged, the
    output product with a residual add and LayerNormalization."""
    hid = heads * dim
    nodes, inits = [], []
    for name in "qkv":
        inits.append(const(f"w{name}", rand(hid, hid) * 0.1))
        src = f"{name}0"
        nodes.append(helper.make_node("MatMul", ["x", f"w{name}"], [src]))
        if bias:
            inits.append(const(f"b{name}", rand(hid)))
            nodes.append(helper.make_node("Add", [src, f"b{name}"], [f"{name}1"]))
            src = f"{name}1"
        nodes.append(helper.make_node("Reshape", [src, "split"], [f"{name}2"]))
        perm = [0, 2, 3, 1] if name == "k" else [0, 2, 1, 3]
        nodes.append(helper.make_node("Transpose", [f"{name}2"], [f"{name}3"], perm=perm))
    inits += [const("split", np.array([1, seq, heads, dim], np.int64)),
              const("merge", np.array([1, seq, hid], np.int64)),
              const("scale", np.array(np.sqrt(dim), np.float32)),
              const("mask", (RNG.random((1, 1, 1, seq)) < 0.2).astype(np.float32) * -1e4),
              const("wo", rand(hid, hid) * 0.1), const("bo", rand(hid)),
              const("gamma", rand(hid)), const("beta", rand(hid))]
    nodes += [helper.make_node("MatMul", ["q3", "k3"], ["s0"]),
              helper.make_node("Div", ["s0", "scale"], ["s1"]),
              helper.make_node("Add", ["s1", "mask"], ["s2"]),
              helper.make_node("Softmax", ["s2"], ["p"], axis=-1),
              helper.make_node("MatMul", ["p", "v3"], ["c0"]),
              helper.make_node("Transpose", ["c0"], ["c1"], perm=[0, 2, 1, 3]),
              helper.make_node("Reshape", ["c1", "merge"], ["c2"]),
              helper.make_node("MatMul", ["c2", "wo"], ["o0"]),
              helper.make_node("Add", ["o0", "bo"], ["o1"]),
              helper.make_node("Add", ["o1", "x"], ["o2"]),
              helper.make_node("LayerNormalization", ["o2", "gamma", "beta"], ["y"],
                               axis=-1, epsilon=1e-5)]
    return model(nodes, [("x", [1, seq, hid])], ["y"], inits)


def row_kernels(shape, axis):
    """Softmax, LayerNormalization and a mean/variance chain over odd row
    counts (row tiles that do not divide the rows)."""
    n = shape[axis]
    nodes = [helper.make_node("Softmax", ["x"], ["s"], axis=axis),
             helper.make_node("LayerNormalization", ["x", "g", "b"], ["l"], axis=axis),
             helper.make_node("ReduceMean", ["x", "ax"], ["m"], keepdims=1),
             helper.make_node("Sub", ["x", "m"], ["d"]),
             helper.make_node("Mul", ["d", "d"], ["d2"]),
             helper.make_node("ReduceMean", ["d2", "ax"], ["v"], keepdims=1),
             helper.make_node("Div", ["d", "v"], ["z"]),
             helper.make_node("Add", ["s", "l"], ["y0"]),
             helper.make_node("Add", ["y0", "z"], ["y"])]
    return model(nodes, [("x", list(shape))], ["y"],
                 [const("g", rand(n)), const("b", rand(n)),
                  const("ax", np.array([axis], np.int64))], opset=18)


def cases():
    yield "attention_s24_h3_d16", attention(24, 3, 16)
    yield "attention_s40_h2_d32_nobias", attention(40, 2, 32, bias=False)
    yield "rows_3x7x50", row_kernels((3, 7, 50), -1)
    yield "rows_5x33", row_kernels((5, 33), -1)
    yield "rows_2x9x4x6_axis3", row_kernels((2, 9, 4, 6), 3)
    yield "matmul_64x128x96_constB", matmul(64, 128, 96)
    yield "matmul_37x53x29_constB", matmul(37, 53, 29)
    yield "matmul_1x256x1000_constB", matmul(1, 256, 1000)
    yield "matmul_50x70x130_inputs", matmul(50, 70, 130, const_b=False)
    yield "matmul_batched_2x3_inputs", matmul(33, 40, 45, const_b=False, batch=(2, 3))
    yield "matmul_broadcast_weight", matmul(20, 48, 72, batch=(1, 3), bbatch=())
    yield "matmul_bias_relu", matmul_epilogue(128, 96, 200)
    yield "matmul_gelu_erf", matmul_gelu(40, 64, 72)
    yield "matmul_tanh", matmul_gelu(24, 32, 50, approximate=True)
    yield "gemm_transB", gemm(7, 64, 50)
    yield "gemm_transA_alpha_beta", gemm(19, 31, 23, trans_a=1, trans_b=0, alpha=0.5, beta=2.0)
    yield "conv1x1", conv(32, 14, 14, 40, 1)
    yield "conv1x1_stride2", conv(16, 15, 15, 24, 1, stride=2)
    yield "conv3x3_pad1", conv(8, 17, 19, 12, 3, pad=1)
    yield "conv3x3_pad1_relu", conv(16, 28, 28, 20, 3, pad=1, epilogue="relu")
    yield "conv3x3_stride2", conv(8, 23, 23, 16, 3, stride=2, pad=1)
    yield "conv3x3_dilation2", conv(4, 16, 16, 8, 3, pad=2, dil=2)
    yield "conv7x7_stride2", conv(3, 40, 40, 16, 7, stride=2, pad=3)
    yield "conv_group2", conv(8, 12, 12, 8, 3, pad=1, group=2)
    yield "conv_depthwise_clip", conv(24, 16, 16, 24, 3, pad=1, group=24, epilogue="clip")
    yield "conv_depthwise_stride2", conv(12, 15, 15, 12, 3, stride=2, pad=1, group=12)
    yield "conv1x1_residual_relu", conv(24, 9, 9, 24, 1, epilogue="residual,relu")
    yield "conv_batchnorm_relu", conv_batchnorm(6, 12, 10)
    yield "conv_chain_padded", conv_chain(8, 13, 16)
    yield "conv_chain_padded_depthwise_stride2", conv_chain(8, 17, 24, 2, True)
    yield "conv3x3_batch3_sigmoid", conv(6, 10, 10, 10, 3, pad=1, epilogue="sigmoid", batch=3)


def write_case(folder, name, m):
    path = os.path.join(folder, name)
    data = os.path.join(path, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    onnx.save(m, os.path.join(path, "model.onnx"))
    sess = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {}
    for i, vi in enumerate(sess.get_inputs()):
        a = rand(*vi.shape)
        feeds[vi.name] = a
        t = numpy_helper.from_array(a, vi.name)
        open(os.path.join(data, f"input_{i}.pb"), "wb").write(t.SerializeToString())
    outs = sess.run(None, feeds)
    for i, (vi, o) in enumerate(zip(sess.get_outputs(), outs)):
        t = numpy_helper.from_array(o, vi.name)
        open(os.path.join(data, f"output_{i}.pb"), "wb").write(t.SerializeToString())
    return path


def run_case(args, path):
    cmd = [args.dlc_run, os.path.join(path, "model.onnx"), "--target", args.target,
           "--test-dir", os.path.join(path, "test_data_set_0"),
           "--rtol", "1e-4", "--atol", "1e-4"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    return p.returncode == 0, (p.stdout + p.stderr).strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dlc-run", required=True)
    parser.add_argument("--target", default="cpu")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--filter", default="")
    parser.add_argument("--keep", help="write the cases into this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dlc-kernels-") as scratch:
        return run_all(args, args.keep or scratch)


def run_all(args, folder):
    paths = [(n, write_case(folder, n, m)) for n, m in cases() if args.filter in n]
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda c: run_case(args, c[1]), paths))
    for (name, _), (ok, out) in zip(paths, results):
        print(f"{'PASS' if ok else 'FAIL'} {name}")
        if not ok:
            print("  " + out.replace("\n", "\n  ")[-2000:])
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
