/**
 * Illegal Convert pairs become chains of legal ones (stages/convert.cpp implements U8→FP16,
 * FP16↔S32, S32→FP16, S32→U8): U8→S32 goes through FP16, FP16→U8 through S32.
 */
import type { DTypeName } from "../../../ir/dtype.js";
import type { Model } from "../../../ir/model.js";
import { OvBuilder } from "../../../lower/builder.js";
import { dtypeFromElementType, elementTypeOf } from "../../../ops/openvino/element-types.js";
import { strAttr } from "../../../ops/openvino/op-def.js";
import type { Pass, PassResult } from "../../../passes/pass.js";
import { convertChain, isLegalConvert, type MyriadType, myriadTypeOf } from "../types.js";

/** The IR dtype standing for a device type in the middle of a chain (floats stay float32, as the IR's other floats). */
const STEP_DTYPE: Readonly<Record<MyriadType, DTypeName>> = { FP16: "float32", I32: "int32", U8: "uint8" };

export const legalConvertsPass: Pass = {
  name: "legal-converts",
  dialect: "openvino",
  description: "replace Convert pairs MYRIAD lacks by chains of legal ones",
  run(model: Model): PassResult {
    let changed = false;
    for (const node of [...model.graph.nodes]) {
      if (node.opType !== "Convert") continue;
      const from = myriadTypeOf(node.inputs[0]?.dtype);
      const target = dtypeFromElementType(strAttr(node, "destination_type", ""));
      const to = myriadTypeOf(target);
      if (!from || !to || isLegalConvert(from, to)) continue;
      const chain = convertChain(from, to);
      if (!chain) continue;
      const b = new OvBuilder(model.graph, node.name);
      let x = node.inputs[0]!;
      for (const step of chain.slice(0, -1)) x = b.one("Convert", 1, [x], { destination_type: elementTypeOf(STEP_DTYPE[step])! });
      node.setInput(0, x);
      changed = true;
    }
    return { changed };
  },
};
