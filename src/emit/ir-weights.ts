/**
 * The .bin of an IR: where each Const's bytes go (8-byte aligned, identical constants
 * stored once) and the bytes themselves, produced only when written. A constant stays a
 * view on the model file until then, and an FP16 one is converted block by block — to hash
 * it when placed, and straight into the output when written — so a 100 MB model's weights
 * never exist twice in memory (the file writer gathers small pieces into large writes).
 * Weights the load left in the model file are read from it in parts for each of those passes
 * (payloadPart) and never held at all.
 */
import { ContentHasher, contentHash, sameBytes } from "../ir/content-hash.js";
import type { DTypeName } from "../ir/dtype.js";
import { fp16FromFloat32Bytes } from "../ir/numeric/fp16-arrays.js";
import { forEachPayloadPart, payloadPart, type Tensor } from "../ir/tensor.js";

/** An IR's weights, ready to be written. */
export interface IrWeights {
  readonly byteLength: number;
  /**
   * Hands the .bin to `write` in order: views on the constants, FP16 ones converted in blocks
   * into a buffer that is reused, so a piece is only valid during the call.
   */
  writeTo(write: (piece: Uint8Array) => void): void;
  /** The whole .bin in one new buffer. */
  toBytes(): Uint8Array;
}

interface Placed {
  readonly tensor: Tensor;
  /** Stored as float16 converted from float32/float64 data. */
  readonly toFp16: boolean;
  readonly offset: number;
  readonly size: number;
}

export class WeightsLayout implements IrWeights {
  private readonly placed: Placed[] = [];
  /** Constants by stored type, shape and content hash (a match is confirmed byte by byte). */
  private readonly byContent = new Map<string, Placed[]>();
  private end = 0;

  get byteLength(): number {
    return this.end;
  }

  /** Places a constant, or finds an identical one already placed (same stored type, shape and bytes). */
  place(t: Tensor, storedType: DTypeName): { offset: number; size: number } {
    const toFp16 = storedType === "float16" && (t.dtype === "float32" || t.dtype === "float64");
    const size = toFp16 ? t.size * 2 : t.byteLength;
    const key = `${storedType}|${t.dims.join(",")}|${storedHash(t, toFp16)}`;
    const candidates = this.byContent.get(key);
    for (const c of candidates ?? []) if (c.size === size && sameStored(c, t, toFp16)) return c;
    const offset = this.end + ((8 - (this.end % 8)) % 8);
    const p: Placed = { tensor: t, toFp16, offset, size };
    this.placed.push(p);
    if (candidates) candidates.push(p);
    else this.byContent.set(key, [p]);
    this.end = offset + p.size;
    return p;
  }

  writeTo(write: (piece: Uint8Array) => void): void {
    const zeros = new Uint8Array(8);
    const block = new Fp16Blocks();
    let at = 0;
    for (const p of this.placed) {
      if (p.offset > at) write(zeros.subarray(0, p.offset - at));
      if (!p.toFp16) forEachStoredPart(p.tensor, block.scratch, write);
      else block.forEach(p.tensor, write);
      at = p.offset + p.size;
    }
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.end);
    let at = 0;
    this.writeTo((piece) => {
      out.set(piece, at);
      at += piece.byteLength;
    });
    return out;
  }
}

/** float32 values converted per block when producing FP16 bytes. */
const CONVERT_BLOCK = 1 << 16;

/** FP16 conversion of a float tensor a block at a time into one reused buffer. */
class Fp16Blocks {
  private readonly bits = new Uint16Array(CONVERT_BLOCK);
  private readonly bytes = new Uint8Array(this.bits.buffer);
  /** Where float32 bytes still in the model file are read, a block at a time. */
  readonly scratch = new Uint8Array(CONVERT_BLOCK * 4);

  /** Calls `visit` with the float16 bytes of each block of `t` in order; a piece is valid during the call. */
  forEach(t: Tensor, visit: (piece: Uint8Array) => void): void {
    const total = t.size * 4;
    for (let from = 0; from < total; from += CONVERT_BLOCK * 4) {
      const part = this.float32Part(t, from, Math.min(CONVERT_BLOCK * 4, total - from));
      const n = part.byteLength >>> 2;
      fp16FromFloat32Bytes(part, this.bits.subarray(0, n));
      visit(this.bytes.subarray(0, n * 2));
    }
  }

  /** `length` float16 bytes of `t` from byte `from` of them (at most one block; valid until the next call). */
  slice(t: Tensor, from: number, length: number): Uint8Array {
    fp16FromFloat32Bytes(this.float32Part(t, from * 2, length * 2), this.bits.subarray(0, length >>> 1));
    return this.bytes.subarray(0, length);
  }

  /** The float32 copy of the last float64 tensor converted (a tensor is converted block after block). */
  private rounded: { t: Tensor; bytes: Uint8Array } | undefined;

  /** Bytes [from, from + length) of a float tensor as float32 (float64 is rounded to float32 first, as a cast would). */
  private float32Part(t: Tensor, from: number, length: number): Uint8Array {
    if (t.dtype === "float32") return payloadPart(t, from, length, this.scratch);
    if (this.rounded?.t !== t) {
      const f = t.toFloat32();
      this.rounded = { t, bytes: new Uint8Array(f.buffer, f.byteOffset, f.byteLength) };
    }
    return this.rounded.bytes.subarray(from, from + length);
  }
}

const hashBlocks = new Fp16Blocks();
const compareBlocks: [Fp16Blocks, Fp16Blocks] = [new Fp16Blocks(), new Fp16Blocks()];

/** Hands a constant stored as it is to `write` in parts (views, or read from the model file into a reused buffer). */
function forEachStoredPart(t: Tensor, scratch: Uint8Array, write: (piece: Uint8Array) => void): void {
  if (t.deferred && !t.deferred.loaded) forEachPayloadPart(t, scratch, write);
  else write(t.bytes());
}

/** The content hash of the bytes a constant is stored as. */
function storedHash(t: Tensor, toFp16: boolean): string {
  const hash = new ContentHasher();
  if (toFp16) hashBlocks.forEach(t, (piece) => hash.update(piece));
  else if (!t.deferred || t.deferred.loaded) return contentHash(t.bytes());
  else forEachPayloadPart(t, hashBlocks.scratch, (piece) => hash.update(piece));
  return hash.digest();
}

/** Whether `t` stores the same bytes as `p` (same stored type and size): run only on a hash match. */
function sameStored(p: Placed, t: Tensor, toFp16: boolean): boolean {
  const [mine, theirs] = compareBlocks;
  // Compared a block at a time; one side may be a float16 tensor stored as it is.
  const stored = (x: Tensor, converted: boolean, blocks: Fp16Blocks, from: number, length: number) =>
    converted ? blocks.slice(x, from, length) : payloadPart(x, from, length, blocks.scratch);
  for (let from = 0; from < p.size; from += CONVERT_BLOCK * 2) {
    const length = Math.min(CONVERT_BLOCK * 2, p.size - from);
    if (!sameBytes(stored(p.tensor, p.toFp16, mine, from, length), stored(t, toFp16, theirs, from, length))) return false;
  }
  return true;
}
