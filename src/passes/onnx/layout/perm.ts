/** Permutation arithmetic for Transposes: out[i] = in[perm[i]]. */

import { attr } from "../../../ir/attribute.js";
import { Node } from "../../../ir/node.js";
import type { Tensor } from "../../../ir/tensor.js";
import { ndFromTensor, ndToTensor } from "../../../ops/ndarray.js";
import { onnxOp } from "../../../ops/onnx/registry.js";

export function invertPerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/** The single Transpose equal to Transpose(inner) then Transpose(outer). */
export function composePerms(inner: readonly number[], outer: readonly number[]): number[] {
  return outer.map((i) => inner[i]!);
}

export function isIdentityPerm(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

export function isPermutation(perm: readonly number[] | undefined, rank?: number): perm is number[] {
  if (!perm || (rank !== undefined && perm.length !== rank)) return false;
  const seen = new Set(perm);
  return seen.size === perm.length && perm.every((p) => Number.isInteger(p) && p >= 0 && p < perm.length);
}

/** A constant transposed at compile time, with the Transpose kernel of the op table. */
export function transposeTensor(t: Tensor, perm: readonly number[]): Tensor {
  const node = new Node({ opType: "Transpose", attributes: { perm: attr.ints(perm) } });
  const [out] = onnxOp("Transpose")!.fold!([ndFromTensor(t)], { node, opset: 13 });
  return ndToTensor(out!);
}

/**
 * Whether a Transpose only moves axes of size 1 (so it is a Reshape): the axes of other
 * sizes keep their relative order.
 */
export function movesOnlyUnitAxes(perm: readonly number[], dims: readonly number[]): boolean {
  const kept = perm.filter((p) => dims[p] !== 1);
  return kept.every((p, i) => i === 0 || p > kept[i - 1]!);
}
