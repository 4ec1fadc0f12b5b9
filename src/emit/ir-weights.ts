/**
 * The .bin of an IR: where each Const's bytes go (8-byte aligned, identical constants
 * stored once) and the bytes themselves, produced only when written. A constant stays a
 * view on the model file until then, and an FP16 one is converted block by block straight
 * into the output, so writing a 100 MB model's weights needs no second copy of them (the
 * file writer gathers small pieces into large writes).
 */
import { contentHash } from "../ir/content-hash.js";
import type { DTypeName } from "../ir/dtype.js";
import { fp16FromFloat32Bytes } from "../ir/numeric/fp16-arrays.js";
import type { Tensor } from "../ir/tensor.js";

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

/** float32 values converted per block when producing FP16 bytes. */
const CONVERT_BLOCK = 1 << 16;

export class WeightsLayout implements IrWeights {
  private readonly placed: Placed[] = [];
  /** Constants by stored type, shape and content hash (a match is confirmed byte by byte). */
  private readonly byContent = new Map<string, Placed[]>();
  private end = 0;
  private scratch = new Uint16Array(0);

  get byteLength(): number {
    return this.end;
  }

  /** Places a constant, or finds an identical one already placed (same stored type, shape and bytes). */
  place(t: Tensor, storedType: DTypeName): { offset: number; size: number } {
    const toFp16 = storedType === "float16" && (t.dtype === "float32" || t.dtype === "float64");
    const bytes = toFp16 ? this.convert(t) : t.bytes();
    const key = `${storedType}|${t.dims.join(",")}|${contentHash(bytes)}`;
    const candidates = this.byContent.get(key);
    for (const c of candidates ?? []) if (sameBytes(storedBytes(c), bytes)) return c;
    const offset = this.end + ((8 - (this.end % 8)) % 8);
    const p: Placed = { tensor: t, toFp16, offset, size: bytes.byteLength };
    this.placed.push(p);
    if (candidates) candidates.push(p);
    else this.byContent.set(key, [p]);
    this.end = offset + p.size;
    return p;
  }

  /** The float16 bytes of a float tensor, in a scratch buffer reused by the next call. */
  private convert(t: Tensor): Uint8Array {
    if (this.scratch.length < t.size) this.scratch = new Uint16Array(Math.max(t.size, this.scratch.length * 2));
    const bits = fp16FromFloat32Bytes(float32Bytes(t), this.scratch.subarray(0, t.size));
    return new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
  }

  writeTo(write: (piece: Uint8Array) => void): void {
    const zeros = new Uint8Array(8);
    const block = new Uint16Array(CONVERT_BLOCK);
    let at = 0;
    for (const p of this.placed) {
      if (p.offset > at) write(zeros.subarray(0, p.offset - at));
      if (!p.toFp16) write(p.tensor.bytes());
      else {
        const src = float32Bytes(p.tensor);
        for (let from = 0; from < src.byteLength; from += CONVERT_BLOCK * 4) {
          const part = src.subarray(from, Math.min(src.byteLength, from + CONVERT_BLOCK * 4));
          const bits = fp16FromFloat32Bytes(part, block.subarray(0, part.byteLength / 4));
          write(new Uint8Array(bits.buffer, 0, bits.byteLength));
        }
      }
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

/** A float tensor's float32 bytes (float64 is rounded to float32 first, as a cast would). */
function float32Bytes(t: Tensor): Uint8Array {
  if (t.dtype === "float32") return t.bytes();
  const f = t.toFloat32();
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

/** The bytes a placed constant stores (converted again for FP16: only on a hash match). */
function storedBytes(p: Placed): Uint8Array {
  if (!p.toFp16) return p.tensor.bytes();
  const bits = fp16FromFloat32Bytes(float32Bytes(p.tensor));
  return new Uint8Array(bits.buffer);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
