/**
 * Constant folding in the OpenVINO dialect: a node whose inputs are all constants (or a
 * ShapeOf of a statically shaped value) is computed once with the interpreter's kernel and
 * replaced by Const values. MYRIAD has no Range layer, and constant sizes/axes are what its
 * Interpolate, Gather and TopK stages need. As a rewrite rule, folding one node puts its
 * readers back on the driver's list, so a whole constant chain folds in one run.
 */
import type { Node } from "../../ir/node.js";
import { shapeSize } from "../../ir/shape.js";
import { type NdArray, ndFromTensor, ndToTensor } from "../../ops/ndarray.js";
import { constantPort, type OvOpDef, type OvPortType, strAttr } from "../../ops/openvino/op-def.js";
import { openvinoOp } from "../../ops/openvino/registry.js";
import { VALUE_DEPENDENT_DIMS } from "../../ops/openvino/value-dependent-dims.js";
import { formatBytes, maxTensorBytes, tensorBytes } from "../../util/limits.js";
import { staticDims, type ValueFacts } from "../rewrite/facts.js";
import { type RewritePass, rewritePass } from "../rewrite/pass.js";
import { defineRule } from "../rewrite/rule.js";

/** Larger results stay computed at run time rather than bloating the weights. */
const MAX_FOLDED_ELEMENTS = 1 << 20;

/** FP16-compressed weights (Const f16 → Convert f32, as Model Optimizer writes them) stay compressed. */
function isDecompression(node: Node): boolean {
  return node.opType === "Convert" && node.inputs[0]?.initializer?.dtype === "float16" && strAttr(node, "destination_type", "") === "f32";
}

/** Why the node is not something to fold, before any input is looked at in detail. */
function notFoldable(node: Node, facts: ValueFacts): string | undefined {
  if (node.opType === "Parameter") return "it is a model input";
  if (VALUE_DEPENDENT_DIMS[node.opType]) return `the size of its result depends on the data`;
  if (!openvinoOp(node.opType)) return `there is no kernel to compute ${node.opType} ahead of time`;
  if (isDecompression(node)) return "FP16-compressed weights stay compressed";
  if (node.opType === "ShapeOf") return undefined;
  const port = node.inputs.findIndex((v) => v !== undefined && !facts.isConstant(v));
  return port < 0 ? undefined : `input ${port} (${JSON.stringify(node.inputs[port]!.name)}) is computed at run time`;
}

/**
 * Why the node's result is not folded, told by shape inference before any input is decoded
 * beyond the few values that decide shapes and before anything is computed; undefined when
 * every output has a known size within the limit.
 */
function resultTooLarge(node: Node, kernel: OvOpDef): string | undefined {
  let types: OvPortType[];
  try {
    const ports = node.inputs.map((v) => v?.initializer && constantPort(v.initializer));
    types = kernel.infer(ports, { node, version: node.version ?? 1 });
  } catch (e) {
    return `its kernel cannot compute these inputs (${e instanceof Error ? e.message : String(e)})`;
  }
  for (const t of types) {
    if (t.dims.some((d) => d < 0)) return "the size of its result is only known at run time";
    const n = shapeSize(t.dims);
    if (n > MAX_FOLDED_ELEMENTS) return `its result has ${n} elements, more than the ${MAX_FOLDED_ELEMENTS} folded ahead of time`;
    if (tensorBytes(t.dtype, t.dims) > maxTensorBytes())
      return `its result would be larger than the per-tensor limit (${formatBytes(maxTensorBytes())})`;
  }
  return undefined;
}

function shapeAsInput(node: Node, dims: readonly number[]): NdArray {
  return strAttr(node, "output_type", "i64") === "i32"
    ? { dtype: "int32", dims: [dims.length], data: Float64Array.from(dims) }
    : { dtype: "int64", dims: [dims.length], data: BigInt64Array.from(dims, (d) => BigInt(d)) };
}

const foldConstant = defineRule({
  name: "fold-constant",
  match(node, facts) {
    return notFoldable(node, facts) === undefined ? true : undefined;
  },
  check(node, _m, facts) {
    if (node.opType === "ShapeOf" && !staticDims(facts, node.inputs[0])) return "the shape of its input is not static";
    return undefined;
  },
  rewrite(node, _m, ctx) {
    let outs: NdArray[];
    if (node.opType === "ShapeOf") {
      // ShapeOf's result is the shape itself, not a kernel run on data.
      outs = [shapeAsInput(node, staticDims(ctx.facts, node.inputs[0])!)];
    } else {
      const kernel = openvinoOp(node.opType)!;
      const tooLarge = resultTooLarge(node, kernel);
      if (tooLarge) return tooLarge;
      const inputs = node.inputs.map((v) =>
        v ? ndFromTensor(v.initializer!) : { dtype: "float32" as const, dims: [0], data: new Float64Array(0) },
      );
      try {
        outs = kernel.run(inputs, { node, version: node.version ?? 1 });
      } catch (e) {
        return `its kernel cannot compute these inputs (${e instanceof Error ? e.message : String(e)})`;
      }
    }
    const big = outs.find((o) => shapeSize(o.dims) > MAX_FOLDED_ELEMENTS);
    if (big) return `its result has ${shapeSize(big.dims)} elements, more than the ${MAX_FOLDED_ELEMENTS} folded ahead of time`;
    return { replaceWith: node.outputs.map((v, i) => (v ? ctx.constant(v.name, ndToTensor(outs[i]!)) : undefined)) };
  },
});

export const foldConstantsPass: RewritePass = rewritePass({
  name: "fold-constants-openvino",
  rules: [foldConstant],
  unmatched: (node, facts) => notFoldable(node, facts) ?? "it is not foldable",
});

/** Undefined when legalization folds `node` into constants; otherwise why not. */
export function canFold(node: Node, facts: ValueFacts): string | undefined {
  return foldConstantsPass.canFix(node, facts);
}
