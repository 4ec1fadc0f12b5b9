/**
 * A protobuf wire-format writer that runs a message-writing function twice: once to measure
 * (every length-delimited field's size, in the order met), once to write into a buffer of
 * exactly the measured size. So a model goes from the IR straight to bytes, with no
 * intermediate message objects and no per-field bookkeeping objects (protobufjs's Writer
 * allocates one per field, which at 200k nodes is most of the garbage a save makes).
 *
 * Fields are written as protobufjs writes them for our schema (the caller writes them in
 * field-number order): int64 as 64-bit two's-complement varints, int32 negative values as
 * ten-byte varints, strings as UTF-8 (a lone surrogate becomes U+FFFD, as Node's Buffer and
 * TextEncoder do). Large `bytes` fields can be left as views (`view`): in the written
 * output they are separate pieces pointing at the caller's bytes (or at bytes still in the
 * model file), never copied.
 */
import type { Piece } from "../../../util/deferred-bytes.js";

/** Writes one message's fields to `w`; called once per pass with the same `arg`. */
export type FieldsOf<T> = (w: WireWriter, arg: T) => void;

const textEncoder = new TextEncoder();
/** A float's four bytes, through one shared scratch word. */
const floatScratch = new Float32Array(1);
const floatBytes = new Uint8Array(floatScratch.buffer);

/** UTF-8 length of a JS string, lone surrogates counted as U+FFFD (3 bytes). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 4 bytes for 2 code units
      i++;
    } else n += 2;
  }
  return n;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

function varint64Length(v: bigint): number {
  let u = BigInt.asUintN(64, v);
  let len = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    len++;
  }
  return len;
}

export class WireWriter {
  /** True in the measuring pass. */
  private sizing = true;
  private pos = 0;
  /** Sizes of the length-delimited messages, in pre-order (filled while measuring). */
  private readonly sizes: number[] = [];
  private sizeCursor = 0;
  /** Bytes left as views (measured, not written into `buf`). */
  private viewBytes = 0;
  private buf = new Uint8Array(0);
  private pieces: Piece[] = [];
  private pieceStart = 0;
  /** Values the caller computed while measuring, handed back in the same order while writing. */
  private readonly memo: unknown[] = [];
  private memoCursor = 0;

  /** Whether this is the measuring pass (for work that must happen once, see `once`). */
  get measuring(): boolean {
    return this.sizing;
  }

  /**
   * `compute()` while measuring, and the same value again, in call order, while writing: for
   * work with effects (placing a tensor in an external file) or worth doing once.
   */
  once<T>(compute: () => T): T {
    if (this.sizing) {
      const v = compute();
      this.memo.push(v);
      return v;
    }
    return this.memo[this.memoCursor++] as T;
  }

  private byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  private rawVarint(n: number): void {
    if (this.sizing) {
      this.pos += varintLength(n);
      return;
    }
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  private rawVarint64(v: bigint): void {
    if (v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
      this.rawVarint(Number(v));
      return;
    }
    if (this.sizing) {
      this.pos += varint64Length(v);
      return;
    }
    let u = BigInt.asUintN(64, v);
    while (u >= 0x80n) {
      this.byte(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
    this.byte(Number(u));
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** A varint field holding a non-negative safe integer (uint32, or int32/int64 ≥ 0). */
  uint(field: number, n: number): void {
    this.tag(field, 0);
    this.rawVarint(n);
  }

  /** An int32 field (negative values are sign-extended to ten bytes, as protobuf requires). */
  int32(field: number, n: number): void {
    this.tag(field, 0);
    if (n >= 0) this.rawVarint(n);
    else this.rawVarint64(BigInt(n));
  }

  int64(field: number, v: bigint): void {
    this.tag(field, 0);
    this.rawVarint64(v);
  }

  /** A non-negative int64 given as a number (dims, versions). */
  int64Number(field: number, n: number): void {
    if (Number.isSafeInteger(n) && n >= 0) this.uint(field, n);
    else this.int64(field, BigInt(n));
  }

  float(field: number, f: number): void {
    this.tag(field, 5);
    if (!this.sizing) {
      floatScratch[0] = f; // little-endian host, as the rest of the IR assumes
      this.buf.set(floatBytes, this.pos);
    }
    this.pos += 4;
  }

  string(field: number, s: string): void {
    this.tag(field, 2);
    if (this.sizing) {
      const n = utf8Length(s);
      this.pos += varintLength(n) + n;
      return;
    }
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.rawVarint(s.length);
      for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
      return;
    }
    const n = utf8Length(s);
    this.rawVarint(n);
    this.pos += textEncoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + n)).written;
  }

  /** A bytes field, copied into the output. */
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.rawVarint(b.byteLength);
    if (!this.sizing) this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  /** A bytes field left as a view on `b`: a piece of its own in the output, never copied. */
  view(field: number, b: Piece): void {
    this.tag(field, 2);
    this.rawVarint(b.byteLength);
    if (this.sizing) {
      this.viewBytes += b.byteLength;
      this.pos += b.byteLength;
      return;
    }
    this.pieces.push(this.buf.subarray(this.pieceStart, this.pos), b);
    this.pieceStart = this.pos;
  }

  /** Bytes that already are encoded fields (written by another encoder), copied as they are. */
  encoded(b: Uint8Array): void {
    if (!this.sizing) this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  /** A length-delimited sub-message whose fields `fields` writes. */
  message<T>(field: number, fields: FieldsOf<T>, arg: T): void {
    this.tag(field, 2);
    if (this.sizing) {
      const slot = this.sizes.length;
      this.sizes.push(0);
      const start = this.pos;
      fields(this, arg);
      const size = this.pos - start;
      this.sizes[slot] = size;
      this.pos += varintLength(size);
      return;
    }
    const size = this.sizes[this.sizeCursor++]!;
    this.rawVarint(size);
    fields(this, arg);
  }

  /**
   * The message `fields` writes for `arg`, as pieces in order: buffers of this writer and the
   * views `view` left in place. `fields` runs twice and must write the same fields both times.
   */
  static pieces<T>(fields: FieldsOf<T>, arg: T): Piece[] {
    const w = new WireWriter();
    fields(w, arg);
    const total = w.pos;
    w.sizing = false;
    w.pos = 0;
    w.buf = new Uint8Array(total - w.viewBytes);
    fields(w, arg);
    if (w.pos !== w.buf.byteLength || w.sizeCursor !== w.sizes.length || w.memoCursor !== w.memo.length)
      throw new Error("WireWriter: the writing pass wrote other fields than the measuring pass");
    w.pieces.push(w.buf.subarray(w.pieceStart, w.pos));
    return w.pieces.filter((p) => p.byteLength > 0);
  }
}
