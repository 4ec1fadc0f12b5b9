/**
 * How much memory a MyriadX device has for a network, and what a tensor takes there.
 *
 * DDR: 512 MiB. Luxonis, "RAM usage" (DepthAI API docs,
 * https://docs.luxonis.com/projects/api/en/latest/tutorials/ram_usage/, added in
 * luxonis/depthai-python#418): "All OAK devices have 512 MiB (4 Gbit) on-board RAM, which is
 * used for firmware (about 15MB), assets (a few KB up to 100MB+, eg. NN models), and other
 * resources". The Neural Compute Stick 2 carries the same Myriad X with 4 Gbit of memory in
 * its package (the figure issue 16 gives; no Intel page stating it was at hand here).
 *
 * The DDR a pipeline can use is less: the same page's log of a running device reads
 * "Memory Usage - DDR: 41.23 / 358.82 MiB, …, LeonOS Heap: 20.70 / 78.63 MiB, LeonRT Heap:
 * 3.51 / 23.84 MiB" — firmware and the two CPU heaps take the rest. A tensor or a set of
 * weights above those 358.82 MiB can therefore not fit beside a running pipeline even though
 * it is below the 512 MiB, which is what lint warns about.
 */
import type { DTypeName } from "../../ir/dtype.js";
import { byteLengthOf, dtypeInfo } from "../../ir/dtype.js";
import { myriadTypeOf } from "./types.js";

const MIB = 1024 ** 2;

/** The DDR of an OAK camera or an NCS2. */
export const MYRIAD_DDR_BYTES = 512 * MIB;

/** The DDR DepthAI reports as available to a pipeline (358.82 MiB of the 512). */
export const MYRIAD_PIPELINE_DDR_BYTES = Math.round(358.82 * MIB);

/** A device's memory as lint checks it. */
export interface DeviceMemory {
  /** How messages name the device ("an OAK camera or NCS2"). */
  readonly device: string;
  readonly ddrBytes: number;
  /** What a running pipeline has of it. */
  readonly pipelineBytes: number;
}

export const MYRIADX_MEMORY: DeviceMemory = {
  device: "an OAK camera or NCS2",
  ddrBytes: MYRIAD_DDR_BYTES,
  pipelineBytes: MYRIAD_PIPELINE_DDR_BYTES,
};

/** Bytes per element on the device: float tensors run as FP16, I64 and friends as I32 (types.ts). */
const DEVICE_ELEMENT_BYTES = { FP16: 2, I32: 4, U8: 1 } as const;

/**
 * Bytes a tensor of `dtype` and `dims` takes on the device (Infinity when the element count
 * is not a safe integer); a type MYRIAD has no form for is counted at its own width.
 * Arithmetic on the shape only.
 */
export function deviceBytes(dtype: DTypeName, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  if (!Number.isSafeInteger(n) || n < 0) return Number.POSITIVE_INFINITY;
  const t = myriadTypeOf(dtype);
  if (t) return n * DEVICE_ELEMENT_BYTES[t];
  return dtypeInfo(dtype).bits === 0 ? n : byteLengthOf(dtype, n);
}
