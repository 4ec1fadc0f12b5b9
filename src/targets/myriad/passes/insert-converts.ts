/**
 * Convert insertion for MYRIAD's input-type rules: a layer that computes in FP16 only
 * (Subtract, Greater, Floor, Convolution … — stages/eltwise.cpp) but reads I32 data gets its
 * integer inputs converted to float (constants are re-typed directly), and, if it produced
 * integers, its result converted back. S32→FP16 and FP16→S32 are both legal Convert pairs.
 * Exact while the integers stay within ±2048 (FP16's exact-integer range).
 */
import type { DTypeName } from "../../../ir/dtype.js";
import type { Model } from "../../../ir/model.js";
import type { Node } from "../../../ir/node.js";
import { tensorType } from "../../../ir/types.js";
import type { Value } from "../../../ir/value.js";
import { OvBuilder } from "../../../lower/builder.js";
import { ndCast, ndFromTensor, ndToTensor } from "../../../ops/ndarray.js";
import { elementTypeOf } from "../../../ops/openvino/element-types.js";
import type { Pass, PassResult } from "../../../passes/pass.js";
import { capabilityOf } from "../capabilities.js";
import { myriadTypeOf } from "../types.js";

/** The float type the node's other inputs use (so the IR stays type-consistent), float32 by default. */
function floatTypeNear(node: Node): DTypeName {
  const f = node.inputs.find((v) => myriadTypeOf(v?.dtype) === "FP16");
  return f?.dtype ?? "float32";
}

function toFloat(b: OvBuilder, v: Value, dtype: DTypeName): Value {
  if (v.isInitializer) return b.constTensor("as_float", ndToTensor(ndCast(ndFromTensor(v.initializer!), dtype)));
  return b.one("Convert", 1, [v], { destination_type: elementTypeOf(dtype)! });
}

export const insertConvertsPass: Pass = {
  name: "insert-converts",
  dialect: "openvino",
  description: "convert I32 inputs of FP16-only MYRIAD layers to float (and the result back)",
  run(model: Model): PassResult {
    const g = model.graph;
    let changed = false;
    for (const node of [...g.nodes]) {
      const cap = capabilityOf(node.opType);
      if (!cap?.supported || !cap.inputTypes) continue;
      const needsFloat = Object.entries(cap.inputTypes).some(([port, allowed]) => {
        const t = myriadTypeOf(node.inputs[Number(port)]?.dtype);
        return t === "I32" && !allowed.includes("I32") && allowed.includes("FP16");
      });
      if (!needsFloat) continue;
      const b = new OvBuilder(g, node.name);
      const dtype = floatTypeNear(node);
      // Every integer data input goes to float: eltwise inputs must agree in type.
      node.inputs.forEach((v, i) => {
        if (v && myriadTypeOf(v.dtype) === "I32" && v.dtype !== "bool") node.setInput(i, toFloat(b, v, dtype));
      });
      for (const out of node.outputs) {
        const intType = out?.dtype;
        if (!out || !intType || myriadTypeOf(intType) !== "I32" || intType === "bool") continue;
        // The node now yields float; consumers keep receiving the integer type they had.
        const floatOut = g.newValue(`${out.name}/float`, tensorType(dtype, out.shape));
        node.setOutput(node.outputs.indexOf(out), floatOut);
        const back = b.one("Convert", 1, [floatOut], { destination_type: elementTypeOf(intType)! });
        g.replaceValue(out, back);
        back.type = out.type;
      }
      changed = true;
    }
    return { changed };
  },
};
