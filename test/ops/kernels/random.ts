/** Deterministic random data for kernel tests: float32- or float16-exact values with exact zeros mixed in. */
import { f16round } from "../../../src/ir/numeric/float-bits.js";
import type { NdArray } from "../../../src/ops/ndarray.js";

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Values in [-2, 2), rounded to float32 (or float16); about one in eight is zero. */
export function randomArray(dims: readonly number[], rnd: () => number, fp16 = false): NdArray {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = rnd() < 0.125 ? 0 : rnd() * 4 - 2;
    data[i] = fp16 ? f16round(v) : Math.fround(v);
  }
  return { dtype: fp16 ? "float16" : "float32", dims, data };
}

export const randomInt = (rnd: () => number, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

/**
 * Whether two arrays hold the same values bit for bit: Object.is per element (so +0 and -0
 * differ), NaNs equal whatever their payload (JavaScript does not promise one).
 */
export function sameBits(a: NdArray, b: NdArray): boolean {
  if (
    a.dtype !== b.dtype ||
    a.dims.join() !== b.dims.join() ||
    a.data.length !== b.data.length ||
    a.data.constructor !== b.data.constructor
  )
    return false;
  for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i])) return false;
  return true;
}

/** A random rank in [1, maxRank] with sizes in [1, 4]. */
export const randomDims = (rnd: () => number, maxRank = 4) =>
  Array.from({ length: randomInt(rnd, 1, maxRank) }, () => randomInt(rnd, 1, 4));
