/**
 * Rewrites of layers MYRIAD refuses into layers it runs, each with identical semantics
 * (verified numerically by the interpreter in test/lint/rules.test.ts). Keyed by the rewrite
 * names of the capability table. Each says first whether this instance can be rewritten
 * (`check`, which builds nothing), then builds the replacement outputs.
 */
import type { DTypeName } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import type { Value } from "../../ir/value.js";
import type { OvBuilder } from "../../lower/builder.js";
import { intAttr, intsAttr, strAttr } from "../../ops/openvino/op-def.js";
import { rankOf, staticDims, type ValueFacts } from "../../passes/rewrite/facts.js";
import type { WhyNot } from "../../passes/rewrite/rule.js";

export interface MyriadRewrite {
  check?(node: Node, facts: ValueFacts): WhyNot;
  build(b: OvBuilder, node: Node, facts: ValueFacts): (Value | undefined)[];
}

const numpy = { auto_broadcast: "numpy" };
const dtypeOf = (v: Value | undefined): DTypeName => v?.dtype ?? "float32";
const scalarOf = (v: Value | undefined): number | undefined =>
  v?.initializer && v.initializer.size === 1 ? v.initializer.toFloat32()[0] : undefined;

function scalar(b: OvBuilder, name: string, value: number, like: Value): Value {
  return b.floats(name, [value], dtypeOf(like), []);
}

/** Reshape → Transpose → Reshape with static shapes. */
function shuffle(b: OvBuilder, x: Value, split: number[], perm: number[], out: number[]): Value {
  const r = b.one("Reshape", 1, [x, b.i64("split", split)], { special_zero: false });
  const t = b.one("Transpose", 1, [r, b.i64("perm", perm)]);
  return b.one("Reshape", 1, [t, b.i64("shape", out)], { special_zero: false });
}

const NOT_STATIC = "the shape of its input is not static";

const depthSpace: MyriadRewrite = {
  check: (node, facts) => (staticDims(facts, node.inputs[0])?.length === 4 ? undefined : "its input is not a static 4-D tensor"),
  build(b, node, facts) {
    const [n, c, h, w] = staticDims(facts, node.inputs[0]) as [number, number, number, number];
    const bs = intAttr(node, "block_size", 1);
    const blocksFirst = strAttr(node, "mode", "blocks_first") === "blocks_first";
    const x = node.inputs[0]!;
    if (node.opType === "DepthToSpace") {
      const co = c / (bs * bs);
      return blocksFirst
        ? [shuffle(b, x, [n, bs, bs, co, h, w], [0, 3, 4, 1, 5, 2], [n, co, h * bs, w * bs])]
        : [shuffle(b, x, [n, co, bs, bs, h, w], [0, 1, 4, 2, 5, 3], [n, co, h * bs, w * bs])];
    }
    const split = [n, c, h / bs, bs, w / bs, bs];
    return [shuffle(b, x, split, blocksFirst ? [0, 3, 5, 1, 2, 4] : [0, 1, 3, 5, 2, 4], [n, c * bs * bs, h / bs, w / bs])];
  },
};

export const MYRIAD_REWRITES: Readonly<Record<string, MyriadRewrite>> = {
  // HardSigmoid(x, α, β) = clamp(α·x + β, 0, 1); HSigmoid(x) = clamp(x + 3, 0, 6) / 6.
  "hard-sigmoid": {
    build(b, node) {
      const x = node.inputs[0]!;
      if (node.opType === "HSigmoid") {
        const c = b.one("Clamp", 1, [b.one("Add", 1, [x, scalar(b, "three", 3, x)], numpy)], { min: 0, max: 6 });
        return [b.one("Multiply", 1, [c, scalar(b, "sixth", 1 / 6, x)], numpy)];
      }
      const y = b.one("Add", 1, [b.one("Multiply", 1, [x, node.inputs[1]!], numpy), node.inputs[2]!], numpy);
      return [b.one("Clamp", 1, [y], { min: 0, max: 1 })];
    },
  },
  // log softmax = (x − max) − log Σ exp(x − max), along `axis`.
  "log-softmax": {
    check: (node, facts) => (rankOf(facts, node.inputs[0]) === undefined ? "the rank of its input is not known" : undefined),
    build(b, node, facts) {
      const x = node.inputs[0]!;
      const rank = rankOf(facts, x)!;
      const a = intAttr(node, "axis", 1);
      const axis = b.i64("axis", [a < 0 ? a + rank : a]);
      const d = b.one("Subtract", 1, [x, b.one("ReduceMax", 1, [x, axis], { keep_dims: true })], numpy);
      const l = b.one("Log", 1, [b.one("ReduceSum", 1, [b.one("Exp", 1, [d]), axis], { keep_dims: true })]);
      return [b.one("Subtract", 1, [d, l], numpy)];
    },
  },
  negative: {
    build(b, node) {
      const x = node.inputs[0]!;
      const minusOne = dtypeOf(x).startsWith("float") ? scalar(b, "minus_one", -1, x) : b.i64("minus_one", [-1], []);
      return [b.one("Multiply", 1, [x, minusOne], numpy)];
    },
  },
  // Selu(x, α, λ) = λ·Elu(x, α): Elu takes α as an attribute, so α must be a constant scalar.
  selu: {
    check(node, facts) {
      const alpha = node.inputs[1];
      const dims = alpha ? facts.type(alpha)?.dims : undefined;
      if (!alpha || !facts.isConstant(alpha)) return "its alpha is computed at run time (Elu needs it as a constant)";
      return dims && dims.every((d) => d === 1) ? undefined : "its alpha is not a single value";
    },
    build(b, node) {
      const elu = b.one("Elu", 1, [node.inputs[0]!], { alpha: scalarOf(node.inputs[1])! });
      return [b.one("Multiply", 1, [elu, node.inputs[2]!], numpy)];
    },
  },
  softsign: {
    build(b, node) {
      const x = node.inputs[0]!;
      return [b.one("Divide", 1, [x, b.one("Add", 1, [b.one("Abs", 1, [x]), scalar(b, "one", 1, x)], numpy)], numpy)];
    },
  },
  "depth-space": depthSpace,
  "shuffle-channels": {
    check: (node, facts) => (staticDims(facts, node.inputs[0]) ? undefined : NOT_STATIC),
    build(b, node, facts) {
      const dims = staticDims(facts, node.inputs[0])!;
      const a = intAttr(node, "axis", 1);
      const axis = a < 0 ? a + dims.length : a;
      const group = intAttr(node, "group", 1);
      const split = [...dims.slice(0, axis), group, dims[axis]! / group, ...dims.slice(axis + 1)];
      const perm = split.map((_, i) => (i === axis ? axis + 1 : i === axis + 1 ? axis : i));
      return [shuffle(b, node.inputs[0]!, split, perm, dims)];
    },
  },
  // ReduceL1 = Σ|x|; ReduceL2 = sqrt(Σx²).
  "reduce-lp": {
    build(b, node) {
      const x = node.inputs[0]!;
      const keep = { keep_dims: strAttr(node, "keep_dims", "false") };
      if (node.opType === "ReduceL1") return [b.one("ReduceSum", 1, [b.one("Abs", 1, [x]), node.inputs[1]!], keep)];
      return [b.one("Sqrt", 1, [b.one("ReduceSum", 1, [b.one("Multiply", 1, [x, x], numpy), node.inputs[1]!], keep)])];
    },
  },
};

/** Why a MaxPool-8 cannot become MaxPool-1 (which has neither indices nor dilations). */
export function whyNotMaxPoolV1(node: Node): WhyNot {
  if (node.outputs[1]?.uses.length || node.outputs[1]?.isGraphOutput()) return "its indices output is used, which MaxPool-1 does not have";
  if (intsAttr(node, "dilations", [1]).some((d) => d !== 1)) return "it is dilated, which MaxPool-1 is not";
  return undefined;
}

/** MaxPool-8 without dilations and without its indices output is MaxPool-1. */
export function maxPoolV1(b: OvBuilder, node: Node): Value {
  const attrs = Object.fromEntries(
    ["strides", "pads_begin", "pads_end", "kernel", "rounding_type", "auto_pad"]
      .map((k) => [k, strAttr(node, k, "")])
      .filter(([, v]) => v !== ""),
  );
  return b.one("MaxPool", 1, [node.inputs[0]!], attrs);
}
