/**
 * How to take a node below one of its op's schema changes, as a table keyed `Op@version`
 * (the op set at which the newer schema appeared). Crossing a change with no entry here is a
 * type-only change: allowed as long as the node's types existed before (checked generically in
 * downgrade.ts). An adapter rewrites the node in place, or says why it cannot.
 */
import { attr } from "../../../ir/attribute.js";
import type { Graph } from "../../../ir/graph.js";
import type { Node } from "../../../ir/node.js";
import { isStaticShape } from "../../../ir/shape.js";
import { Tensor } from "../../../ir/tensor.js";
import type { Value } from "../../../ir/value.js";
import { normalizeAxis, tensorInts } from "../../../ops/onnx/op-def.js";
import { constantOf } from "../op-context.js";
import { Emitter } from "./emitter.js";

export interface AdaptContext {
  readonly graph: Graph;
  readonly node: Node;
  /** The op set being lowered to. */
  readonly target: number;
}

/** undefined when done; a sentence saying why not otherwise. */
export type AdaptOutcome = string | undefined;

export type Adapter = (ctx: AdaptContext) => AdaptOutcome;

function constIntsOf(v: Value | undefined): number[] | undefined {
  const t = constantOf(v);
  return t ? tensorInts(t) : undefined;
}

/** Moves an int-list input (axes, split) into the attribute of the same name. */
function inputToAttribute(index: number, name: string): Adapter {
  return ({ node }) => {
    const v = node.inputs[index];
    if (!v) return undefined;
    const values = constIntsOf(v);
    if (!values) return `its ${name} come from a computed value; only constant ${name} can become an attribute`;
    node.setAttribute(name, attr.ints(values));
    node.setInput(index, undefined);
    node.truncateInputs(lastPresent(node) + 1);
    return undefined;
  };
}

function lastPresent(node: Node): number {
  let i = node.inputs.length - 1;
  while (i >= 0 && !node.inputs[i]) i--;
  return i;
}

/** Reductions whose axes moved from attribute to input (ReduceSum at 13, the others at 18). */
const reduceAxesToAttribute: Adapter = (ctx) => {
  const { node } = ctx;
  const noop = node.getInt("noop_with_empty_axes", 0) === 1;
  const axes = node.inputs[1] ? constIntsOf(node.inputs[1]) : [];
  if (axes === undefined) return "its axes come from a computed value; only constant axes can become an attribute";
  node.attributes.delete("noop_with_empty_axes");
  if (axes.length === 0 && noop) {
    // With no axes and noop_with_empty_axes the reduction is an identity.
    node.opType = "Identity";
    node.attributes.clear();
    node.truncateInputs(1);
    return undefined;
  }
  node.truncateInputs(1);
  if (axes.length > 0) node.setAttribute("axes", attr.ints(axes));
  return undefined;
};

/** An attribute that did not exist before: allowed only at its default, then removed. */
function unsupportedAttribute(name: string, allowed: (node: Node) => boolean, why: string): Adapter {
  return ({ node }) => {
    if (node.attributes.has(name) && !allowed(node)) return why;
    node.attributes.delete(name);
    return undefined;
  };
}

/** An attribute that existed before but gained values: refuse the new values, keep the attribute. */
function newAttributeValue(allowed: (node: Node) => boolean, why: string): Adapter {
  return ({ node }) => (allowed(node) ? undefined : why);
}

/** Softmax-family before 13 coerces the input to 2-D at `axis`; from 13 on it works along one axis. */
const softmaxAxis: Adapter = ({ graph, node, target }) => {
  const rank = node.inputs[0]?.shape?.length;
  if (rank === undefined) return "the input's rank is unknown (run with --input-shape so shapes can be inferred)";
  const axis = normalizeAxis(node.getInt("axis", -1), rank);
  if (axis === rank - 1) {
    // Along the last axis the 2-D coercion is the same computation.
    node.setAttribute("axis", attr.int(rank - 1));
    return undefined;
  }
  // Otherwise move the axis last, apply along it, and move it back.
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[axis] = rank - 1;
  perm[rank - 1] = axis;
  const e = new Emitter(graph, node, target);
  const moved = e.one("Transpose", [node.inputs[0]], { perm: attr.ints(perm) });
  const applied = e.one(node.opType, [moved], { axis: attr.int(rank - 1) });
  const back = e.one("Transpose", [applied], { perm: attr.ints(perm) });
  e.replace(node.outputs[0]!, back);
  graph.removeNode(node, { force: true });
  return undefined;
};

/** Resize before 13 requires the roi and scales inputs (empty tensors when unused). */
const resizeRequiredInputs: Adapter = ({ graph, node, target }) => {
  const e = new Emitter(graph, node, target);
  if (!node.inputs[1]) node.setInput(1, e.floats("roi", [], [0]));
  if (!node.inputs[2]) node.setInput(2, e.floats("scales", [], [0]));
  return undefined;
};

const resize18: Adapter = ({ graph, node, target }) => {
  if (node.getInt("antialias", 0) !== 0) return "antialias=1 did not exist before Resize-18";
  if (node.getString("keep_aspect_ratio_policy", "stretch") !== "stretch") return "keep_aspect_ratio_policy did not exist before Resize-18";
  const axes = node.getInts("axes");
  node.attributes.delete("antialias");
  node.attributes.delete("keep_aspect_ratio_policy");
  node.attributes.delete("axes");
  if (!axes) return undefined;
  // Expand scales/sizes given for some axes to every axis.
  const rank = node.inputs[0]?.shape?.length;
  if (rank === undefined) return "Resize-18 `axes` needs the input rank, which is unknown";
  const e = new Emitter(graph, node, target);
  const scales = constantOf(node.inputs[2]);
  const sizes = constIntsOf(node.inputs[3]);
  const norm = axes.map((a) => (a < 0 ? a + rank : a));
  // tf_crop_and_resize's roi lists [starts…, ends…] of the given axes: widen it to every axis.
  const roi = constantOf(node.inputs[1]);
  if (roi && roi.size === 2 * norm.length) {
    const r = roi.toFloat32();
    const full = [
      ...Array.from({ length: rank }, (_, i) => (norm.includes(i) ? r[norm.indexOf(i)]! : 0)),
      ...Array.from({ length: rank }, (_, i) => (norm.includes(i) ? r[norm.length + norm.indexOf(i)]! : 1)),
    ];
    node.setInput(1, e.floats("roi", full));
  } else if (node.inputs[1] && !roi) return "Resize-18 `axes` with a computed roi cannot be expanded";
  if (scales && scales.size > 0) {
    const s = scales.toFloat32();
    const full = Array.from({ length: rank }, (_, i) => (norm.includes(i) ? s[norm.indexOf(i)]! : 1));
    node.setInput(2, e.floats("scales", full));
  } else if (sizes) {
    const shape = node.inputs[0]!.shape!;
    if (!isStaticShape(shape)) return "Resize-18 `axes` with `sizes` needs the input shape, which is not static";
    const full = shape.map((d, i) => (norm.includes(i) ? sizes[norm.indexOf(i)]! : d));
    node.setInput(3, e.ints("sizes", full));
  } else return "Resize-18 `axes` with computed scales/sizes cannot be expanded";
  return undefined;
};

const split18: Adapter = ({ graph, node, target }) => {
  const n = node.getInt("num_outputs");
  node.attributes.delete("num_outputs");
  if (n === undefined || node.inputs[1]) return undefined;
  const shape = node.inputs[0]?.shape;
  const rank = shape?.length;
  const axis = node.getInt("axis", 0);
  const dim = rank === undefined ? undefined : shape![normalizeAxis(axis, rank)];
  if (typeof dim === "number" && dim % n === 0) return undefined; // an equal split is the default
  if (typeof dim !== "number") return "Split-18 num_outputs needs the split dimension, which is unknown";
  const chunk = Math.ceil(dim / n);
  const sizes = Array.from({ length: n }, (_, k) => Math.max(0, Math.min(chunk, dim - k * chunk)));
  node.setInput(1, new Emitter(graph, node, target).ints("split", sizes));
  return undefined;
};

const pad18: Adapter = ({ graph, node, target }) => {
  if (!node.inputs[3]) return undefined;
  const axes = constIntsOf(node.inputs[3]);
  const pads = constIntsOf(node.inputs[1]);
  const rank = node.inputs[0]?.shape?.length;
  if (!axes || !pads) return "Pad-18 `axes` or `pads` are computed at run time";
  if (rank === undefined) return "Pad-18 `axes` needs the input rank, which is unknown";
  const norm = axes.map((a) => (a < 0 ? a + rank : a));
  const full = new Array<number>(2 * rank).fill(0);
  norm.forEach((a, i) => {
    full[a] = pads[i]!;
    full[a + rank] = pads[i + norm.length]!;
  });
  node.setInput(1, new Emitter(graph, node, target).ints("pads", full));
  node.truncateInputs(3);
  return undefined;
};

const shape15: Adapter = ({ graph, node, target }) => {
  const start = node.getInt("start");
  const end = node.getInt("end");
  node.attributes.delete("start");
  node.attributes.delete("end");
  if (start === undefined && end === undefined) return undefined;
  // Shape(start, end) == Slice(Shape(x), start, end).
  const out = node.outputs[0]!;
  const full = new Emitter(graph, node, target).one("Shape", [node.inputs[0]]);
  const after = new Emitter(graph, node, target);
  const sliced = after.one("Slice", [full, after.ints("start", [start ?? 0]), after.ints("end", [end ?? Number.MAX_SAFE_INTEGER])]);
  after.replace(out, sliced);
  graph.removeNode(node, { force: true });
  return undefined;
};

const reshape14: Adapter = ({ node }) => {
  if (node.getInt("allowzero", 0) === 1) {
    const shape = constIntsOf(node.inputs[1]);
    if (!shape || shape.includes(0)) return "allowzero=1 with a zero (or unknown) target dimension has no equivalent before Reshape-14";
  }
  node.attributes.delete("allowzero");
  return undefined;
};

const batchNorm14: Adapter = ({ node }) => {
  if (node.getInt("training_mode", 0) !== 0) return "training_mode=1 has no equivalent before BatchNormalization-14";
  if (node.outputs.slice(1).some((v) => v && (v.uses.length > 0 || v.isGraphOutput()))) return "its running mean/variance outputs are used";
  node.attributes.delete("training_mode");
  return undefined;
};

const batchNorm15: Adapter = ({ node }) => {
  const x = node.inputs[0]?.dtype;
  if (node.inputs.slice(1).some((v) => v?.dtype && x && v.dtype !== x))
    return "its scale/bias/mean/var types differ from the input's, which BatchNormalization-14 does not allow";
  return undefined;
};

const dropout12: Adapter = ({ node }) => {
  // Older runtimes fill the inference-mode mask differently (seen in onnxruntime's Dropout-10).
  const mask = node.outputs[1];
  if (mask && (mask.uses.length > 0 || mask.isGraphOutput()))
    return "its mask output is used, and older Dropout versions produce a different mask in inference";
  const training = constantOf(node.inputs[2]);
  if (node.inputs[2] && (!training || training.bytes()[0] !== 0)) return "training_mode is not a constant false";
  if (node.inputs[1]) {
    const ratio = constantOf(node.inputs[1]);
    if (!ratio) return "its ratio is computed at run time";
    node.setAttribute("ratio", attr.float(ratio.toFloat32()[0]!));
  }
  // `seed` appeared with Dropout-12 as well; in inference it has no effect.
  node.attributes.delete("seed");
  node.truncateInputs(1);
  return undefined;
};

const constant12: Adapter = ({ node }) => {
  // value_float(s)/value_int(s) appeared in Constant-12; before that only `value` (a tensor).
  for (const [name, make] of [
    ["value_float", (a: number | readonly number[]) => ({ dtype: "float32" as const, values: [a as number], dims: [] as number[] })],
    [
      "value_floats",
      (a: number | readonly number[]) => ({ dtype: "float32" as const, values: [...(a as number[])], dims: [(a as number[]).length] }),
    ],
  ] as const) {
    const v = node.attribute(name);
    if (v && (v.type === "float" || v.type === "floats")) {
      const spec = make(v.value);
      node.attributes.delete(name);
      node.setAttribute("value", attr.tensor(floatTensor(spec.values, spec.dims)));
      return undefined;
    }
  }
  const vi = node.attribute("value_int") ?? node.attribute("value_ints");
  if (vi && (vi.type === "int" || vi.type === "ints")) {
    const values = vi.type === "int" ? [vi.value] : [...vi.value];
    node.attributes.delete("value_int");
    node.attributes.delete("value_ints");
    node.setAttribute("value", attr.tensor(intTensor(values, vi.type === "int" ? [] : [values.length])));
    return undefined;
  }
  if (node.attributes.has("value_string") || node.attributes.has("value_strings") || node.attributes.has("sparse_value")) {
    return "string and sparse constants cannot be expressed before Constant-12";
  }
  return undefined;
};

function floatTensor(values: readonly number[], dims: readonly number[]): Tensor {
  return Tensor.fromArray("float32", dims, Float32Array.from(values));
}

function intTensor(values: readonly bigint[], dims: readonly number[]): Tensor {
  return Tensor.fromArray("int64", dims, BigInt64Array.from(values));
}

/**
 * With ceil_mode, a last window that would start inside the end padding is dropped by the
 * op set 19 definition; kernels of the older versions (onnxruntime's among them) keep it and
 * produce one more output. Refuse rather than change the result.
 */
function lastWindowInPadding(node: Node): AdaptOutcome {
  if (node.getInt("ceil_mode", 0) !== 1) return undefined;
  const shape = node.inputs[0]?.shape;
  const kernel = node.getInts("kernel_shape");
  if (!kernel) return undefined;
  if (!shape || !isStaticShape(shape)) return "ceil_mode=1 needs a static input shape to check the last window";
  const n = kernel.length;
  const strides = node.getInts("strides") ?? new Array<number>(n).fill(1);
  const pads = node.getInts("pads") ?? new Array<number>(2 * n).fill(0);
  for (let i = 0; i < n; i++) {
    const size = shape[2 + i]!;
    const span = size + pads[i]! + pads[i + n]! - kernel[i]!;
    const out = Math.ceil(span / strides[i]!) + 1;
    if ((out - 1) * strides[i]! >= size + pads[i]!)
      return "with ceil_mode=1 its last window starts in the padding, which older versions count differently";
  }
  return undefined;
}

const requireDefault = (name: string, ok: (n: Node) => boolean, why: string): Adapter => unsupportedAttribute(name, ok, why);

export const ADAPTERS: Readonly<Record<string, Adapter>> = {
  "Squeeze@13": inputToAttribute(1, "axes"),
  "Unsqueeze@13": inputToAttribute(1, "axes"),
  "Split@13": inputToAttribute(1, "split"),
  "Split@18": split18,
  "ReduceSum@13": reduceAxesToAttribute,
  "ReduceL1@18": reduceAxesToAttribute,
  "ReduceL2@18": reduceAxesToAttribute,
  "ReduceLogSum@18": reduceAxesToAttribute,
  "ReduceLogSumExp@18": reduceAxesToAttribute,
  "ReduceMax@18": reduceAxesToAttribute,
  "ReduceMean@18": reduceAxesToAttribute,
  "ReduceMin@18": reduceAxesToAttribute,
  "ReduceProd@18": reduceAxesToAttribute,
  "ReduceSumSquare@18": reduceAxesToAttribute,
  "Softmax@13": softmaxAxis,
  "LogSoftmax@13": softmaxAxis,
  "Hardmax@13": softmaxAxis,
  "Resize@13": resizeRequiredInputs,
  "Resize@18": resize18,
  "Resize@19": newAttributeValue(
    (n) => n.getString("coordinate_transformation_mode") !== "half_pixel_symmetric",
    "half_pixel_symmetric did not exist before Resize-19",
  ),
  "Pad@18": pad18,
  "Pad@19": newAttributeValue((n) => n.getString("mode") !== "wrap", "mode=wrap did not exist before Pad-19"),
  "Shape@15": shape15,
  "Reshape@14": reshape14,
  "BatchNormalization@14": batchNorm14,
  "BatchNormalization@15": batchNorm15,
  "Dropout@12": dropout12,
  "Constant@12": constant12,
  "ArgMax@12": requireDefault(
    "select_last_index",
    (n) => n.getInt("select_last_index", 0) === 0,
    "select_last_index=1 did not exist before ArgMax-12",
  ),
  "ArgMin@12": requireDefault(
    "select_last_index",
    (n) => n.getInt("select_last_index", 0) === 0,
    "select_last_index=1 did not exist before ArgMin-12",
  ),
  "GatherND@12": requireDefault("batch_dims", (n) => n.getInt("batch_dims", 0) === 0, "batch_dims did not exist before GatherND-12"),
  "ScatterElements@16": requireDefault(
    "reduction",
    (n) => n.getString("reduction", "none") === "none",
    "reduction did not exist before ScatterElements-16",
  ),
  "ScatterND@16": requireDefault(
    "reduction",
    (n) => n.getString("reduction", "none") === "none",
    "reduction did not exist before ScatterND-16",
  ),
  "ScatterElements@18": ({ node }) =>
    ["max", "min"].includes(node.getString("reduction", "none")) ? "reduction max/min did not exist before op set 18" : undefined,
  "ScatterND@18": ({ node }) =>
    ["max", "min"].includes(node.getString("reduction", "none")) ? "reduction max/min did not exist before op set 18" : undefined,
  // RoiAlign-10 is specified with output_half_pixel coordinates, but onnxruntime's RoiAlign-10
  // gives different results from RoiAlign-16 even in that mode (seen on the ONNX node tests),
  // so lowering it would change results on real runtimes.
  "RoiAlign@16": () => "RoiAlign-10 kernels compute differently from RoiAlign-16 (onnxruntime gives other results)",
  "GRU@14": requireDefault("layout", (n) => n.getInt("layout", 0) === 0, "layout=1 did not exist before op set 14"),
  "LSTM@14": requireDefault("layout", (n) => n.getInt("layout", 0) === 0, "layout=1 did not exist before op set 14"),
  "RNN@14": requireDefault("layout", (n) => n.getInt("layout", 0) === 0, "layout=1 did not exist before op set 14"),
  "AveragePool@19": (ctx) =>
    lastWindowInPadding(ctx.node) ??
    requireDefault(
      "dilations",
      (n) => (n.getInts("dilations") ?? []).every((d) => d === 1),
      "dilations did not exist before AveragePool-19",
    )(ctx),
  "LpPool@18": ({ node }) => {
    if (node.getInt("ceil_mode", 0) !== 0 || (node.getInts("dilations") ?? []).some((d) => d !== 1))
      return "ceil_mode/dilations did not exist before LpPool-18";
    node.attributes.delete("ceil_mode");
    node.attributes.delete("dilations");
    return undefined;
  },
  "QuantizeLinear@21": requireDefault(
    "block_size",
    (n) => n.getInt("block_size", 0) === 0,
    "blocked quantisation (block_size) did not exist before op set 21",
  ),
  "DequantizeLinear@21": requireDefault(
    "block_size",
    (n) => n.getInt("block_size", 0) === 0,
    "blocked quantisation (block_size) did not exist before op set 21",
  ),
  "Cast@19": requireDefault("saturate", () => true, ""),
  "CastLike@19": requireDefault("saturate", () => true, ""),
};
