/**
 * No-op elimination: ops that provably return their input unchanged become Identity (which
 * the identity pass then removes, keeping graph-output names right):
 * Reshape/Expand/Flatten/Squeeze/Unsqueeze to the same static shape, Transpose with the
 * identity permutation, Cast to the same type, Pad with all-zero pads, Slice taking
 * everything with step 1, Tile with all-one repeats, Concat/Sum/Max/Min of a single input.
 */

import { dtypeFromOnnx } from "../../../ir/dtype.js";
import type { Node } from "../../../ir/node.js";
import { isStaticShape, shapesEqual } from "../../../ir/shape.js";
import { rewritePass } from "../../rewrite/pass.js";
import { defineRule } from "../../rewrite/rule.js";
import { constantOf, isOnnxDomain } from "../op-context.js";

function sameStaticShape(node: Node): boolean {
  const i = node.inputs[0]?.shape;
  const o = node.outputs[0]?.shape;
  return isStaticShape(i) && isStaticShape(o) && shapesEqual(i, o);
}

const allEqual = (values: readonly number[] | undefined, v: number) => values !== undefined && values.every((x) => x === v);
const constInts = (node: Node, i: number) => constantOf(node.inputs[i])?.toBigInts().map(Number);

/** Why each op is a no-op, as data: a predicate per op type. */
const NOOP_WHEN: Record<string, (node: Node) => boolean> = {
  Reshape: sameStaticShape,
  Expand: sameStaticShape,
  Flatten: sameStaticShape,
  Squeeze: sameStaticShape,
  Unsqueeze: sameStaticShape,
  Transpose: (n) => {
    const perm = n.getInts("perm");
    const rank = n.inputs[0]?.shape?.length;
    return perm !== undefined ? perm.every((p, i) => p === i) : rank !== undefined && rank <= 1;
  },
  Cast: (n) => {
    const to = n.getInt("to");
    return to !== undefined && n.inputs[0]?.dtype !== undefined && dtypeFromOnnx(to) === n.inputs[0].dtype;
  },
  Pad: (n) => {
    const pads = n.version !== undefined && n.version < 11 ? n.getInts("pads") : constInts(n, 1);
    return allEqual(pads, 0) && (n.version === undefined || n.version < 18 || !n.inputs[3] || constInts(n, 3) !== undefined);
  },
  Slice: (n) => {
    if (!sameStaticShape(n)) return false;
    const steps = n.version !== undefined && n.version >= 10 && n.inputs[4] ? constInts(n, 4) : [];
    return steps !== undefined && steps.every((s) => s === 1);
  },
  Tile: (n) => allEqual(constInts(n, 1), 1),
  Concat: (n) => n.inputs.filter(Boolean).length === 1,
  Sum: (n) => n.inputs.length === 1,
  Max: (n) => n.inputs.length === 1,
  Min: (n) => n.inputs.length === 1,
  Mean: (n) => n.inputs.length === 1,
};

const noop = defineRule({
  name: "noop",
  opTypes: Object.keys(NOOP_WHEN),
  match(node) {
    const when = NOOP_WHEN[node.opType];
    return isOnnxDomain(node) && node.inputs[0] && when?.(node) ? true : undefined;
  },
  check(node) {
    // Same value out as in: an Identity (the input's dtype must be what consumers expect).
    const out = node.outputs[0]?.dtype;
    const x = node.inputs[0]!.dtype;
    return out && x && out !== x ? `it returns its input as ${out}, not ${x}` : undefined;
  },
  rewrite(node) {
    node.opType = "Identity";
    node.attributes.clear();
    node.truncateInputs(1);
    return { inPlace: true };
  },
});

export const noopPass = rewritePass({ name: "noop", rules: [noop] });
