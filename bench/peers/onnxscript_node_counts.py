"""Records how many nodes onnxscript's optimizer leaves in each zoo model (fixture for
bench/main.ts and test/passes/peer-node-counts.test.ts). Run once by hand when the zoo or the
onnxscript version changes; the JSON is committed. Tests never run Python.

    pip install onnxscript onnx
    python3 bench/peers/onnxscript_node_counts.py ../shared/corpus/zoo > bench/peers/onnxscript-node-counts.json
"""
import json
import os
import sys

import onnx
import onnxscript
from onnxscript import optimizer

zoo = sys.argv[1]
counts = {}
for name in sorted(os.listdir(zoo)):
    path = os.path.join(zoo, name, "model.onnx")
    if not os.path.exists(path):
        continue
    model = onnx.load(path)
    before = len(model.graph.node)
    optimized = optimizer.optimize(model)
    counts[name] = {"before": before, "after": len(optimized.graph.node)}
json.dump({"tool": "onnxscript.optimizer.optimize", "onnxscript": onnxscript.__version__, "onnx": onnx.__version__, "models": counts}, sys.stdout, indent=1)
print()
