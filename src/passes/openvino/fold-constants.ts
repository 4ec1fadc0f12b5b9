/**
 * Constant folding in the OpenVINO dialect: a node whose inputs are all constants (or a
 * ShapeOf of a statically shaped value) is computed once with the interpreter's kernel and
 * replaced by Const values. MYRIAD has no Range layer, and constant sizes/axes are what its
 * Interpolate, Gather and TopK stages need.
 */
import type { Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import { isStaticShape, shapeSize } from "../../ir/shape.js";
import { tensorType } from "../../ir/types.js";
import { type NdArray, ndFromTensor, ndToTensor } from "../../ops/ndarray.js";
import { constantPort, type OvOpDef, strAttr } from "../../ops/openvino/op-def.js";
import { openvinoOp } from "../../ops/openvino/registry.js";
import { VALUE_DEPENDENT_DIMS } from "../../ops/openvino/value-dependent-dims.js";
import type { Pass, PassResult } from "../pass.js";

/** Larger results stay computed at run time rather than bloating the weights. */
const MAX_FOLDED_ELEMENTS = 1 << 20;

/** FP16-compressed weights (Const f16 → Convert f32, as Model Optimizer writes them) stay compressed. */
function isDecompression(node: Node): boolean {
  return node.opType === "Convert" && node.inputs[0]?.initializer?.dtype === "float16" && strAttr(node, "destination_type", "") === "f32";
}

function inputsOf(node: Node): NdArray[] | undefined {
  if (node.opType === "ShapeOf") {
    const s = node.inputs[0]?.shape;
    if (!isStaticShape(s)) return undefined;
    const shape: NdArray = { dtype: "int64", dims: [s.length], data: BigInt64Array.from(s, (d) => BigInt(d)) };
    return strAttr(node, "output_type", "i64") === "i32" ? [{ dtype: "int32", dims: shape.dims, data: Float64Array.from(s) }] : [shape];
  }
  if (node.inputs.some((v) => v && !v.isInitializer)) return undefined;
  return node.inputs.map((v) => (v ? ndFromTensor(v.initializer!) : { dtype: "float32", dims: [0], data: new Float64Array(0) }));
}

/** Whether inference gives every output a known size within the limit (nothing is decoded or computed). */
function resultFits(kernel: OvOpDef, node: Node): boolean {
  if (node.inputs.some((v) => v && !v.initializer)) return false;
  try {
    const ports = node.inputs.map((v) => v?.initializer && constantPort(v.initializer));
    const types = kernel.infer(ports, { node, version: node.version ?? 1 });
    return types.every((t) => t.dims.every((d) => d >= 0) && shapeSize(t.dims) <= MAX_FOLDED_ELEMENTS);
  } catch {
    return false; // left for the run-time kernel (and its error, if any)
  }
}

export const foldConstantsPass: Pass = {
  name: "fold-constants-openvino",
  dialect: "openvino",
  description: "compute nodes whose inputs are all constants",
  run(model: Model): PassResult {
    const g = model.graph;
    let changed = false;
    for (const node of [...g.nodes]) {
      if (VALUE_DEPENDENT_DIMS[node.opType] || node.opType === "Parameter" || isDecompression(node)) continue;
      const kernel = openvinoOp(node.opType);
      const inputs = kernel && (node.opType === "ShapeOf" || resultFits(kernel, node)) ? inputsOf(node) : undefined;
      if (!kernel || !inputs) continue;
      if (node.opType === "ShapeOf") {
        // ShapeOf's result is the shape itself, not a kernel run on data.
        replaceOutputs(node, [inputs[0]!]);
        changed = true;
        continue;
      }
      let outs: NdArray[];
      try {
        outs = kernel.run(inputs, { node, version: node.version ?? 1 });
      } catch {
        continue; // left for the run-time kernel (and its error, if any)
      }
      if (outs.some((o) => shapeSize(o.dims) > MAX_FOLDED_ELEMENTS)) continue;
      replaceOutputs(node, outs);
      changed = true;
    }
    return { changed };
  },
};

function replaceOutputs(node: Node, outs: readonly NdArray[]): void {
  const g = node.graph!;
  node.outputs.forEach((v, i) => {
    if (!v) return;
    const t = ndToTensor(outs[i]!);
    const c = g.newValue(v.name, tensorType(t.dtype, t.dims));
    t.name = c.name;
    g.addInitializer(c, t);
    g.replaceValue(v, c);
  });
  g.removeNode(node, { force: true });
}
