/** Deferred bytes over a buffer, counting what is read of them (for tests of code that should not hold them). */
import type { DeferredBytes } from "../../src/util/deferred-bytes.js";

export interface CountingDeferred extends DeferredBytes {
  /** Bytes handed out by copyTo. */
  readonly copied: number;
  /** Calls of bytes(). */
  readonly loads: number;
}

export function countingDeferred(source: Uint8Array): CountingDeferred {
  let copied = 0;
  let loads = 0;
  let loaded: Uint8Array | undefined;
  return {
    byteLength: source.byteLength,
    get loaded() {
      return loaded;
    },
    get copied() {
      return copied;
    },
    get loads() {
      return loads;
    },
    bytes() {
      loads++;
      loaded ??= source.slice();
      return loaded;
    },
    copyTo(into, from) {
      if (from + into.byteLength > source.byteLength) throw new RangeError("past the end");
      copied += into.byteLength;
      into.set(source.subarray(from, from + into.byteLength));
    },
  };
}
