/**
 * Illegal Convert pairs become chains of legal ones (stages/convert.cpp implements U8→FP16,
 * FP16↔S32, S32→FP16, S32→U8): U8→S32 goes through FP16, FP16→U8 through S32.
 */
import type { DTypeName } from "../../../ir/dtype.js";
import { dtypeFromElementType, elementTypeOf } from "../../../ops/openvino/element-types.js";
import { strAttr } from "../../../ops/openvino/op-def.js";
import { type RewritePass, rewritePass } from "../../../passes/rewrite/pass.js";
import { defineRule } from "../../../passes/rewrite/rule.js";
import { convertChain, isLegalConvert, type MyriadType, myriadTypeOf } from "../types.js";

/** The IR dtype standing for a device type in the middle of a chain (floats stay float32, as the IR's other floats). */
const STEP_DTYPE: Readonly<Record<MyriadType, DTypeName>> = { FP16: "float32", I32: "int32", U8: "uint8" };

const plugName = (t: MyriadType) => (t === "I32" ? "S32" : t);

const chainConverts = defineRule({
  name: "chain-legal-converts",
  opTypes: ["Convert"],
  match(node, facts) {
    const x = node.inputs[0];
    const from = myriadTypeOf(x ? facts.type(x)?.dtype : undefined);
    const to = myriadTypeOf(dtypeFromElementType(strAttr(node, "destination_type", "")));
    return from && to && !isLegalConvert(from, to) ? { from, to } : undefined;
  },
  check: (_node, { from, to }) =>
    convertChain(from, to) ? undefined : `no chain of legal Converts leads from ${plugName(from)} to ${plugName(to)}`,
  rewrite(node, { from, to }, ctx) {
    const b = ctx.ov();
    let x = node.inputs[0]!;
    for (const step of convertChain(from, to)!.slice(0, -1))
      x = b.one("Convert", 1, [x], { destination_type: elementTypeOf(STEP_DTYPE[step])! });
    node.setInput(0, x);
    return { inPlace: true };
  },
});

export const legalConvertsPass: RewritePass = rewritePass({
  name: "legal-converts",
  rules: [chainConverts],
  noteSkips: true,
  unmatched: (node) => `${node.opType} is not a Convert between device types MYRIAD lacks`,
});
