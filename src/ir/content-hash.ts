/**
 * A content hash of tensor bytes, for finding identical constants without a full comparison
 * of every pair: 64 bits from two 32-bit multiply-rotate lanes that take alternate words,
 * read once (unaligned bytes through forEachWordBlock's 64 KiB block), so it runs at about
 * one multiply per word. Node-free (the core also runs in browsers, which have no
 * synchronous crypto hash). It is not cryptographic: callers that merge on a match compare
 * the bytes too, so a collision costs one comparison, never a wrong merge.
 */
import { forEachWordBlock } from "./numeric/aligned-words.js";

/** contentHash of bytes handed over in pieces, in order (equal to contentHash of their concatenation). */
export class ContentHasher {
  private a = 0x9747b28c;
  private b = 0x3c6ef372;
  /** Words mixed so far: the lane of the next one is its parity. */
  private words = 0;
  private length = 0;
  /** Bytes of a word not yet complete (little-endian) and how many there are. */
  private pending = 0;
  private pendingBytes = 0;

  update(piece: Uint8Array): this {
    this.length += piece.byteLength;
    let start = 0;
    while (this.pendingBytes > 0 && start < piece.byteLength) this.takeByte(piece[start++]!);
    const body = piece.subarray(start);
    forEachWordBlock(body, (w) => this.mixWords(w));
    for (let i = body.byteLength & ~3; i < body.byteLength; i++) this.takeByte(body[i]!);
    return this;
  }

  /** The hash as a short string (13 base-36 digits at most). */
  digest(): string {
    let { a, b } = this;
    if (this.pendingBytes > 0) {
      a = Math.imul(a ^ this.pending, 0x5bd1e995);
      b = Math.imul(b ^ this.pendingBytes, 0x27d4eb2f);
    }
    a ^= this.length;
    b ^= Math.floor(this.length / 2 ** 32);
    const hi = finalMix(a ^ Math.imul(b, 0x85ebca6b));
    const lo = finalMix(b ^ Math.imul(hi, 0xc2b2ae35));
    return `${(hi >>> 0).toString(36)}.${(lo >>> 0).toString(36)}`;
  }

  private mixWords(w: Uint32Array): void {
    let { a, b } = this;
    let i = 0;
    // Keep the lanes on the global word parity across pieces.
    if ((this.words & 1) === 1 && w.length > 0) {
      b = Math.imul(((b << 13) | (b >>> 19)) ^ w[0]!, 0x27d4eb2f);
      i = 1;
    }
    const n = w.length;
    for (; i + 1 < n; i += 2) {
      a = Math.imul(((a << 5) | (a >>> 27)) ^ w[i]!, 0x5bd1e995);
      b = Math.imul(((b << 13) | (b >>> 19)) ^ w[i + 1]!, 0x27d4eb2f);
    }
    if (i < n) a = Math.imul(((a << 5) | (a >>> 27)) ^ w[i]!, 0x5bd1e995);
    this.a = a;
    this.b = b;
    this.words += n;
  }

  private takeByte(byte: number): void {
    this.pending |= byte << (8 * this.pendingBytes);
    if (++this.pendingBytes < 4) return;
    const word = this.pending >>> 0;
    this.pending = 0;
    this.pendingBytes = 0;
    this.mixWords(Uint32Array.of(word));
  }
}

export function contentHash(bytes: Uint8Array): string {
  return new ContentHasher().update(bytes).digest();
}

/** Whether two byte ranges are equal (32 bits at a time where both are aligned). */
export function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.byteLength !== y.byteLength) return false;
  const n = x.byteLength;
  let i = 0;
  if (x.byteOffset % 4 === 0 && y.byteOffset % 4 === 0) {
    const xw = new Uint32Array(x.buffer, x.byteOffset, n >>> 2);
    const yw = new Uint32Array(y.buffer, y.byteOffset, n >>> 2);
    for (let k = 0; k < xw.length; k++) if (xw[k] !== yw[k]) return false;
    i = xw.length * 4;
  }
  for (; i < n; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Spreads every input bit over the whole word (the usual 32-bit finaliser). */
function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
