/**
 * What the compiler knows about an ONNX op, as data: how to infer its output types, and a
 * kernel to compute it when every input is constant (constant folding). One table, filled by
 * the family files (elementwise.ts, shape-ops.ts, nn.ts, reduce.ts) and read by the passes.
 */
import type { DTypeName } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import type { Dim, Shape } from "../../ir/shape.js";
import type { Tensor } from "../../ir/tensor.js";
import type { ValueType } from "../../ir/types.js";
import type { NdArray } from "../ndarray.js";

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

/** Sum/product helpers over possibly-symbolic dims: known only when every part is known. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== "number") return null;
    p *= d;
  }
  return p;
}

export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Integer values of a constant input (axes, shapes, pads …) as numbers, INT64 sentinels clamped. */
export function constInts(info: InputInfo | undefined): number[] | undefined {
  if (!info?.value) return undefined;
  return info.value
    .toBigInts()
    .map((v) =>
      v > BigInt(Number.MAX_SAFE_INTEGER)
        ? Number.MAX_SAFE_INTEGER
        : v < BigInt(Number.MIN_SAFE_INTEGER)
          ? Number.MIN_SAFE_INTEGER
          : Number(v),
    );
}
