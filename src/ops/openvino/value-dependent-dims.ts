/**
 * Output dimensions that depend on the input values, not just their shapes: the IR writes
 * them as -1 (dynamic), as OpenVINO itself reports them, instead of the size one run happened
 * to produce. Per op type: output index → the dynamic axes.
 */
export const VALUE_DEPENDENT_DIMS: Readonly<Record<string, Readonly<Record<number, readonly number[]>>>> = {
  // The number of selected boxes.
  NonMaxSuppression: { 0: [0], 1: [0] },
  // The number of non-zero elements.
  NonZero: { 0: [1] },
};

/** `dims` with the value-dependent axes of output `index` of an op of `type` set to -1. */
export function withDynamicDims(type: string, index: number, dims: readonly number[]): readonly number[] {
  const axes = VALUE_DEPENDENT_DIMS[type]?.[index];
  return axes ? dims.map((d, a) => (axes.includes(a) ? -1 : d)) : dims;
}
