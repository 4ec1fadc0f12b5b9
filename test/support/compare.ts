/** Numeric comparison with the project's tolerances (shared/docs/tolerances-opencv.tsv). */
import { dtypeInfo } from "../../src/ir/dtype.js";
import type { Tensor } from "../../src/ir/tensor.js";

export interface Diff {
  maxAbs: number;
  meanAbs: number;
  /** Largest magnitude in the reference, used to scale tolerances of large-valued outputs. */
  refMaxAbs: number;
}

export function diff(actual: Tensor, expected: Tensor): Diff {
  const a = actual.toFloat32();
  const e = expected.toFloat32();
  if (a.length !== e.length) throw new Error(`element counts differ: ${a.length} vs ${e.length}`);
  let maxAbs = 0;
  let sum = 0;
  let refMaxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - e[i]!);
    if (Number.isNaN(d) && !(Number.isNaN(a[i]!) && Number.isNaN(e[i]!))) return { maxAbs: Infinity, meanAbs: Infinity, refMaxAbs };
    if (d > maxAbs) maxAbs = d;
    sum += Number.isNaN(d) ? 0 : d;
    if (Number.isFinite(e[i]!)) refMaxAbs = Math.max(refMaxAbs, Math.abs(e[i]!));
  }
  return { maxAbs, meanAbs: a.length ? sum / a.length : 0, refMaxAbs };
}

/** fp32 tolerance: max-abs ≤ 1e-4 and mean-abs ≤ 1e-5, scaled by the output's max-abs when above 1. */
export function withinFp32(d: Diff): boolean {
  const scale = Math.max(1, d.refMaxAbs);
  return d.maxAbs <= 1e-4 * scale && d.meanAbs <= 1e-5 * scale;
}

/** FP16/MYRIAD tolerance (OpenCV's MYRIAD test thresholds): max-abs ≤ 2e-2, mean-abs ≤ 4e-3, same scaling. */
export function withinFp16(d: Diff): boolean {
  const scale = Math.max(1, d.refMaxAbs);
  return d.maxAbs <= 2e-2 * scale && d.meanAbs <= 4e-3 * scale;
}

/** The ONNX backend tests' criterion for one output: same dims; floats allclose (or within fp32 tolerance), integers exact. */
export function matchesNodeTest(got: Tensor, expected: Tensor): boolean {
  if (got.dims.join() !== expected.dims.join()) return false;
  if (got.dtype === expected.dtype && bitwiseEqual(got, expected)) return true;
  const kind = dtypeInfo(expected.dtype).kind;
  if (kind === "float") {
    // ONNX's backend-test criterion (assert_allclose, rtol 1e-3, atol 1e-7): some expected
    // outputs are stored rounded (e.g. to 4 decimals), which our fp32 tolerance would reject.
    const a = got.toFloat32();
    const b = expected.toFloat32();
    // Equal values (infinities included) match; NaN matches NaN.
    return (
      a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i]!)) || Math.abs(v - b[i]!) <= 1e-7 + 1e-3 * Math.abs(b[i]!)) ||
      withinFp32(diff(got, expected))
    );
  }
  // Integers and booleans must be exact (compared as numbers: the interpreter may widen types).
  const a = got.toFloat32();
  const b = expected.toFloat32();
  return a.every((v, i) => v === b[i]);
}

/** Bitwise equality of two tensors (dtype, dims and bytes). */
export function bitwiseEqual(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false;
  if (a.dtype === "string") return JSON.stringify(a.strings()) === JSON.stringify(b.strings());
  return Buffer.compare(Buffer.from(a.bytes()), Buffer.from(b.bytes())) === 0;
}
