"""Writes ONNX test folders (model.onnx, input_N.pb, output_N.pb) for the
unsigned, float8, float4, int4/int2 and quantization cases of
storage-types.test; the references come from onnx's ReferenceEvaluator."""

import os
import sys

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator

OUT = sys.argv[1]


def case(name, nodes, inputs, outputs, values, opset=25, initializers=()):
    """One folder: inputs are (name, dtype, shape), values numpy arrays."""
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, None) for n, t in outputs],
        initializer=list(initializers))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    feeds = {n: v for (n, _, _), v in zip(inputs, values)}
    results = ReferenceEvaluator(model).run(None, feeds)
    for i, ((n, t, _), v) in enumerate(zip(inputs, values)):
        tensor = numpy_helper.from_array(v, n)
        assert tensor.data_type == t, (name, n, tensor.data_type)
        onnx.save_tensor(tensor, os.path.join(folder, "input_%d.pb" % i))
    for i, ((n, t), v) in enumerate(zip(outputs, results)):
        tensor = numpy_helper.from_array(np.asarray(v), n)
        assert tensor.data_type == t, (name, n, tensor.data_type)
        onnx.save_tensor(tensor, os.path.join(folder, "output_%d.pb" % i))


# uint64: division, remainder, comparisons, max and right shift must be
# unsigned (values above 2^63 would be negative as signed).
big = np.array([2**64 - 2, 2**63 + 5, 7, 2**40], np.uint64)
small = np.array([3, 2**63, 2, 5], np.uint64)
case("uint64_ops",
     [helper.make_node("Div", ["a", "b"], ["div"]),
      helper.make_node("Mod", ["a", "b"], ["mod"]),
      helper.make_node("Max", ["a", "b"], ["max"]),
      helper.make_node("Less", ["a", "b"], ["less"]),
      helper.make_node("BitShift", ["a", "s"], ["shr"], direction="RIGHT")],
     [("a", TP.UINT64, [4]), ("b", TP.UINT64, [4]), ("s", TP.UINT64, [4])],
     [("div", TP.UINT64), ("mod", TP.UINT64), ("max", TP.UINT64),
      ("less", TP.BOOL), ("shr", TP.UINT64)],
     [big, small, np.array([1, 60, 0, 3], np.uint64)])

# uint16 and uint32 through Cast to float and back.
case("uint16_uint32_cast",
     [helper.make_node("Cast", ["a"], ["f"], to=TP.FLOAT),
      helper.make_node("Cast", ["f"], ["u32"], to=TP.UINT32)],
     [("a", TP.UINT16, [4])], [("f", TP.FLOAT), ("u32", TP.UINT32)],
     [np.array([0, 1, 40000, 65535], np.uint16)])

special = np.array([0.4789, -0.7229, 1e6, 1e-7, np.nan, np.inf, -np.inf,
                    -1e-7, 3.1, 0.0], np.float32)
for to in ("FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ"):
    for saturate in (1, 0):
        case("cast_%s_sat%d" % (to.lower(), saturate),
             [helper.make_node("Cast", ["x"], ["y"], to=getattr(TP, to),
                               saturate=saturate),
              helper.make_node("Cast", ["y"], ["back"], to=TP.FLOAT)],
             [("x", TP.FLOAT, [10])],
             [("y", getattr(TP, to)), ("back", TP.FLOAT)], [special])

case("cast_float4e2m1",
     [helper.make_node("Cast", ["x"], ["y"], to=TP.FLOAT4E2M1),
      helper.make_node("Cast", ["y"], ["back"], to=TP.FLOAT)],
     [("x", TP.FLOAT, [10])], [("y", TP.FLOAT4E2M1), ("back", TP.FLOAT)],
     [np.array([0.48, 0.25, 1.05, -3.5, -8, 9, 0.01, -0.0, 2.5, 1.75],
               np.float32)])

case("cast_int4_uint2",
     [helper.make_node("Cast", ["x"], ["i4"], to=TP.INT4),
      helper.make_node("Cast", ["i4"], ["i4f"], to=TP.FLOAT),
      helper.make_node("Abs", ["x"], ["ax"]),
      helper.make_node("Clip", ["ax", "lo", "hi"], ["cx"]),
      helper.make_node("Cast", ["cx"], ["u2"], to=TP.UINT2),
      helper.make_node("Cast", ["u2"], ["u2i"], to=TP.UINT8)],
     [("x", TP.FLOAT, [7]), ("lo", TP.FLOAT, []), ("hi", TP.FLOAT, [])],
     [("i4", TP.INT4), ("i4f", TP.FLOAT), ("u2", TP.UINT2), ("u2i", TP.UINT8)],
     [np.array([-8, -1, 0, 3, 7, 2, -5], np.float32), np.float32(0),
      np.float32(3)])

# Per-axis int4 quantization and back; blocked uint8 with a zero point.
x = np.array([[-3.1, 0.2, 1.7, 9.0], [0.5, -0.25, 2.0, -7.0],
              [10.0, -10.0, 0.3, 0.0]], np.float32)
case("quantize_int4_axis",
     [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=0),
      helper.make_node("DequantizeLinear", ["q", "s", "z"], ["d"], axis=0)],
     [("x", TP.FLOAT, [3, 4]), ("s", TP.FLOAT, [3]), ("z", TP.INT4, [3])],
     [("q", TP.INT4), ("d", TP.FLOAT)],
     [x, np.array([0.5, 1.0, 2.0], np.float32),
      np.array([1, -2, 0], ml_dtypes.int4)])
case("quantize_uint8_blocked",
     [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=1,
                       block_size=2)],
     [("x", TP.FLOAT, [3, 4]), ("s", TP.FLOAT, [3, 2]), ("z", TP.UINT8, [3, 2])],
     [("q", TP.UINT8)],
     [x, np.array([[0.1, 0.2], [0.5, 1.0], [0.05, 0.3]], np.float32),
      np.array([[128, 0], [10, 250], [0, 3]], np.uint8)])
