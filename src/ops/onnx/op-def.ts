/**
 * What the compiler knows about an ONNX op, as data: how to infer its output types, and a
 * kernel to compute it when every input is constant (constant folding). One table, filled by
 * the family files (elementwise.ts, conv-pool.ts, shape.ts, indexing.ts, …; see registry.ts)
 * and read by the passes. The helpers below are the ones several families share.
 */
import { type DTypeName, dtypeFromOnnx, dtypeInfo, int64ToSafeNumber } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import type { Dim, Shape } from "../../ir/shape.js";
import type { Tensor } from "../../ir/tensor.js";
import type { ValueType } from "../../ir/types.js";
import { type NdArray, ndScalarValues } from "../ndarray.js";

export interface InputInfo {
  readonly dtype: DTypeName | undefined;
  readonly shape: Shape | undefined;
  /** The full type, for sequence/optional/map inputs. */
  readonly type?: ValueType | undefined;
  /** The input's value when it is a compile-time constant. */
  readonly value: Tensor | undefined;
}

export interface InferContext {
  readonly node: Node;
  /** Op-set version of the node's domain (semantics differ between versions). */
  readonly opset: number;
  readonly inputs: readonly (InputInfo | undefined)[];
}

export interface OutputType {
  dtype?: DTypeName | undefined;
  shape?: Shape | undefined;
  /** A non-tensor result (sequence, optional): the whole type, used instead of dtype/shape. */
  type?: ValueType | undefined;
}

export interface FoldContext {
  readonly node: Node;
  readonly opset: number;
}

export interface OnnxOpDef {
  /** Output types; entries left undefined are unknown. */
  infer?(ctx: InferContext): (OutputType | undefined)[];
  /** Outputs from constant inputs (omitted optional inputs are undefined). */
  fold?(inputs: readonly (NdArray | undefined)[], ctx: FoldContext): NdArray[];
}

/** Output 0 has input 0's type and shape (activations, normalizations, …). */
export const sameAsInput0 = (ctx: InferContext): OutputType[] => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }];

/** An op whose only output has input 0's type and shape. */
export const sameAsInputOp: OnnxOpDef = { infer: sameAsInput0 };

/** Broadcast of possibly-symbolic shapes; a dim is unknown when it cannot be decided. */
export function broadcastShapes(shapes: readonly (Shape | undefined)[]): Shape | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      // Missing leading axes broadcast as 1; an unknown (null) dim stays unknown.
      const k = s!.length - rank + i;
      const x: Dim = k < 0 ? 1 : s![k]!;
      if (x === 1) continue;
      if (d === 1) d = x;
      else if (d !== x) d = typeof d === "number" && typeof x === "number" ? d : null; // mismatch of known sizes is invalid; leave d
    }
    out.push(d);
  }
  return out;
}

/** An op whose only output broadcasts all inputs and has input 0's type. */
export const broadcastOp: OnnxOpDef = {
  infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: broadcastShapes(ctx.inputs.map((i) => i?.shape)) }],
};

/** The dtype an integer attribute names (Cast's `to`, RandomUniformLike's `dtype`), or the fallback when it is absent. */
export function dtypeAttr(node: Node, name: string, fallback?: DTypeName): DTypeName | undefined {
  const v = node.getInt(name);
  return v === undefined ? fallback : dtypeFromOnnx(v);
}

/** Product of possibly-symbolic dims: known only when every part is known. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== "number") return null;
    p *= d;
  }
  return p;
}

/** An ONNX axis (negative counts from the end) as a non-negative axis of a tensor of this rank. */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/**
 * A constant's values as whole numbers (axes, shapes, pads, OneHot's depth …): integers with
 * the INT64 sentinels clamped, floats truncated (some ops take integer parameters in any
 * numeric type).
 */
export function tensorInts(t: Tensor): number[] {
  if (dtypeInfo(t.dtype).kind === "float") return Array.from(t.toFloat32(), (v) => Math.trunc(v));
  return t.toBigInts().map(int64ToSafeNumber);
}

/** The whole-number values of a constant input (see tensorInts), or undefined when it is not constant. */
export function constInts(info: InputInfo | undefined): number[] | undefined {
  return info?.value ? tensorInts(info.value) : undefined;
}

/** A folding kernel's integer input (axes, shape, repeats …) as numbers; [] when omitted. */
export function foldedInts(a: NdArray | undefined): number[] {
  return a ? ndScalarValues(a) : [];
}

/** A value type as an inferred output: tensors by dtype and shape, sequences and optionals whole. */
export const valueTypeAsOutput = (t: ValueType | undefined): OutputType | undefined =>
  t === undefined ? undefined : t.kind === "tensor" ? { dtype: t.dtype, shape: t.shape } : { type: t };
