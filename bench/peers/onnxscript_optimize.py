"""The peer of `myriadc fix` in `npm run bench`: what a Python user runs to clean up an
export — load, ONNX shape inference, onnxscript's optimizer, save. Timed as a whole
process, interpreter start included, like the myriadc command it is compared with.

    python3 onnxscript_optimize.py IN.onnx OUT.onnx
"""
import sys

import onnx
import onnxscript.optimizer

model = onnx.load(sys.argv[1])
model = onnx.shape_inference.infer_shapes(model)
model = onnxscript.optimizer.optimize(model)
onnx.save(model, sys.argv[2])
