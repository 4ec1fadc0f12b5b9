/** Numeric comparison with the project's tolerances (shared/docs/tolerances-opencv.tsv). */
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
