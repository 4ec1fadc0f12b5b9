/**
 * Lowering of the ONNX indexing ops: Gather → Gather-8, GatherElements, GatherND, the Scatter
 * family (plain replacement only), OneHot, NonZero, ReverseSequence, and Trilu and EyeLike
 * as constants and masks.
 */
import { dtypeFromOnnx } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor.js";
import { ndCast, ndToTensor } from "../../ops/ndarray.js";
import { normalizeAxis } from "../../ops/onnx/op-def.js";
import type { LowerContext } from "../context.js";
import { combine, type LoweringRule } from "../rule-helpers.js";

/** The reduction attribute of the Scatter ops: only plain replacement exists in opset1–10. */
function requireNoReduction(c: LowerContext): void {
  const r = c.node.getString("reduction", "none");
  if (r !== "none") c.fail(`reduction="${r}" has no OpenVINO op before opset12`);
}

const scatterElements: LoweringRule = (c) => {
  requireNoReduction(c);
  return [c.one("ScatterElementsUpdate", 3, [c.input(0), c.input(1), c.input(2), c.i64("axis", [c.node.getInt("axis", 0)], [])])];
};

/** A scalar taken from a 1-D constant or computed input. */
function element(c: LowerContext, i: number, k: number): ReturnType<LowerContext["input"]> {
  const t = c.constant(i);
  if (t)
    return c.constTensor(
      "value",
      Tensor.fromBytes(t.dtype, [], t.bytes().slice(k * (t.bytes().length / t.size), (k + 1) * (t.bytes().length / t.size))),
    );
  return c.one("Gather", 8, [c.input(i), c.i64("index", [k], []), c.i64("axis", [0], [])], { batch_dims: 0 });
}

const oneHot: LoweringRule = (c) => {
  const depth = c.constInts(1, "depth")[0]!;
  // OneHot-1 wants integer indices; ONNX allows any numeric type (truncated to integers).
  let indices = c.dtype(0) === "int64" ? c.input(0) : c.convert(c.input(0), "int64");
  const known = c.constant(0);
  if (!known || known.toBigInts().some((v) => v < 0n)) {
    // ONNX counts negative indices from the end; OneHot-1 would select nothing for them.
    const zero = c.i64("zero", [0], []);
    const wrapped = combine(c, "Add", indices, c.i64("depth", [depth], []));
    indices = c.one("Select", 1, [combine(c, "Less", indices, zero), wrapped, indices], { auto_broadcast: "numpy" });
  }
  return [
    c.one("OneHot", 1, [indices, c.i64("depth", [depth], []), element(c, 2, 1), element(c, 2, 0)], { axis: c.node.getInt("axis", -1) }),
  ];
};

/** Trilu: the kept triangle of the last two axes as a constant mask for Select. */
const trilu: LoweringRule = (c) => {
  const dims = c.shape(0);
  const [m, n] = dims.slice(-2) as [number, number];
  const k = c.node.inputs[1] ? c.constInts(1, "k")[0]! : 0;
  const upper = c.node.getInt("upper", 1) === 1;
  const mask = new Uint8Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) mask[i * n + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  const keep = c.constTensor("mask", Tensor.fromArray("bool", [m, n], mask));
  const zero = c.dtype(0) === "int64" ? c.i64("zero", [0], []) : c.floats("zero", [0], c.dtype(0), []);
  return [c.one("Select", 1, [keep, c.input(0), zero], { auto_broadcast: "numpy" })];
};

export const INDEXING_LOWERING: Readonly<Record<string, LoweringRule>> = {
  Gather: (c) => [c.one("Gather", 8, [c.input(0), c.input(1), c.i64("axis", [c.node.getInt("axis", 0)], [])], { batch_dims: 0 })],
  GatherElements: (c) => [
    c.one("GatherElements", 6, [c.input(0), c.input(1)], { axis: normalizeAxis(c.node.getInt("axis", 0), c.shape(0).length) }),
  ],
  GatherND: (c) => [c.one("GatherND", 8, [c.input(0), c.input(1)], { batch_dims: c.node.getInt("batch_dims", 0) })],
  ScatterElements: scatterElements,
  Scatter: scatterElements,
  ScatterND: (c) => {
    requireNoReduction(c);
    // ScatterNDUpdate-3 first appears in opset4.
    return [c.one("ScatterNDUpdate", 4, [c.input(0), c.input(1), c.input(2)])];
  },
  OneHot: oneHot,
  ReverseSequence: (c) => [
    c.one("ReverseSequence", 1, [c.input(0), c.input(1)], {
      batch_axis: c.node.getInt("batch_axis", 1),
      seq_axis: c.node.getInt("time_axis", 0),
    }),
  ],
  NonZero: (c) => [c.one("NonZero", 3, [c.input(0)], { output_type: "i64" })],
  // EyeLike of a static shape is a constant.
  EyeLike: (c) => {
    const [rows, cols] = c.shape(0) as [number, number];
    const k = c.node.getInt("k", 0);
    const to = c.node.getInt("dtype") !== undefined ? (dtypeFromOnnx(c.node.getInt("dtype")!) ?? c.fail("unknown dtype")) : c.dtype(0);
    const values = Array.from({ length: rows * cols }, (_, i) => ((i % cols) - Math.floor(i / cols) === k ? 1 : 0));
    return [c.constTensor("eye", ndToTensor(ndCast({ dtype: "float64", dims: [rows, cols], data: Float64Array.from(values) }, to)))];
  },
  Trilu: trilu,
};
