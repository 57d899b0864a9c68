"""Writes small models of the ONNX ops dlc imports as compositions of graph
ops (Attention, the losses, RMSNormalization, RotaryEmbedding,
GatherElements), each as OUT/NAME.onnx and an ONNX test folder OUT/NAME/
(input_N.pb, output_N.pb) whose outputs are onnx's reference evaluator's:

    composite_ops_case.py OUT_DIR

The shapes and attributes differ from the ONNX node tests: grouped-query
attention with a past, a padded bool mask and softcap; 3-D causal attention
with a past and a 4-D float mask; losses over 4-D inputs with weights and
ignored targets."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

RNG = np.random.default_rng(7)
F = TensorProto.FLOAT


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def write(out, name, node, inputs, outputs, opset, feeds):
    """inputs/outputs: [(name, elem_type, shape)]; feeds: name -> array."""
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    path = os.path.join(out, name + ".onnx")
    onnx.save(model, path)
    results = ReferenceEvaluator(model).run(None, feeds)
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    for i, (n, _, _) in enumerate(inputs):
        with open(os.path.join(folder, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(feeds[n], n).SerializeToString())
    for i, ((n, _, _), value) in enumerate(zip(outputs, results)):
        assert np.isfinite(value).all(), (name, n)
        with open(os.path.join(folder, "output_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(np.asarray(value),
                                            n).SerializeToString())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    # 4 Q heads over 2 KV heads, a past of 3, a bool mask over 5 of the 6
    # keys (the last padded as masked), softcap; qk output after softmax.
    mask = RNG.random((3, 5)) > 0.3
    mask[:, 0] = True
    feeds = {"Q": rand(1, 4, 3, 8), "K": rand(1, 2, 3, 8),
             "V": rand(1, 2, 3, 6), "M": mask, "PK": rand(1, 2, 3, 8),
             "PV": rand(1, 2, 3, 6)}
    write(out, "attention_gqa",
          helper.make_node("Attention", ["Q", "K", "V", "M", "PK", "PV"],
                           ["Y", "NK", "NV", "QK"], softcap=1.5,
                           qk_matmul_output_mode=3),
          [("Q", F, [1, 4, 3, 8]), ("K", F, [1, 2, 3, 8]),
           ("V", F, [1, 2, 3, 6]), ("M", TensorProto.BOOL, [3, 5]),
           ("PK", F, [1, 2, 3, 8]), ("PV", F, [1, 2, 3, 6])],
          [("Y", F, [1, 4, 3, 6]), ("NK", F, [1, 2, 6, 8]),
           ("NV", F, [1, 2, 6, 6]), ("QK", F, [1, 4, 3, 6])], 23, feeds)

    # 3-D, causal, a past of 2, a float mask per batch, an explicit scale.
    feeds = {"Q": rand(2, 3, 12), "K": rand(2, 3, 12), "V": rand(2, 3, 12),
             "M": rand(2, 1, 3, 5), "PK": rand(2, 2, 2, 6),
             "PV": rand(2, 2, 2, 6)}
    write(out, "attention_3d_causal",
          helper.make_node("Attention", ["Q", "K", "V", "M", "PK", "PV"],
                           ["Y"], is_causal=1, q_num_heads=2,
                           kv_num_heads=2, scale=0.3),
          [("Q", F, [2, 3, 12]), ("K", F, [2, 3, 12]), ("V", F, [2, 3, 12]),
           ("M", F, [2, 1, 3, 5]), ("PK", F, [2, 2, 2, 6]),
           ("PV", F, [2, 2, 2, 6])],
          [("Y", F, [2, 3, 12])], 23, feeds)

    # NLL over (N, C, d1, d2) with weights and an ignored class, mean.
    target = RNG.integers(0, 4, (2, 3, 2)).astype(np.int64)
    target[0, 0, 0] = 1
    feeds = {"X": rand(2, 4, 3, 2), "T": target,
             "W": RNG.random(4).astype(np.float32) + 0.5}
    write(out, "nll_weight_ii",
          helper.make_node("NegativeLogLikelihoodLoss", ["X", "T", "W"],
                           ["L"], ignore_index=1),
          [("X", F, [2, 4, 3, 2]), ("T", TensorProto.INT64, [2, 3, 2]),
           ("W", F, [4])], [("L", F, [])], 22, feeds)

    # SoftmaxCrossEntropyLoss without weights, ignoring -1, per element,
    # with the log-probabilities.
    target = RNG.integers(0, 5, (3, 4)).astype(np.int64)
    target[1, 2] = -1
    feeds = {"X": rand(3, 5, 4), "T": target}
    write(out, "sce_none_ii",
          helper.make_node("SoftmaxCrossEntropyLoss", ["X", "T"],
                           ["L", "P"], reduction="none", ignore_index=-1),
          [("X", F, [3, 5, 4]), ("T", TensorProto.INT64, [3, 4])],
          [("L", F, [3, 4]), ("P", F, [3, 5, 4])], 13, feeds)

    feeds = {"X": rand(2, 3, 6), "S": rand(3, 6)}
    write(out, "rms_norm",
          helper.make_node("RMSNormalization", ["X", "S"], ["Y"], axis=1,
                           epsilon=0.01),
          [("X", F, [2, 3, 6]), ("S", F, [3, 6])], [("Y", F, [2, 3, 6])],
          23, feeds)

    feeds = {"X": rand(2, 3, 16), "C": rand(8, 2), "S": rand(8, 2),
             "P": RNG.integers(0, 8, (2, 3)).astype(np.int64)}
    write(out, "rotary",
          helper.make_node("RotaryEmbedding", ["X", "C", "S", "P"], ["Y"],
                           num_heads=2, rotary_embedding_dim=4),
          [("X", F, [2, 3, 16]), ("C", F, [8, 2]), ("S", F, [8, 2]),
           ("P", TensorProto.INT64, [2, 3])], [("Y", F, [2, 3, 16])], 23,
          feeds)

    feeds = {"D": rand(2, 5, 3),
             "I": RNG.integers(-5, 5, (2, 4, 3)).astype(np.int64)}
    write(out, "gather_elements",
          helper.make_node("GatherElements", ["D", "I"], ["Y"], axis=1),
          [("D", F, [2, 5, 3]), ("I", TensorProto.INT64, [2, 4, 3])],
          [("Y", F, [2, 4, 3])], 13, feeds)


if __name__ == "__main__":
    main()
