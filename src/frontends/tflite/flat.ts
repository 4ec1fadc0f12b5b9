/**
 * Bounds-checked reading of FlatBuffers tables on the `flatbuffers` runtime's ByteBuffer.
 * The runtime trusts its input (an offset past the end reads `undefined` as 0 and goes on),
 * so every offset a table, vector or string follows is checked here first: a corrupt file
 * becomes a FlatError naming what was out of range, never a wrong value or a crash.
 *
 * Fields are addressed by slot, the position of the field in its schema table (a union
 * takes two slots: its type, then its value); the vtable entry of slot k is at 4 + 2k.
 */
import { ByteBuffer } from "flatbuffers";

/** A structural problem in the bytes; the loader turns it into a MyriadcError naming the file. */
export class FlatError extends Error {}

export class FlatBuffer {
  readonly bb: ByteBuffer;
  readonly length: number;

  constructor(readonly bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
    this.length = bytes.byteLength;
  }

  /** Throws unless [at, at + size) lies inside the buffer. */
  check(at: number, size: number, what: string): void {
    if (!Number.isInteger(at) || at < 0 || size < 0 || at + size > this.length) {
      throw new FlatError(`${what} points outside the file (offset ${at}, ${size} bytes, file has ${this.length})`);
    }
  }

  /** The four-character file identifier at bytes 4–7. */
  identifier(): string {
    this.check(4, 4, "the file identifier");
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  /** The root table (the uoffset at byte 0). */
  root(what: string): FlatTable {
    this.check(0, 4, "the root offset");
    return this.tableAt(this.bb.readUint32(0), what);
  }

  tableAt(pos: number, what: string): FlatTable {
    this.check(pos, 4, what);
    const vtable = pos - this.bb.readInt32(pos);
    this.check(vtable, 4, `the field table of ${what}`);
    const vtableSize = this.bb.readUint16(vtable);
    const tableSize = this.bb.readUint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw new FlatError(`${what} has a malformed field table (size ${vtableSize})`);
    this.check(vtable, vtableSize, `the field table of ${what}`);
    this.check(pos, tableSize, what);
    return new FlatTable(this, pos, vtable, vtableSize, what);
  }
}

export class FlatTable {
  constructor(
    readonly buf: FlatBuffer,
    readonly pos: number,
    private readonly vtable: number,
    private readonly vtableSize: number,
    readonly what: string,
  ) {}

  /** Absolute position of a field's data, or 0 when the field is absent. */
  private field(slot: number, size: number): number {
    const entry = 4 + 2 * slot;
    if (entry + 2 > this.vtableSize) return 0;
    const rel = this.buf.bb.readUint16(this.vtable + entry);
    if (rel === 0) return 0;
    const at = this.pos + rel;
    this.buf.check(at, size, `field ${slot} of ${this.what}`);
    return at;
  }

  has(slot: number): boolean {
    return this.field(slot, 0) !== 0;
  }

  int8(slot: number, fallback = 0): number {
    const at = this.field(slot, 1);
    return at ? this.buf.bb.readInt8(at) : fallback;
  }

  uint8(slot: number, fallback = 0): number {
    const at = this.field(slot, 1);
    return at ? this.buf.bb.readUint8(at) : fallback;
  }

  bool(slot: number, fallback = false): boolean {
    const at = this.field(slot, 1);
    return at ? this.buf.bb.readUint8(at) !== 0 : fallback;
  }

  int32(slot: number, fallback = 0): number {
    const at = this.field(slot, 4);
    return at ? this.buf.bb.readInt32(at) : fallback;
  }

  uint32(slot: number, fallback = 0): number {
    const at = this.field(slot, 4);
    return at ? this.buf.bb.readUint32(at) : fallback;
  }

  float32(slot: number, fallback = 0): number {
    const at = this.field(slot, 4);
    return at ? this.buf.bb.readFloat32(at) : fallback;
  }

  uint64(slot: number, fallback = 0n): bigint {
    const at = this.field(slot, 8);
    return at ? this.buf.bb.readUint64(at) : fallback;
  }

  int64(slot: number, fallback = 0n): bigint {
    const at = this.field(slot, 8);
    return at ? this.buf.bb.readInt64(at) : fallback;
  }

  /** Follows the uoffset stored at a field to the object it points at. */
  private target(slot: number, what: string): number {
    const at = this.field(slot, 4);
    if (!at) return 0;
    const to = at + this.buf.bb.readUint32(at);
    this.buf.check(to, 4, what);
    return to;
  }

  table(slot: number, what: string): FlatTable | undefined {
    const to = this.target(slot, what);
    return to ? this.buf.tableAt(to, what) : undefined;
  }

  string(slot: number): string | undefined {
    const bytes = this.vectorBytes(slot, 1, `string field ${slot} of ${this.what}`);
    return bytes ? new TextDecoder().decode(bytes) : undefined;
  }

  /** Start and length of a vector of `width`-byte elements. */
  private vector(slot: number, width: number, what: string): { start: number; count: number } | undefined {
    const to = this.target(slot, what);
    if (!to) return undefined;
    const count = this.buf.bb.readUint32(to);
    this.buf.check(to + 4, count * width, what);
    return { start: to + 4, count };
  }

  /** A view (no copy) of a vector's bytes. */
  vectorBytes(slot: number, width: number, what: string): Uint8Array | undefined {
    const v = this.vector(slot, width, what);
    return v ? this.buf.bytes.subarray(v.start, v.start + v.count * width) : undefined;
  }

  int32s(slot: number): number[] | undefined {
    const v = this.vector(slot, 4, `int vector ${slot} of ${this.what}`);
    if (!v) return undefined;
    return Array.from({ length: v.count }, (_, i) => this.buf.bb.readInt32(v.start + 4 * i));
  }

  uint16s(slot: number): number[] | undefined {
    const v = this.vector(slot, 2, `ushort vector ${slot} of ${this.what}`);
    if (!v) return undefined;
    return Array.from({ length: v.count }, (_, i) => this.buf.bb.readUint16(v.start + 2 * i));
  }

  uint8s(slot: number): number[] | undefined {
    const b = this.vectorBytes(slot, 1, `byte vector ${slot} of ${this.what}`);
    return b ? Array.from(b) : undefined;
  }

  float32s(slot: number): number[] | undefined {
    const v = this.vector(slot, 4, `float vector ${slot} of ${this.what}`);
    if (!v) return undefined;
    return Array.from({ length: v.count }, (_, i) => this.buf.bb.readFloat32(v.start + 4 * i));
  }

  int64s(slot: number): bigint[] | undefined {
    const v = this.vector(slot, 8, `long vector ${slot} of ${this.what}`);
    if (!v) return undefined;
    return Array.from({ length: v.count }, (_, i) => this.buf.bb.readInt64(v.start + 8 * i));
  }

  /** A vector of tables; element i is described as `${what}[i]`. */
  tables(slot: number, what: string): FlatTable[] {
    const v = this.vector(slot, 4, what);
    if (!v) return [];
    return Array.from({ length: v.count }, (_, i) => {
      const at = v.start + 4 * i;
      return this.buf.tableAt(at + this.buf.bb.readUint32(at), `${what}[${i}]`);
    });
  }

  strings(slot: number, what: string): string[] {
    const v = this.vector(slot, 4, what);
    if (!v) return [];
    const dec = new TextDecoder();
    return Array.from({ length: v.count }, (_, i) => {
      const at = v.start + 4 * i;
      const to = at + this.buf.bb.readUint32(at);
      this.buf.check(to, 4, `${what}[${i}]`);
      const n = this.buf.bb.readUint32(to);
      this.buf.check(to + 4, n, `${what}[${i}]`);
      return dec.decode(this.buf.bytes.subarray(to + 4, to + 4 + n));
    });
  }
}
