/**
 * Parameters of MediaPipe's custom ops, which store a C struct's bytes in custom_options
 * (little-endian int32 fields) rather than a flexbuffer.
 */
import type { OpContext } from "../context.js";

/** The first `count` 32-bit fields of the op's custom_options struct. */
export function customInts(c: OpContext, count: number): number[] {
  const b = c.op.customOptions;
  if (!b || b.byteLength < 4 * count) c.fail(`custom_options hold ${b?.byteLength ?? 0} bytes, ${4 * count} expected`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
}

/** TfLitePadding in a custom op's struct: 1 SAME, 2 VALID (0 is "unknown"). */
export const CUSTOM_SAME = 1;
export const CUSTOM_VALID = 2;

/** TfLitePoolParams: padding, stride_width, stride_height, filter_width, filter_height, activation (then computed padding). */
export interface CustomPoolParams {
  padding: number;
  stride: [number, number];
  filter: [number, number];
  /** TfLiteFusedActivation: the ActivationFunctionType values, plus 6 for sigmoid. */
  activation: number;
}

export function customPoolParams(c: OpContext): CustomPoolParams {
  const [padding, strideW, strideH, filterW, filterH, activation] = customInts(c, 6);
  if (padding !== CUSTOM_SAME && padding !== CUSTOM_VALID) c.fail(`padding ${padding} in custom_options is neither SAME (1) nor VALID (2)`);
  if (![strideW, strideH, filterW, filterH].every((v) => v! > 0)) c.fail("strides and filter sizes in custom_options must be positive");
  return { padding: padding!, stride: [strideH!, strideW!], filter: [filterH!, filterW!], activation: activation! };
}
