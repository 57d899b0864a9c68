"""Writes an ONNX test folder for Inputs/relu2.onnxtxt whose reference is
off by a known amount: x = [3, 4], Relu(x) = x, reference [3, 4.4].
Expected metrics (computed here by hand): max abs error 0.4, max rel error
0.4 / 4.4 = 0.0909, relative L2 error 0.4 / sqrt(3^2 + 4.4^2) = 0.0751,
cosine (9 + 17.6) / (5 * sqrt(28.36)) = 0.998984."""
import os
import sys

import numpy as np
from onnx import numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "input_0.pb"), "wb") as f:
    f.write(numpy_helper.from_array(np.array([3, 4], np.float32), "X").SerializeToString())
with open(os.path.join(out, "output_0.pb"), "wb") as f:
    f.write(numpy_helper.from_array(np.array([3, 4.4], np.float32), "Y").SerializeToString())
