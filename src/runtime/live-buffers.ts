/**
 * Which result buffers a run's live values still view, so that a dead value's buffer can be
 * reused for a later result (src/ops/kernels/buffers.ts). Several values may view one buffer
 * (Reshape and Squeeze results share their input's data; a kernel may return a part of its
 * input), so views are counted per ArrayBuffer, and a buffer goes back to the pool only when
 * its last view dies and it is a whole buffer the pool handed out.
 */
import type { RunBuffers } from "../ops/kernels/buffers.js";
import { fp16BitsOf } from "../ops/kernels/fp16-constant.js";
import type { NdArray } from "../ops/ndarray.js";

export class LiveBuffers {
  private readonly views = new Map<ArrayBufferLike, number>();

  constructor(private readonly pool: RunBuffers) {}

  /** `a` is now held by a value. */
  hold(a: NdArray): void {
    // A float16 constant's doubles (if decoded at all) are its own, never the pool's: reading
    // its data here would decode it for nothing.
    if (fp16BitsOf(a)) return;
    const buffer = a.data.buffer;
    this.views.set(buffer, (this.views.get(buffer) ?? 0) + 1);
  }

  /** A value holding `a` is dead. */
  release(a: NdArray): void {
    if (fp16BitsOf(a)) return;
    const data = a.data;
    const left = this.views.get(data.buffer)! - 1;
    if (left > 0) {
      this.views.set(data.buffer, left);
      return;
    }
    this.views.delete(data.buffer);
    if (this.pool.owns(data)) this.pool.give(data);
  }
}
