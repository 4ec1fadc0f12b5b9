/**
 * A fast content hash of tensor bytes, for finding identical constants: two independent
 * 32-bit lanes mixed per 32-bit word, read once at memory speed. It is not cryptographic;
 * callers that merge on a match compare the bytes too, so a collision costs a comparison,
 * never a wrong merge.
 */
import { forEachWordBlock } from "./numeric/aligned-words.js";

export function contentHash(bytes: Uint8Array): string {
  let a = 0x9747b28c ^ bytes.byteLength;
  let b = 0x3c6ef372;
  forEachWordBlock(bytes, (words) => {
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      a = Math.imul(a ^ w, 0x5bd1e995);
      a ^= a >>> 15;
      b = Math.imul(b + w, 0x27d4eb2f);
      b = (b << 13) | (b >>> 19);
    }
  });
  for (let i = bytes.byteLength & ~3; i < bytes.byteLength; i++) {
    a = Math.imul(a ^ bytes[i]!, 0x5bd1e995);
    b = Math.imul(b + bytes[i]!, 0x27d4eb2f);
  }
  return `${(finalMix(a) >>> 0).toString(36)}.${(finalMix(b ^ a) >>> 0).toString(36)}`;
}

/** Spreads every input bit over the whole word (the usual 32-bit finaliser). */
function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
