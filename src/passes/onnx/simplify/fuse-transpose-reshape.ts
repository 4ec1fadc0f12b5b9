/**
 * Fuses chains of data-movement ops whose intermediate result nobody else reads:
 * Transpose(Transpose(x, p1), p2) → Transpose(x, p1∘p2), and Reshape(Reshape(x, s1), s2) →
 * Reshape(x, s2) (when s2 needs nothing from the intermediate shape: no 0 "copy" entries,
 * or a static intermediate shape to resolve them against).
 */
import { attr } from "../../../ir/attribute.js";
import type { Node } from "../../../ir/node.js";
import { isStaticShape } from "../../../ir/shape.js";
import { Tensor } from "../../../ir/tensor.js";
import { rewritePass } from "../../rewrite/pass.js";
import { defineRule } from "../../rewrite/rule.js";
import { constantOf, isOnnxDomain } from "../op-context.js";

/** The producer of a node's first input, when that input is read by this node only. */
function soleProducer(node: Node, opType: string): Node | undefined {
  const v = node.inputs[0];
  const p = v?.producer;
  if (!v || !p || p.opType !== opType || !isOnnxDomain(p) || p.graph !== node.graph) return undefined;
  if (v.uses.length !== 1 || v.isGraphOutput()) return undefined;
  return p;
}

const fuseTransposes = defineRule({
  name: "fuse-transposes",
  opTypes: ["Transpose"],
  match(node) {
    const inner = isOnnxDomain(node) ? soleProducer(node, "Transpose") : undefined;
    return inner && { inner };
  },
  check(node, { inner }) {
    const p1 = inner.getInts("perm");
    const p2 = node.getInts("perm");
    if (!p1 || !p2) return "a permutation is implicit (the reversed axes of an input of unknown rank)";
    return p1.length === p2.length ? undefined : "the two permutations have different lengths";
  },
  rewrite(node, { inner }, ctx) {
    const p1 = inner.getInts("perm")!;
    const p2 = node.getInts("perm")!;
    // out[i] = mid[p2[i]] = x[p1[p2[i]]]
    node.setAttribute("perm", attr.ints(p2.map((i) => p1[i]!)));
    node.setInput(0, inner.inputs[0]);
    ctx.remove(inner);
    return { inPlace: true };
  },
});

/** The Reshape's target with any 0 ("copy this dim") resolved, when it can be. */
function fusedTarget(node: Node, inner: Node): { dims: number[]; resolved: boolean } | string {
  const target = constantOf(node.inputs[1]);
  if (!target) return "its target shape is computed at run time";
  if (node.getInt("allowzero", 0) === 1) return "it has allowzero=1";
  const dims = target.toBigInts().map(Number);
  if (!dims.includes(0)) return { dims, resolved: false };
  // 0 copies the intermediate's dim; resolve it when that shape is static.
  const mid = inner.outputs[0]?.shape;
  if (!isStaticShape(mid)) return "its target copies dims (0) of an intermediate shape that is not static";
  return { dims: dims.map((d, i) => (d === 0 ? mid[i]! : d)), resolved: true };
}

const fuseReshapes = defineRule({
  name: "fuse-reshapes",
  opTypes: ["Reshape"],
  match(node) {
    const inner = isOnnxDomain(node) ? soleProducer(node, "Reshape") : undefined;
    return inner && { inner };
  },
  check(node, { inner }) {
    const t = fusedTarget(node, inner);
    return typeof t === "string" ? t : undefined;
  },
  rewrite(node, { inner }, ctx) {
    const t = fusedTarget(node, inner) as { dims: number[]; resolved: boolean };
    if (t.resolved) {
      const dims = t.dims;
      node.setInput(
        1,
        ctx.constant(
          `${node.name || "reshape"}_shape`,
          Tensor.fromArray(
            "int64",
            [dims.length],
            BigInt64Array.from(dims, (d) => BigInt(d)),
          ),
        ),
      );
    }
    node.setInput(0, inner.inputs[0]);
    ctx.remove(inner);
    return { inPlace: true };
  },
});

export const fuseTransposeReshapePass = rewritePass({ name: "fuse-transpose-reshape", rules: [fuseTransposes, fuseReshapes] });
