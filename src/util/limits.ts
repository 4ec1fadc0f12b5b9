/**
 * The one size limit: how many bytes a single tensor may take before anything allocates it.
 * The input readers (src/io), the ONNX constant folder and the interpreter's allocation guard
 * all read it here, and the CLI sets it once per command from `--max-tensor-bytes`, so a
 * 200-byte model that asks for a 1e12-element tensor ends in one line instead of swapping.
 */
import { byteLengthOf, type DTypeName, dtypeInfo } from "../ir/dtype.js";
import { MyriadcError } from "./errors.js";

/** 2 GiB: more than any MyriadX device holds (512 MiB of DDR), less than a laptop's memory. */
export const DEFAULT_MAX_TENSOR_BYTES = 2 * 1024 ** 3;

/** The command-line flag that changes the limit; messages name it so users know the way out. */
export const MAX_TENSOR_BYTES_FLAG = "--max-tensor-bytes";

let current = DEFAULT_MAX_TENSOR_BYTES;

export function maxTensorBytes(): number {
  return current;
}

/** Sets the limit for everything that runs afterwards in this process (the CLI does, per command). */
export function setMaxTensorBytes(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new RangeError(`tensor size limit must be a positive whole number, got ${bytes}`);
  current = bytes;
}

/** `1048576`, `512KiB`, `4MiB`, `2GiB`, `1.5G` → bytes (binary units, as the rest of the CLI). */
export function parseByteSize(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgGtT]i?[bB]?|[bB])?$/.exec(text.trim());
  const unit = (m?.[2] ?? "b").toLowerCase()[0];
  const mult = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : unit === "t" ? 1024 ** 4 : 1;
  const bytes = m ? Math.floor(Number(m[1]) * mult) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new MyriadcError("usage", `${flag} ${JSON.stringify(text)}: expected a size such as 1048576, 512KiB, 4MiB or 2GiB`);
  return bytes;
}

/** Bytes a tensor of these dims takes; Infinity when the element count is not a safe integer. */
export function tensorBytes(dtype: DTypeName, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  if (!Number.isSafeInteger(n) || n < 0) return Number.POSITIVE_INFINITY;
  // Strings have no fixed width: count one byte each, a lower bound that still catches huge shapes.
  return dtypeInfo(dtype).bits === 0 ? n : byteLengthOf(dtype, n);
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "more than 2^53 bytes";
  for (const [unit, size] of [
    ["TiB", 1024 ** 4],
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (n >= size) return `${(n / size).toFixed(n % size === 0 ? 0 : 1)} ${unit}`;
  }
  return `${n} bytes`;
}

export interface SizeCheck {
  dtype: DTypeName;
  dims: readonly number[];
  /** What the tensor is, for the message: `node "Resize_3" (Resize) output 0`, `input "x"`. */
  what: string;
  file?: string;
}

/** Throws a one-line "too-large" error naming the tensor, its shape and the limit; call before allocating. */
export function checkTensorSize(c: SizeCheck): void {
  const bytes = tensorBytes(c.dtype, c.dims);
  if (bytes <= current) return;
  throw new MyriadcError(
    "too-large",
    `${c.what}: ${c.dtype}[${c.dims.join(",")}] needs ${formatBytes(bytes)}, above the limit of ${formatBytes(current)} per tensor ` +
      `(raise it with ${MAX_TENSOR_BYTES_FLAG})`,
    c.file === undefined ? {} : { file: c.file },
  );
}
