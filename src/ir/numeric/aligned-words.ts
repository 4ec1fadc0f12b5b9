/**
 * 32-bit word views over bytes that may sit at any offset. ONNX raw_data is a view on the
 * model file and usually unaligned, and a Uint32Array/Float32Array needs a 4-byte aligned
 * offset: aligned bytes are viewed in place; unaligned ones are copied through a small block
 * (64 KiB at most), so no loop needs a DataView or a copy of the whole tensor.
 */

/** Words per block when the bytes must be copied (64 KiB). */
const BLOCK_WORDS = 16384;

/**
 * Calls `visit` with consecutive aligned views of the first ⌊byteLength/4⌋ words of `bytes`,
 * `first` being the index of the view's first word. A copied block is reused for the next
 * call: `visit` must finish with it before returning.
 */
export function forEachWordBlock(bytes: Uint8Array, visit: (words: Uint32Array, first: number) => void): void {
  const count = bytes.byteLength >>> 2;
  if (count === 0) return;
  if (bytes.byteOffset % 4 === 0) {
    visit(new Uint32Array(bytes.buffer, bytes.byteOffset, count), 0);
    return;
  }
  // One block for every call (callers convert a large tensor a block at a time, so a new one
  // per call would be garbage the size of the tensor); a nested call gets its own.
  const own = !sharedInUse;
  const block = own ? sharedBlock : new Uint32Array(BLOCK_WORDS);
  const blockBytes = new Uint8Array(block.buffer);
  sharedInUse = true;
  try {
    for (let first = 0; first < count; first += BLOCK_WORDS) {
      const n = Math.min(BLOCK_WORDS, count - first);
      blockBytes.set(bytes.subarray(first * 4, (first + n) * 4));
      visit(n === BLOCK_WORDS ? block : block.subarray(0, n), first);
    }
  } finally {
    if (own) sharedInUse = false;
  }
}

const sharedBlock = new Uint32Array(BLOCK_WORDS);
let sharedInUse = false;
