/**
 * TF padding (tensorflow/lite/kernels/padding.h): VALID pads nothing; SAME pads so that
 * out = ceil(in / stride), splitting the total with the extra cell after (asymmetric).
 */
import { PADDING_SAME } from "../options.js";

export interface SpatialPads {
  begin: number[];
  end: number[];
}

/** Total padding of one spatial axis for SAME: max((out − 1)·stride + (k − 1)·dilation + 1 − in, 0). */
export function samePadding(inSize: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Begin/end pads of the H and W axes, from the static input size. */
export function tfPads(
  padding: number,
  inHW: readonly number[],
  kernelHW: readonly number[],
  strideHW: readonly number[],
  dilationHW: readonly number[] = [1, 1],
): SpatialPads | undefined {
  if (padding !== PADDING_SAME) return { begin: [0, 0], end: [0, 0] };
  if (inHW.some((d) => d < 0)) return undefined;
  const h = samePadding(inHW[0]!, kernelHW[0]!, strideHW[0]!, dilationHW[0]!);
  const w = samePadding(inHW[1]!, kernelHW[1]!, strideHW[1]!, dilationHW[1]!);
  return { begin: [h[0], w[0]], end: [h[1], w[1]] };
}
