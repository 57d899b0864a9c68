#!/usr/bin/env python3
"""Generates a corpus of malformed ONNX models and checks how dlc rejects them.

    gen_malformed_corpus.py --out DIR                 write the corpus
    gen_malformed_corpus.py --out DIR --check --dlc PATH
                                                      write it, then run
                                                      `dlc FILE --emit=graph` on
                                                      every case

Every case expects dlc to exit with code 1 and to print an error containing a
message specific to the failure (taken from what compiler/lib/Import/*.cpp
says for it). A case fails when the exit code or the message differ, when dlc
dies on a signal or times out, or when its stderr shows a sanitizer report.
The corpus is written from scratch each time (deterministic: fixed seeds) and
is never committed. DIR/manifest.json lists the cases.
"""

import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys

import onnx
from onnx import TensorProto, helper

FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
MARKER = "manifest.json"

# Substrings in stderr that mean a sanitizer caught something.
SANITIZER_PATTERNS = (
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "ERROR: UndefinedBehaviorSanitizer",
)


# ---------------------------------------------------------------------------
# Model builders
# ---------------------------------------------------------------------------

def model(nodes, inputs, outputs, initializers=(), opset=17, opsets=None,
          ir_version=8):
    graph = helper.make_graph(list(nodes), "g", list(inputs), list(outputs),
                              initializer=list(initializers))
    if opsets is None:
        opsets = [helper.make_opsetid("", opset)]
    m = helper.make_model(graph, opset_imports=opsets)
    m.ir_version = ir_version
    return m


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def relu_model(**kw):
    return model([helper.make_node("Relu", ["X"], ["Y"], name="relu")],
                 [vi("X", FLOAT, [2, 3])], [vi("Y", FLOAT, [2, 3])], **kw)


def add_init_model(tensor, name="add"):
    """Y = X + W with W the given initializer (named W)."""
    return model([helper.make_node("Add", ["X", "W"], ["Y"], name=name)],
                 [vi("X", FLOAT, [2, 2])], [vi("Y", FLOAT, [2, 2])],
                 initializers=[tensor])


def raw_tensor(name, elem, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = elem
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def typed_tensor(name, elem, dims, values):
    """A tensor with float_data/int64_data, whatever its shape says."""
    t = TensorProto(name=name, data_type=elem, dims=dims)
    (t.int64_data if elem == INT64 else t.float_data).extend(values)
    return t


def external_tensor(name, dims, entries, elem=FLOAT):
    t = TensorProto()
    t.name = name
    t.data_type = elem
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for key, value in entries:
        e = t.external_data.add()
        e.key = key
        e.value = value
    return t


def _varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number, payload):
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def nested_if_model(depth):
    """Bytes of a model whose graph holds an If node whose then_branch holds
    an If node ... `depth` levels deep. Written by hand: the Python protobuf
    runtime itself refuses to build messages nested this deep."""
    graph = _field(1, _field(1, b"X") + _field(2, b"Z") + _field(4, b"Relu"))
    for level in range(depth):
        attr = (_field(1, b"then_branch") + _field(6, graph) +
                _varint(20 << 3) + _varint(5))  # type = GRAPH
        node = (_field(1, b"C") + _field(2, b"Z") +
                _field(3, b"if%d" % level) + _field(4, b"If") +
                _field(5, attr))
        graph = _field(1, node) + _field(2, b"g")
    opset = _field(1, b"") + _varint(2 << 3) + _varint(17)
    return _varint(1 << 3) + _varint(8) + _field(8, opset) + _field(7, graph)


def parses(data):
    m = onnx.ModelProto()
    try:
        m.ParseFromString(data)
    except Exception:  # google.protobuf.message.DecodeError and friends
        return False
    return True


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

class Corpus:
    def __init__(self, out):
        self.out = out
        self.cases = []

    def add(self, name, content, expect, args=(), folder=None, ext=".onnx",
            rc=1, known_bug=None):
        """content: a ModelProto, bytes or str (text format).

        expect: substring of stderr, or 're:REGEX'.
        known_bug: why dlc does not behave as expected yet; the case then
        counts as an expected failure (listed, not fatal) until it passes."""
        folder = os.path.join(self.out, folder) if folder else self.out
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name + ext)
        if isinstance(content, onnx.ModelProto):
            data = content.SerializeToString()
        elif isinstance(content, str):
            data = content.encode()
        else:
            data = content
        with open(path, "wb") as f:
            f.write(data)
        self.cases.append({"name": name,
                           "file": os.path.relpath(path, self.out),
                           "args": list(args), "rc": rc, "expect": expect,
                           "known_bug": known_bug})
        return folder

    def write_manifest(self):
        with open(os.path.join(self.out, MARKER), "w") as f:
            json.dump(self.cases, f, indent=1)


def protobuf_cases(c):
    base = relu_model().SerializeToString()
    c.add("empty_file", b"", "is empty, not an ONNX model")
    # Truncations: the cut points are fixed fractions of the file; a cut that
    # happens to leave a parseable message is moved one byte on until it does
    # not (deterministic).
    for i, frac in enumerate((0.1, 0.33, 0.5, 0.75, 0.95)):
        cut = max(1, int(len(base) * frac))
        while cut < len(base) - 1 and parses(base[:cut]):
            cut += 1
        c.add("truncated_%d" % i, base[:cut],
              "is not a valid ONNX model (protobuf parse failed)")
    # Bit flips with fixed seeds; a flip that leaves a parseable model is
    # replaced by the next draw of the same generator.
    for seed in range(6):
        rng = random.Random(seed)
        while True:
            data = bytearray(base)
            for _ in range(1 + seed % 3):
                pos = rng.randrange(len(data))
                data[pos] ^= 1 << rng.randrange(8)
            if not parses(bytes(data)):
                break
        c.add("bitflip_seed%d" % seed, bytes(data),
              "is not a valid ONNX model (protobuf parse failed)")
    c.add("garbage_bytes", bytes(random.Random(99).randrange(256)
                                 for _ in range(512)),
          "is not a valid ONNX model (protobuf parse failed)")
    # Subgraphs nested deeper than the reader's recursion limit (64).
    c.add("nested_subgraphs_depth100", nested_if_model(100),
          "is not a valid ONNX model (protobuf parse failed)")


def text_cases(c):
    header = '<ir_version: 8, opset_import: ["" : 17]>\n'

    def text(name, body, expect, full=None):
        c.add(name, full if full is not None else header + body,
              "is not a valid ONNX text model: " + expect, ext=".onnxtxt")

    text("text_syntax_missing_brace",
         "g (float[2] X) => (float[2] Y) {\n  Y = Relu(X)\n",
         "[ParseError at position (line: 4 column: 1)]")
    text("text_syntax_bad_type",
         "g (flaot[2] X) => (float[2] Y) {\n  Y = Relu(X)\n}\n",
         "[ParseError at position (line: 2 column: 9)]")
    text("text_syntax_missing_arrow",
         "g (float[2] X) (float[2] Y) {\n  Y = Relu(X)\n}\n",
         "[ParseError at position (line: 2 column: 16)]")
    text("text_syntax_unterminated_header", None,
         "[ParseError at position (line: 2 column: 1)]",
         full=header[:-2] + "\n")
    text("text_syntax_lone_angle", None,
         "[ParseError at position (line: 1 column: 2)]", full="<")
    text("text_syntax_empty_attribute_value",
         "g (float[2] X) => (float[2] Y) {\n  Y = LeakyRelu <alpha = > (X)"
         "\n}\n", "[ParseError at position (line: 3 column: 26)]")
    text("text_trailing_garbage",
         "g (float[2] X) => (float[2] Y) {\n  Y = Relu(X)\n}\n}} extra\n",
         "[ParseError at position (line: 5 column: 1)]")
    # Out-of-range literals: the ONNX parser throws from std::stoll/stof.
    text("text_int_literal_out_of_range", None,
         "a literal is out of range or malformed (stoll)",
         full='<ir_version: 99999999999999999999, opset_import: ["" : 17]>\n'
              "g (float[2] X) => (float[2] Y) {\n  Y = Relu(X)\n}\n")
    text("text_dim_literal_out_of_range",
         "g (float[99999999999999999999] X) => (float[2] Y) {\n"
         "  Y = Relu(X)\n}\n",
         "a literal is out of range or malformed (stoll)")
    text("text_float_literal_out_of_range",
         "g (float[2] X) => (float[2] Y) {\n"
         "  Y = LeakyRelu <alpha = 1e999> (X)\n}\n",
         "a literal is out of range or malformed (stof)")


def opset_cases(c):
    c.add("opset_0", relu_model(opset=0),
          "model uses opset 0; dlc supports opsets 1 to 27")
    c.add("opset_28", relu_model(opset=28),
          "model uses opset 28; dlc supports opsets 1 to 27")
    # Legacy (opset 1-6) broadcasting: broadcast=0 needs one shape, an
    # 'axis' must place B inside A.
    legacy = [helper.make_node("Add", ["X", "B"], ["Y"], name="add")]
    c.add("legacy_broadcast_0_mismatch",
          model(legacy, [vi("X", FLOAT, [2, 3]), vi("B", FLOAT, [3])],
                [vi("Y", FLOAT, [2, 3])], opset=6),
          "node 'add' (Add, opset 6): legacy broadcast=0 needs inputs of one "
          "shape, got [2,3] and [3]")
    legacy_axis = [helper.make_node("Add", ["X", "B"], ["Y"], name="add",
                                    broadcast=1, axis=7)]
    c.add("legacy_broadcast_axis_out_of_range",
          model(legacy_axis, [vi("X", FLOAT, [2, 3]), vi("B", FLOAT, [3])],
                [vi("Y", FLOAT, [2, 3])], opset=6),
          "legacy broadcast axis 7 does not fit B [3] into A [2,3]")
    c.add("no_opset_import", relu_model(opsets=[]),
          "model has no opset_import")
    c.add("only_custom_domain_opset",
          relu_model(opsets=[helper.make_opsetid("com.example", 1)]),
          "model imports no default-domain (ai.onnx) opset")
    m = model([helper.make_node("NoSuchOp", ["X"], ["A"], name="first"),
               helper.make_node("Relu", ["A"], ["B"], name="fine"),
               helper.make_node("Frobnicate", ["B"], ["C"], name="second",
                                domain="com.example"),
               helper.make_node("NoSuchOp", ["C"], ["Y"], name="again")],
              [vi("X", FLOAT, [2])], [vi("Y", FLOAT, [2])],
              opsets=[helper.make_opsetid("", 17),
                      helper.make_opsetid("com.example", 1)])
    c.add("unsupported_op_list", m,
          "unsupported ONNX operators (2): NoSuchOp (opset 17) at node "
          "'first', com.example.Frobnicate at node 'second'")


def graph_structure_cases(c):
    c.add("empty_graph", model([], [], []), "model has an empty graph")
    m = model([helper.make_node("Relu", ["B"], ["A"], name="a"),
               helper.make_node("Relu", ["A"], ["B"], name="b"),
               helper.make_node("Relu", ["X"], ["Y"], name="c")],
              [vi("X", FLOAT, [2])], [vi("Y", FLOAT, [2])])
    c.add("cycle", m, "node 'a' (Relu, opset 17): the graph has a cycle "
                      "through this node")
    c.add("self_loop",
          model([helper.make_node("Add", ["X", "Y"], ["Y"], name="loop")],
                [vi("X", FLOAT, [2])], [vi("Y", FLOAT, [2])]),
          "the graph has a cycle through this node")
    c.add("undefined_input",
          model([helper.make_node("Add", ["X", "nowhere"], ["Y"],
                                  name="add")],
                [vi("X", FLOAT, [2])], [vi("Y", FLOAT, [2])]),
          "node uses tensor 'nowhere', which no node, input or initializer "
          "defines")
    c.add("duplicate_output",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r1"),
                 helper.make_node("Relu", ["X"], ["Y"], name="r2")],
                [vi("X", FLOAT, [2])], [vi("Y", FLOAT, [2])]),
          "node 'r2' (Relu, opset 17): tensor 'Y' is defined more than once")
    c.add("output_shadows_input",
          model([helper.make_node("Relu", ["X"], ["X"], name="r")],
                [vi("X", FLOAT, [2])], [vi("X", FLOAT, [2])]),
          "tensor 'X' is defined more than once")
    c.add("output_not_produced",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", FLOAT, [2])], [vi("Z", FLOAT, [2])]),
          "graph output 'Z' is not produced by any node")
    c.add("no_graph_outputs",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", FLOAT, [2])], []),
          "model has no graph outputs")
    c.add("output_dtype_mismatch",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", FLOAT, [2])], [vi("Y", INT64, [2])]),
          "graph output 'Y' is declared as 'i64' but computed as 'f32'")
    c.add("input_listed_twice",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", FLOAT, [2]), vi("X", FLOAT, [2])],
                [vi("Y", FLOAT, [2])]),
          "graph input 'X' is listed twice")
    t = helper.make_tensor("", FLOAT, [2, 2], [1, 2, 3, 4])
    c.add("initializer_without_name", add_init_model(t),
          "an initializer has no name")


def node_cases(c):
    a, b = vi("A", FLOAT, [2, 3]), vi("B", FLOAT, [4, 5])
    c.add("matmul_contraction_mismatch",
          model([helper.make_node("MatMul", ["A", "B"], ["Y"], name="mm")],
                [a, b], [vi("Y", FLOAT, [2, 5])]),
          "node 'mm' (MatMul, opset 17): matmul contraction dimensions differ")
    c.add("add_shapes_not_broadcastable",
          model([helper.make_node("Add", ["A", "B"], ["Y"], name="add")],
                [vi("A", FLOAT, [2, 3]), vi("B", FLOAT, [4])],
                [vi("Y", FLOAT, [2, 3])]),
          "node 'add' (Add, opset 17): operand shapes are not "
          "broadcast-compatible")
    c.add("add_element_types_differ",
          model([helper.make_node("Add", ["A", "B"], ["Y"], name="add")],
                [vi("A", FLOAT, [2]), vi("B", INT64, [2])],
                [vi("Y", FLOAT, [2])]),
          "node 'add' (Add, opset 17): operand element types differ")
    c.add("add_missing_input",
          model([helper.make_node("Add", ["A"], ["Y"], name="add")],
                [vi("A", FLOAT, [2])], [vi("Y", FLOAT, [2])]),
          "node 'add' (Add, opset 17): expected 2 inputs, got 1")
    c.add("add_empty_first_input",
          model([helper.make_node("Add", ["", "A"], ["Y"], name="add")],
                [vi("A", FLOAT, [2])], [vi("Y", FLOAT, [2])]),
          "node 'add' (Add, opset 17): missing required input #0")
    c.add("relu_extra_output",
          model([helper.make_node("Relu", ["A"], ["Y", "Z"], name="r")],
                [vi("A", FLOAT, [2])], [vi("Y", FLOAT, [2])]),
          "node 'r' (Relu, opset 17): output #1 ('Z') is not supported by "
          "dlc")
    c.add("constant_missing_value",
          model([helper.make_node("Constant", [], ["Y"], name="k")],
                [], [vi("Y", FLOAT, [2])]),
          "node 'k' (Constant, opset 17): Constant needs one of the "
          "attributes 'value', 'value_float'")
    c.add("constant_value_wrong_attr_type",
          model([helper.make_node("Constant", [], ["Y"], name="k", value=3)],
                [], [vi("Y", FLOAT, [2])]),
          "attribute 'value' must be a tensor (got INT)")
    c.add("reshape_shape_not_constant",
          model([helper.make_node("Reshape", ["A", "S"], ["Y"], name="rs")],
                [vi("A", FLOAT, [2, 3]), vi("S", INT64, [1])],
                [vi("Y", FLOAT, [6])]),
          "node 'rs' (Reshape, opset 17): input 'shape' must be a constant")
    shape = helper.make_tensor("S", INT64, [2], [4, 4])
    c.add("reshape_element_count_mismatch",
          model([helper.make_node("Reshape", ["A", "S"], ["Y"], name="rs")],
                [vi("A", FLOAT, [2, 3])], [vi("Y", FLOAT, [4, 4])],
                initializers=[shape]),
          "re:node 'rs' \\(Reshape, opset 17\\): .*cannot reshape")
    # Product of the known entries overflows int64 before the -1 is solved.
    shape = helper.make_tensor("S", INT64, [3], [1 << 62, 4, -1])
    c.add("reshape_shape_product_overflows",
          model([helper.make_node("Reshape", ["A", "S"], ["Y"], name="rs")],
                [vi("A", FLOAT, [2, 3])], [vi("Y", FLOAT, [1])],
                initializers=[shape]),
          "re:node 'rs' \\(Reshape, opset 17\\): .*(overflow|too large|"
          "cannot infer the -1 entry)")
    axes = helper.make_tensor("axes", INT64, [1], [5])
    c.add("reducesum_axis_out_of_range",
          model([helper.make_node("ReduceSum", ["A", "axes"], ["Y"],
                                  name="rsum")],
                [vi("A", FLOAT, [2, 3])], [vi("Y", FLOAT, [2])],
                initializers=[axes]),
          "re:node 'rsum' \\(ReduceSum, opset 17\\): .*axis 5")
    # Ops of families that may not be in the op table yet: accept either the
    # up-front "unsupported" rejection or an error located at the node.
    def pending(name, op, specific):
        return ("re:unsupported ONNX operators \\(1\\): %s \\(opset 17\\) at "
                "node '%s'|node '%s' \\(%s, opset 17\\): .*(%s)"
                % (op, name, name, op, specific))
    c.add("conv_weight_rank_mismatch",
          model([helper.make_node("Conv", ["X", "W"], ["Y"], name="conv")],
                [vi("X", FLOAT, [1, 3, 8, 8]), vi("W", FLOAT, [4, 3, 3])],
                [vi("Y", FLOAT, [1, 4, 6, 6])]),
          pending("conv", "Conv", "rank|dimension|shape"))
    c.add("conv_channel_mismatch",
          model([helper.make_node("Conv", ["X", "W"], ["Y"], name="conv")],
                [vi("X", FLOAT, [1, 3, 8, 8]), vi("W", FLOAT, [4, 5, 3, 3])],
                [vi("Y", FLOAT, [1, 4, 6, 6])]),
          pending("conv", "Conv", "channel|group"))
    c.add("gemm_3d_operand",
          model([helper.make_node("Gemm", ["A", "B"], ["Y"], name="gemm")],
                [vi("A", FLOAT, [2, 3, 4]), vi("B", FLOAT, [4, 5])],
                [vi("Y", FLOAT, [2, 5])]),
          pending("gemm", "Gemm", "rank|2-D|2D|matri"))
    c.add("transpose_perm_missing_axis",
          model([helper.make_node("Transpose", ["A"], ["Y"], name="tr",
                                  perm=[0, 0])],
                [vi("A", FLOAT, [2, 3])], [vi("Y", FLOAT, [2, 3])]),
          pending("tr", "Transpose", "perm"))
    c.add("concat_missing_axis_attribute",
          model([helper.make_node("Concat", ["A", "A"], ["Y"], name="cat")],
                [vi("A", FLOAT, [2, 3])], [vi("Y", FLOAT, [4, 3])]),
          pending("cat", "Concat", "axis"))


def more_structure_cases(c, out):
    X = vi("X", FLOAT, [2, 3])
    c.add("node_without_outputs",
          model([helper.make_node("Relu", ["X"], [], name="r"),
                 helper.make_node("Relu", ["X"], ["Y"], name="ok")],
                [X], [vi("Y", FLOAT, [2, 3])]),
          "node 'r' (Relu, opset 17): produces 1 results but the node names "
          "only 0 outputs")
    c.add("initializer_redefined_by_node",
          model([helper.make_node("Relu", ["X"], ["W"], name="r"),
                 helper.make_node("Add", ["X", "W"], ["Y"], name="add")],
                [X], [vi("Y", FLOAT, [2, 3])],
                initializers=[helper.make_tensor("W", FLOAT, [3], [1, 2, 3])]),
          "node 'r' (Relu, opset 17): tensor 'W' is defined more than once")
    c.add("attribute_wrong_type",
          model([helper.make_node("Transpose", ["X"], ["Y"], name="t",
                                  perm=[1.0, 0.0])],
                [X], [vi("Y", FLOAT, [3, 2])]),
          "node 't' (Transpose, opset 17): attribute 'perm' must be a list of "
          "integers (got FLOATS)")
    sparse = helper.make_sparse_tensor(
        helper.make_tensor("S", FLOAT, [1], [1.0]),
        helper.make_tensor("S_idx", INT64, [1], [0]), [3])
    m = model([helper.make_node("Add", ["X", "S"], ["Y"], name="add")],
              [X], [vi("Y", FLOAT, [2, 3])])
    m.graph.sparse_initializer.append(sparse)
    c.add("sparse_initializer", m,
          "node uses tensor 'S', which no node, input or initializer defines")
    fn = helper.make_function(
        "local", "MyRelu", ["A"], ["B"],
        [helper.make_node("Relu", ["A"], ["B"])],
        [helper.make_opsetid("", 17)])
    m = model([helper.make_node("MyRelu", ["X"], ["Y"], name="f",
                                domain="local")],
              [X], [vi("Y", FLOAT, [2, 3])],
              opsets=[helper.make_opsetid("", 17),
                      helper.make_opsetid("local", 1)])
    m.functions.append(fn)
    c.add("model_local_function", m,
          "unsupported ONNX operators (1): local.MyRelu at node 'f'")
    for name, elem in (("complex64", TensorProto.COMPLEX64),
                       ("complex128", TensorProto.COMPLEX128)):
        c.add("%s_input" % name,
              model([helper.make_node("Identity", ["X"], ["Y"], name="i")],
                    [vi("X", elem, [2])], [vi("Y", elem, [2])]),
              "re:graph input 'X': unsupported tensor data type (%s|data type "
              "%d)" % (TensorProto.DataType.Name(elem), elem))
    # A Constant's tensor attribute with hostile external data.
    d = os.path.join(out, "ext", "constant_attr_dotdot")
    os.makedirs(d, exist_ok=True)
    t = external_tensor("value", [4], [("location", "../outside.bin")])
    c.add("constant_attr_external_dotdot",
          model([helper.make_node("Constant", [], ["Y"], name="k", value=t)],
                [], [vi("Y", FLOAT, [4])]),
          "node 'k' (Constant, opset 17): attribute 'value': tensor 'value': "
          "external data location '../outside.bin' leaves the model's folder",
          folder=os.path.join("ext", "constant_attr_dotdot"))


def shape_op_cases(c):
    """Bad attributes and constant operands of the shape and reduction ops."""
    X = vi("X", FLOAT, [2, 3])
    Y = vi("Y", FLOAT, [2])

    def ints(name, values):
        return helper.make_tensor(name, INT64, [len(values)], values)

    def scalar(name, value, elem=INT64):
        return helper.make_tensor(name, elem, [], [value])

    def case(name, op, inputs, expect, inits=(), graph_inputs=None,
             known_bug=None, opset=17, outputs=("Y",), **attrs):
        node = helper.make_node(op, inputs, list(outputs), name="n", **attrs)
        m = model([node], graph_inputs if graph_inputs is not None else [X],
                  [Y], initializers=list(inits), opset=opset)
        c.add(name, m, "re:node 'n' \\(%s, opset %d\\): .*%s"
              % (op, opset, expect), known_bug=known_bug)

    case("transpose_perm_repeats_axis", "Transpose", ["X"],
         "perm is not a permutation", perm=[0, 0])
    case("transpose_perm_too_short", "Transpose", ["X"],
         "perm has 1 entries but the input has rank 2", perm=[0])
    case("gather_axis_out_of_range", "Gather", ["X", "i"],
         "axis 7 is out of range", inits=[ints("i", [0])], axis=7)
    case("gather_constant_index_out_of_range", "Gather", ["D", "i"],
         "index 99 is out of range for axis 0 of size 2", graph_inputs=[],
         inits=[helper.make_tensor("D", FLOAT, [2, 3], [1] * 6),
                ints("i", [99])], axis=0)
    case("gather_scalar_data", "Gather", ["S", "i"],
         "cannot gather from a scalar",
         graph_inputs=[vi("S", FLOAT, [])], inits=[ints("i", [0])])
    case("split_scalar", "Split", ["S"], "cannot split a scalar",
         graph_inputs=[vi("S", FLOAT, [])], outputs=("Y", "Y2"))
    case("concat_axis_out_of_range", "Concat", ["X", "X"],
         "axis 9 is out of range", axis=9)
    case("concat_rank_mismatch", "Concat", ["X", "Z"],
         "concat operand #1 .* does not match operand #0",
         graph_inputs=[X, vi("Z", FLOAT, [3])], axis=0)
    case("split_sizes_wrong_sum", "Split", ["X", "s"],
         "split sizes sum to 2 but dimension 1 has size 3",
         inits=[ints("s", [1, 1])], axis=1, outputs=("Y", "Y2"))
    case("split_sizes_sum_overflows", "Split", ["X", "s"],
         "(overflow|int64)", inits=[ints("s", [4, (1 << 63) - 1])], axis=1,
         outputs=("Y", "Y2"))
    case("slice_step_zero", "Slice", ["X", "s", "e", "a", "st"],
         "slice step must not be 0",
         inits=[ints("s", [0]), ints("e", [2]), ints("a", [1]),
                ints("st", [0])])
    case("slice_axis_repeated", "Slice", ["X", "s", "e", "a"],
         "slice axis 1 is listed twice",
         inits=[ints("s", [0, 0]), ints("e", [1, 1]), ints("a", [1, 1])])
    case("tile_negative_repeat", "Tile", ["X", "r"],
         "repeats must be >= 0, got -1", inits=[ints("r", [-1, 1])])
    case("tile_result_overflows_int64", "Tile", ["X", "r"],
         "repeats 4611686018427387904 overflow dimension",
         inits=[ints("r", [1 << 62, 1])])
    case("expand_incompatible_shape", "Expand", ["X", "s"],
         "cannot expand '?tensor<2x3xf32>'? to shape \\[4, 5\\]",
         inits=[ints("s", [4, 5])])
    case("expand_result_overflows_int64", "Expand", ["X", "s"],
         "result shape has more elements than int64 can count",
         inits=[ints("s", [1 << 62, 1 << 62, 1, 1])])
    case("constantofshape_overflows_int64", "ConstantOfShape", ["s"],
         "shape has more elements than int64 can count", graph_inputs=[],
         inits=[ints("s", [1 << 62, 1 << 62])])
    case("constantofshape_negative", "ConstantOfShape", ["s"],
         "shape entries must be >= 0, got -4", graph_inputs=[],
         inits=[ints("s", [-4])])
    case("range_zero_delta", "Range", ["a", "b", "d"],
         "Range needs a non-zero 'delta'", graph_inputs=[],
         inits=[scalar("a", 0), scalar("b", 5), scalar("d", 0)])
    case("range_too_many_elements", "Range", ["a", "b", "d"],
         "Range would produce more than", graph_inputs=[],
         inits=[scalar("a", -(1 << 63)), scalar("b", (1 << 63) - 1),
                scalar("d", 1)])
    case("range_infinite_bound", "Range", ["a", "b", "d"],
         "Range needs a finite, non-zero 'delta' and finite bounds",
         graph_inputs=[],
         inits=[scalar("a", 0.0, FLOAT), scalar("b", float("inf"), FLOAT),
                scalar("d", 1.0, FLOAT)])
    case("pad_crops_below_zero", "Pad", ["X", "p"],
         "pads -5 and 0 crop dimension 0 of size 2 below zero",
         inits=[ints("p", [-5, 0, 0, 0])])
    case("pad_result_overflows_int64", "Pad", ["X", "p"],
         "pads of dimension 0 overflow int64",
         inits=[ints("p", [(1 << 63) - 1, 0, (1 << 63) - 1, 0])])
    case("pad_unknown_mode", "Pad", ["X", "p"], "unknown pad mode 'bogus'",
         inits=[ints("p", [1, 1, 1, 1])], mode="bogus")
    case("squeeze_axis_not_one", "Squeeze", ["X", "a"],
         "cannot squeeze axis 0 of size 2", inits=[ints("a", [0])])
    case("unsqueeze_axis_repeated", "Unsqueeze", ["X", "a"],
         "axis 0 is listed twice", inits=[ints("a", [0, 0])])
    case("flatten_axis_out_of_range", "Flatten", ["X"],
         "axis 5 is out of range", axis=5)
    case("trilu_rank_1", "Trilu", ["Z"], "Trilu needs a tensor of rank >= 2",
         graph_inputs=[vi("Z", FLOAT, [3])])
    case("reshape_two_inferred_dims", "Reshape", ["X", "s"],
         "shape has more than one -1 entry", inits=[ints("s", [-1, -1])])
    case("reshape_float_shape", "Reshape", ["X", "s"],
         "input 'shape' must be an integer tensor",
         inits=[helper.make_tensor("s", FLOAT, [1], [6.0])])
    case("reducesum_axes_repeated", "ReduceSum", ["X", "a"],
         "reduction axes repeat an axis", inits=[ints("a", [1, -1])])
    case("argmax_axis_out_of_range", "ArgMax", ["X"],
         "axis 3 is out of range for rank 2", axis=3)
    case("argmax_empty_axis", "ArgMax", ["Z"],
         "over the empty axis 0 is undefined",
         graph_inputs=[vi("Z", FLOAT, [0, 3])], axis=0)
    case("softmax_axis_out_of_range", "Softmax", ["X"],
         "axis -3 is out of range for rank 2", axis=-3)
    case("cumsum_float_axis", "CumSum", ["X", "a"],
         "input 'axis' must be an integer tensor",
         inits=[scalar("a", 1.0, FLOAT)])


def dims_and_payload_cases(c):
    c.add("initializer_2pow40_elements",
          add_init_model(raw_tensor("W", FLOAT, [1 << 40], b"")),
          "initializer tensor 'W': too large (more than 8 GiB)")
    c.add("initializer_dims_overflow_int64",
          add_init_model(raw_tensor("W", FLOAT, [1 << 32, 1 << 32, 1 << 32],
                                    b"")),
          "initializer tensor 'W': too large (more than 8 GiB)")
    c.add("initializer_negative_dim",
          add_init_model(raw_tensor("W", FLOAT, [2, -3], b"")),
          "initializer tensor 'W': negative dimension -3")
    c.add("raw_data_too_short",
          add_init_model(raw_tensor("W", FLOAT, [2, 2], b"\0" * 8)),
          "initializer tensor 'W': payload has 8 bytes, but shape and data "
          "type need 16")
    c.add("raw_data_too_long",
          add_init_model(raw_tensor("W", FLOAT, [2, 2], b"\0" * 20)),
          "initializer tensor 'W': payload has 20 bytes, but shape and data "
          "type need 16")
    c.add("float_data_count_wrong",
          add_init_model(typed_tensor("W", FLOAT, [2, 2], [1, 2, 3])),
          "initializer tensor 'W': float_data has 3 values, but the shape "
          "needs 4")
    t = typed_tensor("W", INT64, [3], [1, 2, 3, 4, 5])
    c.add("int64_data_count_wrong",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", FLOAT, [2])], [vi("Y", FLOAT, [2])],
                initializers=[t]),
          "initializer tensor 'W': int64_data has 5 values, but the shape "
          "needs 3")
    t = TensorProto(name="W", data_type=TensorProto.INT8, dims=[4])
    t.int32_data.extend([1, 2])
    c.add("int32_data_count_wrong_int8",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", FLOAT, [2])], [vi("Y", FLOAT, [2])],
                initializers=[t]),
          "initializer tensor 'W': int32_data has 2 values, but the shape "
          "needs 4")
    t = TensorProto(name="W", data_type=FLOAT, dims=[2, 2])
    c.add("initializer_no_data", add_init_model(t),
          "initializer tensor 'W': float_data has 0 values, but the shape "
          "needs 4")
    t = helper.make_tensor("W", FLOAT, [2, 2], [1, 2, 3, 4])
    t.segment.begin = 0
    t.segment.end = 2
    c.add("segmented_initializer", add_init_model(t),
          "initializer tensor 'W': segmented tensors are not supported")
    t = typed_tensor("value", FLOAT, [2], [1, 2, 3])
    c.add("constant_attr_payload_mismatch",
          model([helper.make_node("Constant", [], ["Y"], name="k", value=t)],
                [], [vi("Y", FLOAT, [2])]),
          "node 'k' (Constant, opset 17): attribute 'value': tensor 'value': "
          "float_data has 3 values, but the shape needs 2")
    # Graph inputs with negative or enormous dimensions.
    c.add("input_negative_dim",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", FLOAT, [2, -5])], [vi("Y", FLOAT, [2])]),
          "graph input 'X' has a symbolic dimension unknown at index 1")
    c.add("input_dims_overflow_int64",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", FLOAT, [1 << 40, 1 << 40])], [vi("Y", FLOAT, [2])]),
          "graph input 'X' is too large: its dimensions multiply to more "
          "elements than int64 can count")


def external_data_cases(c, out):
    def ext_model(name, entries, dims=(4,), elem=FLOAT):
        return model([helper.make_node("Relu", ["W"], ["Y"], name="r")], [],
                     [vi("Y", elem, list(dims))],
                     initializers=[external_tensor("W", list(dims), entries,
                                                   elem)])

    def folder(name, files=None):
        d = os.path.join(out, "ext", name)
        os.makedirs(d, exist_ok=True)
        for fname, data in (files or {}).items():
            with open(os.path.join(d, fname), "wb") as f:
                f.write(data)
        return os.path.join("ext", name)

    weights = {"w.bin": b"\0" * 16}
    outside = os.path.join(out, "ext", "outside.bin")
    os.makedirs(os.path.dirname(outside), exist_ok=True)
    with open(outside, "wb") as f:
        f.write(b"\0" * 16)

    c.add("absolute_path", ext_model("abs", [("location", outside)]),
          "' is an absolute path; only files inside the model's folder may "
          "be read", folder=folder("absolute_path"))
    c.add("dotdot_traversal",
          ext_model("dd", [("location", "../outside.bin")]),
          "external data location '../outside.bin' leaves the model's folder "
          "('..')", folder=folder("dotdot_traversal"))
    c.add("dotdot_in_middle",
          ext_model("dd", [("location", "sub/../../outside.bin")]),
          "leaves the model's folder ('..')",
          folder=folder("dotdot_in_middle"))
    d = folder("symlink_outside")
    os.symlink(outside, os.path.join(out, d, "link.bin"))
    c.add("symlink_outside", ext_model("s", [("location", "link.bin")]),
          "external data location 'link.bin' goes through a symbolic link, "
          "which is not allowed", folder=d)
    d = folder("symlink_inside", weights)
    os.symlink("w.bin", os.path.join(out, d, "link.bin"))
    c.add("symlink_inside", ext_model("s", [("location", "link.bin")]),
          "external data location 'link.bin' goes through a symbolic link",
          folder=d)
    d = folder("symlinked_subfolder")
    os.makedirs(os.path.join(out, "ext", "realdir"), exist_ok=True)
    with open(os.path.join(out, "ext", "realdir", "w.bin"), "wb") as f:
        f.write(b"\0" * 16)
    os.symlink(os.path.join("..", "realdir"), os.path.join(out, d, "sub"))
    c.add("symlinked_subfolder",
          ext_model("s", [("location", "sub/w.bin")]),
          "external data location 'sub/w.bin' goes through a symbolic link",
          folder=d)
    c.add("offset_beyond_file",
          ext_model("o", [("location", "w.bin"), ("offset", "100")]),
          "external data 'w.bin': offset 100 is beyond the file's 16 bytes",
          folder=folder("offset_beyond_file", weights))
    c.add("length_beyond_file",
          ext_model("o", [("location", "w.bin"), ("offset", "8"),
                          ("length", "16")]),
          "external data 'w.bin': offset 8 + length 16 is beyond the file's "
          "16 bytes", folder=folder("length_beyond_file", weights))
    c.add("offset_plus_length_overflow",
          ext_model("o", [("location", "w.bin"), ("offset", "8"),
                          ("length", str((1 << 63) - 1))]),
          "offset 8 + length 9223372036854775807 is beyond the file's 16 "
          "bytes", folder=folder("offset_plus_length_overflow", weights))
    c.add("offset_too_big_for_int64",
          ext_model("o", [("location", "w.bin"),
                          ("offset", str(1 << 64))]),
          "external data offset '18446744073709551616' is not a "
          "non-negative integer", folder=folder("offset_too_big", weights))
    c.add("missing_file", ext_model("m", [("location", "nope.bin")]),
          "cannot open external data 'nope.bin': No such file or directory",
          folder=folder("missing_file"))
    c.add("non_integer_offset",
          ext_model("n", [("location", "w.bin"), ("offset", "12abc")]),
          "external data offset '12abc' is not a non-negative integer",
          folder=folder("non_integer_offset", weights))
    c.add("negative_length",
          ext_model("n", [("location", "w.bin"), ("length", "-4")]),
          "external data length '-4' is not a non-negative integer",
          folder=folder("negative_length", weights))
    c.add("empty_location", ext_model("e", [("offset", "0")]),
          "external data has an empty 'location'",
          folder=folder("empty_location", weights))
    d = folder("location_is_folder")
    os.makedirs(os.path.join(out, d, "adir"), exist_ok=True)
    c.add("location_is_folder", ext_model("f", [("location", "adir")]),
          "external data 'adir' is not a regular file", folder=d)
    c.add("external_size_mismatch",
          ext_model("z", [("location", "w.bin"), ("length", "12")]),
          "initializer tensor 'W': payload has 12 bytes, but shape and data "
          "type need 16", folder=folder("external_size_mismatch", weights))


def input_cases(c):
    sym = model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", FLOAT, ["N", 3])], [vi("Y", FLOAT, ["N", 3])])
    c.add("symbolic_dim_no_input_shape", sym,
          "graph input 'X' has a symbolic dimension 'N' at index 0; dynamic "
          "shapes are not supported yet")
    c.add("input_shape_negative", sym,
          "--input-shape 'X=1x-3': '-3' is not a dimension",
          args=["--input-shape", "X=1x-3"])
    c.add("input_shape_not_a_number", sym,
          "--input-shape 'X=2xthree': 'three' is not a dimension",
          args=["--input-shape", "X=2xthree"])
    c.add("input_shape_no_equals", sym,
          "--input-shape expects NAME=DIMS such as input=1x3x224x224, got "
          "'X2x3'", args=["--input-shape", "X2x3"])
    c.add("input_shape_huge_dim", sym,
          "'2199023255552' is not a dimension",
          args=["--input-shape", "X=2199023255552x3"])
    sym2 = model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                 [vi("X", FLOAT, ["N", "M"])], [vi("Y", FLOAT, ["N", "M"])])
    c.add("input_shape_product_overflows", sym2,
          "graph input 'X' is too large: its dimensions multiply to more "
          "elements than int64 can count",
          args=["--input-shape", "X=1099511627776x1099511627776"])
    c.add("input_shape_wrong_rank", sym,
          "--input-shape for 'X' has rank 3 but the model's input has rank 2",
          args=["--input-shape", "X=1x2x3"])
    c.add("input_shape_conflicts_fixed_dim", sym,
          "--input-shape for 'X' sets dimension 1 to 5 but the model fixes "
          "it to 3", args=["--input-shape", "X=2x5"])
    c.add("input_shape_unknown_name", sym,
          "--input-shape names 'Q', which is not a graph input",
          args=["--input-shape", "X=2x3", "--input-shape", "Q=1"])
    c.add("input_without_shape",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [helper.make_tensor_value_info("X", FLOAT, None)],
                [vi("Y", FLOAT, [2])]),
          "graph input 'X' has no shape; give one with --input-shape X=DIMS")
    # --freeze-input NAME=FILE.pb ('{dir}' is the corpus folder).
    fdir = os.path.join(c.out, "freeze")
    os.makedirs(fdir, exist_ok=True)
    with open(os.path.join(fdir, "ok.pb"), "wb") as f:
        f.write(helper.make_tensor("X", FLOAT, [2, 3],
                                   [0] * 6).SerializeToString())
    with open(os.path.join(fdir, "wrong_shape.pb"), "wb") as f:
        f.write(helper.make_tensor("X", FLOAT, [3, 2],
                                   [0] * 6).SerializeToString())
    with open(os.path.join(fdir, "short.pb"), "wb") as f:
        f.write(raw_tensor("X", FLOAT, [2, 3], b"\0" * 7).SerializeToString())
    with open(os.path.join(fdir, "garbage.pb"), "wb") as f:
        f.write(b"\xff" * 16)
    fixed = model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                  [vi("X", FLOAT, [2, 3])], [vi("Y", FLOAT, [2, 3])])
    c.add("freeze_input_missing_file", fixed,
          "--freeze-input X: cannot read '{dir}/freeze/nope.pb'",
          args=["--freeze-input", "X={dir}/freeze/nope.pb"])
    c.add("freeze_input_not_a_tensor", fixed,
          "--freeze-input X: '{dir}/freeze/garbage.pb' is not a valid ONNX "
          "TensorProto file", args=["--freeze-input",
                                      "X={dir}/freeze/garbage.pb"])
    c.add("freeze_input_shape_mismatch", fixed,
          "--freeze-input X: the tensor in '{dir}/freeze/wrong_shape.pb' is "
          "'tensor<3x2xf32>' but the graph input is 'tensor<2x3xf32>'",
          args=["--freeze-input", "X={dir}/freeze/wrong_shape.pb"])
    c.add("freeze_input_payload_short", fixed,
          "--freeze-input X: tensor 'X': payload has 7 bytes, but shape and "
          "data type need 24",
          args=["--freeze-input", "X={dir}/freeze/short.pb"])
    c.add("freeze_input_unknown_name", fixed,
          "--freeze-input names 'Q', which is not a graph input",
          args=["--freeze-input", "Q={dir}/freeze/ok.pb"])
    c.add("freeze_input_no_equals", fixed,
          "--freeze-input expects NAME=FILE.pb, got 'X'",
          args=["--freeze-input", "X"])
    seq = helper.make_tensor_sequence_value_info("S", FLOAT, [2])
    c.add("sequence_input",
          model([helper.make_node("Identity", ["S"], ["Y"], name="i")], [seq],
                [vi("Y", FLOAT, [2])]),
          "graph input 'S' is not a tensor; only tensor inputs are supported")
    tensor_type = helper.make_tensor_type_proto(FLOAT, [2])
    for kind, type_proto in (
            ("optional", helper.make_optional_type_proto(tensor_type)),
            ("map", helper.make_map_type_proto(INT64, tensor_type)),
            ("sparse", helper.make_sparse_tensor_type_proto(FLOAT, [2]))):
        c.add("%s_input" % kind,
              model([helper.make_node("Identity", ["S"], ["Y"], name="i")],
                    [helper.make_value_info("S", type_proto)],
                    [vi("Y", FLOAT, [2])]),
              "graph input 'S' is not a tensor; only tensor inputs are "
              "supported")
    c.add("string_input",
          model([helper.make_node("Identity", ["S"], ["Y"], name="i")],
                [vi("S", TensorProto.STRING, [2])],
                [vi("Y", TensorProto.STRING, [2])]),
          "graph input 'S': unsupported tensor data type STRING")
    c.add("float8_initializer_short",
          add_init_model(raw_tensor("W", TensorProto.FLOAT8E4M3FN, [2, 2],
                                    b"\0" * 3)),
          "initializer tensor 'W': payload has 3 bytes, but shape and data "
          "type need 4")
    # Five int4 values pack into three bytes (two a byte, the last half
    # empty).
    c.add("int4_initializer_short",
          add_init_model(raw_tensor("W", TensorProto.INT4, [5], b"\0" * 2)),
          "initializer tensor 'W': payload has 2 bytes, but shape and data "
          "type need 3 (packed, 2 elements a byte)")
    c.add("undefined_dtype_input",
          model([helper.make_node("Relu", ["X"], ["Y"], name="r")],
                [vi("X", TensorProto.UNDEFINED, [2])], [vi("Y", FLOAT, [2])]),
          "graph input 'X': unsupported tensor data type UNDEFINED")
    t = raw_tensor("W", 999, [2], b"\0" * 8)
    c.add("unknown_dtype_number", add_init_model(t),
          "initializer tensor 'W': unsupported tensor data type data type 999")


def generate(out):
    if os.path.exists(out):
        if os.listdir(out) and not os.path.exists(os.path.join(out, MARKER)):
            sys.exit("gen_malformed_corpus: '%s' exists and is not a corpus "
                     "folder; refusing to delete it" % out)
        shutil.rmtree(out)
    os.makedirs(out)
    c = Corpus(out)
    c.write_manifest()  # marks the folder as a corpus even if we stop early
    protobuf_cases(c)
    text_cases(c)
    opset_cases(c)
    graph_structure_cases(c)
    node_cases(c)
    shape_op_cases(c)
    dims_and_payload_cases(c)
    external_data_cases(c, out)
    more_structure_cases(c, out)
    input_cases(c)
    names = [case["name"] for case in c.cases]
    assert len(names) == len(set(names)), "duplicate case names"
    c.write_manifest()
    return c.cases


# ---------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------

def check_case(dlc, out, case, timeout):
    path = os.path.join(out, case["file"])
    args = [a.replace("{dir}", out) for a in case["args"]]
    cmd = [dlc, path, "--emit=graph", "-o", os.devnull] + args
    try:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ["timed out after %ds" % timeout], ""
    stderr = proc.stderr.decode(errors="replace")
    problems = []
    if proc.returncode < 0:
        problems.append("killed by signal %d" % -proc.returncode)
    elif proc.returncode != case["rc"]:
        problems.append("exit code %d, expected %d"
                        % (proc.returncode, case["rc"]))
    for pattern in SANITIZER_PATTERNS:
        if pattern in stderr:
            problems.append("sanitizer report ('%s')" % pattern)
    expect = case["expect"].replace("{dir}", out)
    if expect.startswith("re:"):
        found = re.search(expect[3:], stderr) is not None
    else:
        found = expect in stderr
    if not found:
        problems.append("message not found: %r" % expect)
    return problems, stderr


def check(dlc, out, cases, jobs, timeout, verbose):
    failed, xfailed = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(check_case, dlc, out, case, timeout)
                   for case in cases]
        for case, future in zip(cases, futures):
            problems, stderr = future.result()
            if problems and case["known_bug"]:
                xfailed.append(case["name"])
                print("XFAIL %s: known bug: %s (%s)" % (
                    case["name"], case["known_bug"], "; ".join(problems)))
            elif problems:
                failed.append(case["name"])
                print("FAIL %s (%s): %s" % (case["name"], case["file"],
                                            "; ".join(problems)))
                tail = stderr.strip().splitlines()[:12]
                for line in tail:
                    print("    | " + line)
            elif case["known_bug"]:
                print("XPASS %s: passes now; drop its known_bug note" %
                      case["name"])
            elif verbose:
                print("ok   %s" % case["name"])
    passed = len(cases) - len(failed) - len(xfailed)
    print("%d passed, %d failed%s" % (
        passed, len(failed),
        " (%d expected failures of known bugs)" % len(xfailed)
        if xfailed else ""))
    return not failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True,
                        help="folder to write the corpus into (recreated)")
    parser.add_argument("--check", action="store_true",
                        help="run dlc on every case and compare")
    parser.add_argument("--dlc", default="dlc", help="path to dlc")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=120,
                        help="seconds per case")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    cases = generate(out)
    print("wrote %d cases to %s" % (len(cases), out))
    if not args.check:
        return 0
    dlc = shutil.which(args.dlc) or args.dlc
    return 0 if check(dlc, out, cases, args.jobs, args.timeout,
                      args.verbose) else 1


if __name__ == "__main__":
    sys.exit(main())
