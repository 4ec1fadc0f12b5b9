/**
 * Ops that do not exist at the target op set, rewritten into older ops with the same
 * semantics. Each entry builds the replacement in front of the node, moves the node's users
 * to it and removes the node, or says why it cannot.
 */
import { attr } from "../../../ir/attribute.js";
import { dtypeToOnnx } from "../../../ir/dtype.js";
import type { Value } from "../../../ir/value.js";
import { normalizeAxis } from "../../../ops/onnx/op-def.js";
import type { Adapter } from "./adapters.js";
import { Emitter } from "./emitter.js";

/** ReduceMean over `axes` with keepdims, in the form the target op set takes. */
function reduceMean(e: Emitter, x: Value, axes: number[]): Value {
  if (e.version >= 18) return e.one("ReduceMean", [x, e.ints("axes", axes)], { keepdims: attr.int(1) });
  return e.one("ReduceMean", [x], { axes: attr.ints(axes), keepdims: attr.int(1) });
}

function finish(e: Emitter, from: Value | undefined, to: Value): undefined {
  if (from) e.replace(from, to);
  e.graph.removeNode(e.anchor, { force: true });
  return undefined;
}

const usedOutputs = (outs: readonly (Value | undefined)[]) => outs.some((v) => v && (v.uses.length > 0 || v.isGraphOutput()));

/** HardSwish(x) = x · HardSigmoid(x; α=1/6, β=1/2). */
const hardSwish: Adapter = ({ graph, node, target }) => {
  const e = new Emitter(graph, node, target);
  const x = node.inputs[0]!;
  const hs = e.one("HardSigmoid", [x], { alpha: attr.float(1 / 6), beta: attr.float(0.5) });
  return finish(e, node.outputs[0], e.one("Mul", [x, hs]));
};

/** Mish(x) = x · tanh(softplus(x)). */
const mish: Adapter = ({ graph, node, target }) => {
  const e = new Emitter(graph, node, target);
  const x = node.inputs[0]!;
  return finish(e, node.outputs[0], e.one("Mul", [x, e.one("Tanh", [e.one("Softplus", [x])])]));
};

/** Swish(x) = x · sigmoid(αx). */
const swish: Adapter = ({ graph, node, target }) => {
  const x = node.inputs[0]!;
  if (x.dtype && x.dtype !== "float32") return `only float32 Swish is decomposed (input is ${x.dtype})`;
  const e = new Emitter(graph, node, target);
  const alpha = node.getFloat("alpha", 1);
  const scaled = alpha === 1 ? x : e.one("Mul", [x, e.scalarLike("alpha", alpha, x.dtype)]);
  return finish(e, node.outputs[0], e.one("Mul", [x, e.one("Sigmoid", [scaled])]));
};

/** Gelu: 0.5·x·(1 + erf(x/√2)), or the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
const gelu: Adapter = ({ graph, node, target }) => {
  const x = node.inputs[0]!;
  if (x.dtype && x.dtype !== "float32") return `only float32 Gelu is decomposed (input is ${x.dtype})`;
  const e = new Emitter(graph, node, target);
  const k = (name: string, v: number) => e.floats(name, [v], []);
  let inner: Value;
  if (node.getString("approximate", "none") === "tanh") {
    const cube = e.one("Mul", [e.one("Mul", [x, x]), x]);
    const poly = e.one("Add", [x, e.one("Mul", [cube, k("c", 0.044715)])]);
    inner = e.one("Tanh", [e.one("Mul", [poly, k("sqrt_2_over_pi", Math.sqrt(2 / Math.PI))])]);
  } else {
    inner = e.one("Erf", [e.one("Div", [x, k("sqrt2", Math.SQRT2)])]);
  }
  const y = e.one("Mul", [e.one("Mul", [x, e.one("Add", [inner, k("one", 1)])]), k("half", 0.5)]);
  return finish(e, node.outputs[0], y);
};

/** LayerNormalization over axes [axis, rank): (x − mean) / √(var + ε) · scale + bias. */
const layerNorm: Adapter = ({ graph, node, target }) => {
  if (usedOutputs(node.outputs.slice(1))) return "its Mean/InvStdDev outputs are used";
  const x = node.inputs[0]!;
  const rank = x.shape?.length;
  if (rank === undefined) return "the input's rank is unknown (run with --input-shape so shapes can be inferred)";
  if (x.dtype && x.dtype !== "float32") return `only float32 LayerNormalization is decomposed (input is ${x.dtype})`;
  const axis = normalizeAxis(node.getInt("axis", -1), rank);
  const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
  const e = new Emitter(graph, node, target);
  const mean = reduceMean(e, x, axes);
  const d = e.one("Sub", [x, mean]);
  const variance = reduceMean(e, e.one("Mul", [d, d]), axes);
  const std = e.one("Sqrt", [e.one("Add", [variance, e.floats("epsilon", [node.getFloat("epsilon", 1e-5)], [])])]);
  let y = e.one("Mul", [e.one("Div", [d, std]), node.inputs[1]!]);
  if (node.inputs[2]) y = e.one("Add", [y, node.inputs[2]]);
  return finish(e, node.outputs[0], y);
};

/**
 * GroupNormalization: normalise over each group of C/G channels (and all spatial positions),
 * then scale and shift per channel. Scale/bias are per group in GroupNormalization-18 and per
 * channel from 21; per-group constants are expanded to channels here.
 */
const groupNorm: Adapter = ({ graph, node, target }) => {
  const x = node.inputs[0]!;
  const shape = x.shape;
  const groups = node.getInt("num_groups");
  if (!shape || shape.length < 3 || typeof shape[1] !== "number")
    return "GroupNormalization needs the input rank and channel count (run with --input-shape)";
  if (x.dtype && x.dtype !== "float32") return `only float32 GroupNormalization is decomposed (input is ${x.dtype})`;
  if (groups === undefined || shape[1] % groups !== 0) return "num_groups does not divide the channel count";
  const channels = shape[1];
  const perChannel = (v: Value | undefined, name: string): number[] | undefined => {
    const t = v?.initializer;
    if (!t || v!.isGraphInput() || t.dtype !== "float32") return undefined;
    const values = Array.from(t.toFloat32());
    if (values.length === channels) return values;
    if (values.length === groups) return Array.from({ length: channels }, (_, c) => values[Math.floor(c / (channels / groups))]!);
    void name;
    return undefined;
  };
  const scale = perChannel(node.inputs[1], "scale");
  const bias = perChannel(node.inputs[2], "bias");
  if (!scale || !bias) return "its scale and bias must be float32 constants";
  const rank = shape.length;
  const e = new Emitter(graph, node, target);
  // [N, C, ...] → [N, G, C/G·…]: 0 copies N, -1 takes the rest.
  const grouped = e.one("Reshape", [x, e.ints("grouped", [0, groups, -1])]);
  const mean = reduceMean(e, grouped, [2]);
  const d = e.one("Sub", [grouped, mean]);
  const variance = reduceMean(e, e.one("Mul", [d, d]), [2]);
  const norm = e.one("Div", [d, e.one("Sqrt", [e.one("Add", [variance, e.floats("epsilon", [node.getFloat("epsilon", 1e-5)], [])])])]);
  const restored = e.one("Reshape", [norm, e.one("Shape", [x])]);
  const bcast = [channels, ...new Array<number>(rank - 2).fill(1)];
  const y = e.one("Add", [e.one("Mul", [restored, e.floats("scale", scale, bcast)]), e.floats("bias", bias, bcast)]);
  return finish(e, node.outputs[0], y);
};

/** CastLike(x, like) = Cast(x, to = like's element type). */
const castLike: Adapter = ({ graph, node, target }) => {
  const to = node.inputs[1]?.dtype;
  if (!to) return "the target type (input 1) is unknown";
  const e = new Emitter(graph, node, target);
  return finish(e, node.outputs[0], e.one("Cast", [node.inputs[0]], { to: attr.int(dtypeToOnnx(to)) }));
};

/** Celu(x) = max(0, x) + min(0, α·(exp(x/α) − 1)). */
const celu: Adapter = ({ graph, node, target }) => {
  const x = node.inputs[0]!;
  if (x.dtype && x.dtype !== "float32") return `only float32 Celu is decomposed (input is ${x.dtype})`;
  const alpha = node.getFloat("alpha", 1);
  const e = new Emitter(graph, node, target);
  const k = (name: string, v: number) => e.floats(name, [v], []);
  const neg = e.one("Mul", [e.one("Sub", [e.one("Exp", [e.one("Div", [x, k("alpha", alpha)])]), k("one", 1)]), k("alpha_again", alpha)]);
  return finish(e, node.outputs[0], e.one("Add", [e.one("Relu", [x]), e.one("Min", [neg, k("zero", 0)])]));
};

/** a ≥ b  ⇔  a > b or a = b (exact, NaN included); likewise ≤. */
function orEqual(strict: "Greater" | "Less"): Adapter {
  return ({ graph, node, target }) => {
    const [a, b] = node.inputs;
    const e = new Emitter(graph, node, target);
    return finish(e, node.outputs[0], e.one("Or", [e.one(strict, [a, b]), e.one("Equal", [a, b])]));
  };
}

export const DECOMPOSITIONS: Readonly<Record<string, Adapter>> = {
  HardSwish: hardSwish,
  Mish: mish,
  Swish: swish,
  Gelu: gelu,
  LayerNormalization: layerNorm,
  GroupNormalization: groupNorm,
  CastLike: castLike,
  Celu: celu,
  GreaterOrEqual: orEqual("Greater"),
  LessOrEqual: orEqual("Less"),
};
