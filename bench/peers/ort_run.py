"""The peer of `myriadc run` in `npm run bench`: onnxruntime (CPU) runs the ONNX model on
one input and saves the first output, as a whole process, Python start included.

    python3 ort_run.py MODEL.onnx INPUT.npy OUTPUT.npy
"""
import sys

import numpy as np
import onnxruntime as ort

session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
feed = {session.get_inputs()[0].name: np.load(sys.argv[2])}
np.save(sys.argv[3], session.run(None, feed)[0])
