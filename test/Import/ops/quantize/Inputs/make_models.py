"""Writes the float8 / int4 models of the quantize tests (the ONNX text
format of the onnx library dlc links has no names for these types)."""
import os
import sys

import onnx
from onnx import TensorProto as TP
from onnx import helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(name, nodes, inputs, outputs):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 25)])
    model.ir_version = 10
    onnx.save(model, os.path.join(out, name + ".onnx"))


save("float8", [
    helper.make_node("QuantizeLinear", ["x", "s"], ["y"], saturate=0,
                     output_dtype=TP.FLOAT8E5M2),
    helper.make_node("Cast", ["x"], ["e"], to=TP.FLOAT8E8M0,
                     round_mode="nearest")],
    [("x", TP.FLOAT, [5]), ("s", TP.FLOAT, [])],
    [("y", TP.FLOAT8E5M2, [5]), ("e", TP.FLOAT8E8M0, [5])])
save("int4", [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"],
                               axis=0)],
     [("x", TP.INT4, [3, 2]), ("s", TP.FLOAT, [3]), ("z", TP.INT4, [3])],
     [("y", TP.FLOAT, [3, 2])])
save("add_float8", [helper.make_node("Add", ["x", "z"], ["y"])],
     [("x", TP.FLOAT8E4M3FN, [4]), ("z", TP.FLOAT8E4M3FN, [4])],
     [("y", TP.FLOAT8E4M3FN, [4])])
save("int2_zp", [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"])],
     [("x", TP.INT2, [4]), ("s", TP.FLOAT, []), ("z", TP.UINT2, [])],
     [("y", TP.FLOAT, [4])])
