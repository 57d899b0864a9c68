"""Exports the attention shapes of a Whisper-style speech encoder (6 heads
over 1500 positions, head size 64) with torch and writes, for each model,
MODEL.onnx and an ONNX test folder MODEL/ (input_N.pb, output_N.pb) with
onnxruntime's outputs as the reference:

  qk         scores = q @ k^T                         [1, 6, 1500, 1500]
  attention  softmax(q @ k^T / 8) @ v                  [1, 6, 1500, 64]

    attention_case.py OUT_DIR [--shape 1x6x1500x64]

The models are generated here (into a build or cache folder), never
committed."""
import argparse
import os

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper


class QK(torch.nn.Module):
    def forward(self, q, k):
        return q @ k.transpose(-1, -2)


class Attention(torch.nn.Module):
    def forward(self, q, k, v):
        scores = q @ k.transpose(-1, -2) / 8.0
        return torch.softmax(scores, dim=-1) @ v


def write_case(out, name, module, inputs, names):
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(module, tuple(torch.from_numpy(a) for a in inputs),
                      path, input_names=names, output_names=["y"],
                      opset_version=17, dynamo=False)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    outputs = sess.run(None, dict(zip(names, inputs)))
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    model = onnx.load(path)
    feeds = [i.name for i in model.graph.input]
    for i, feed in enumerate(feeds):
        with open(os.path.join(folder, "input_%d.pb" % i), "wb") as f:
            value = inputs[names.index(feed)]
            f.write(numpy_helper.from_array(value, feed).SerializeToString())
    for i, value in enumerate(outputs):
        with open(os.path.join(folder, "output_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(value, "y").SerializeToString())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--shape", default="1x6x1500x64")
    args = parser.parse_args()
    shape = tuple(int(d) for d in args.shape.split("x"))
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal(shape).astype(np.float32)
               for _ in range(3))
    torch.manual_seed(0)
    write_case(args.out, "qk", QK(), [q, k], ["q", "k"])
    write_case(args.out, "attention", Attention(), [q, k, v],
               ["q", "k", "v"])


if __name__ == "__main__":
    main()
