/**
 * Reading an ONNX file without its large weights: the file goes into a buffer of its size at
 * the same offsets, except the payloads of large `raw_data` fields, which are left unread
 * (their pages are never touched, so they cost no memory) and listed. The loader makes those
 * tensors deferred (src/util/deferred-bytes.ts): `fix` copies them from file to file, `inspect`
 * never reads them, and whatever needs their values reads them then.
 *
 * The walk follows the message table in schema.ts: it descends into every message field large
 * enough to hold a large payload (initializers, Constant nodes' tensors, subgraphs, functions,
 * sparse tensors) and reads everything else in runs that grow while no payload is met. A file
 * the walk cannot follow (a group, a length past its message) is left to the ordinary read,
 * whose decoder says what is wrong with it.
 */
import { type MessagePlan, messagePlan } from "./proto/table-decoder.js";

/** A payload left unread: bytes [offset, offset + length) of the file. */
export interface UnreadRange {
  readonly offset: number;
  readonly length: number;
}

export interface ReadWithoutWeights {
  /** The file's bytes, zeros where a payload was left unread. */
  readonly bytes: Uint8Array;
  /** The payloads left unread, in file order. */
  readonly unread: readonly UnreadRange[];
}

/** Reads bytes [offset, offset + into.byteLength) of the file into `into`. */
export type FillFrom = (into: Uint8Array, offset: number) => void;

/** raw_data payloads of at least this many bytes are left unread. */
export const UNREAD_MIN_BYTES = 64 * 1024;

/** The first read after a payload, and the most one read takes (runs double in between). */
const FIRST_READ = 256;
const LARGEST_READ = 1 << 20;

class Walk {
  readonly bytes: Uint8Array;
  readonly unread: UnreadRange[] = [];
  /** Every byte below this was read or is in an unread payload. */
  private readTo = 0;
  private run = FIRST_READ;
  private readonly tensor = messagePlan("TensorProto");
  private readonly rawData: number;

  constructor(
    private readonly size: number,
    private readonly fill: FillFrom,
    private readonly minBytes: number,
  ) {
    this.bytes = new Uint8Array(size);
    this.rawData = [...this.tensor.fields].find(([, f]) => f.name === "raw_data")![0];
  }

  /** Makes bytes below `end` available (reading ahead, less right after a payload: a header may be followed by the next one). */
  need(end: number): void {
    if (end <= this.readTo) return;
    const to = Math.min(this.size, Math.max(end, this.readTo + this.run));
    this.fill(this.bytes.subarray(this.readTo, to), this.readTo);
    this.readTo = to;
    this.run = Math.min(2 * this.run, LARGEST_READ);
  }

  private leave(offset: number, length: number): void {
    this.unread.push({ offset, length });
    // The read ahead may have taken its first bytes: a payload left unread is zeros throughout.
    this.bytes.fill(0, offset, Math.min(this.readTo, offset + length));
    this.readTo = Math.max(this.readTo, offset + length);
    this.run = FIRST_READ;
  }

  /** Where the last varint read ended. */
  private next = 0;

  /** The varint at `pos` (its end in `next`), or -1 when malformed or past `end`. No allocation: a walk reads millions. */
  private varint(pos: number, end: number): number {
    if (pos + 10 > this.readTo) this.need(Math.min(pos + 10, this.size));
    const bytes = this.bytes;
    const first = pos < end ? bytes[pos]! : 0x80;
    if (first < 0x80) {
      this.next = pos + 1;
      return first;
    }
    let value = 0;
    let scale = 1;
    for (let i = pos; i < end && i < pos + 10; i++) {
      const b = bytes[i]!;
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) {
        this.next = i + 1;
        return value;
      }
    }
    return -1;
  }

  /** Walks the message of `plan` in [start, end); false when the bytes are not such a message. */
  message(plan: MessagePlan, start: number, end: number): boolean {
    let pos = start;
    while (pos < end) {
      const key = this.varint(pos, end);
      if (key < 0) return false;
      const afterTag = this.next;
      switch (key % 8) {
        case 0:
          if (this.varint(afterTag, end) < 0) return false;
          pos = this.next;
          break;
        case 1:
          pos = afterTag + 8;
          break;
        case 5:
          pos = afterTag + 4;
          break;
        case 2: {
          const length = this.varint(afterTag, end);
          if (length < 0) return false;
          const at = this.next;
          if (at + length > end) return false;
          if (length >= this.minBytes) {
            const field = Math.floor(key / 8);
            const f = plan.fields.get(field);
            if (f?.kind === "message" && f.message) {
              if (!this.message(f.message, at, at + length)) return false;
            } else if (plan === this.tensor && field === this.rawData) this.leave(at, length);
            else this.need(at + length);
          } else if (at + length > this.readTo) this.need(at + length);
          pos = at + length;
          break;
        }
        default:
          return false; // groups (3, 4) and the unused wire types
      }
    }
    return pos === end;
  }
}

/**
 * The file's bytes with the large raw_data payloads left unread, or undefined when the file is
 * not a ModelProto the walk can follow (read it whole then). `fill` errors propagate.
 */
export function readWithoutWeights(size: number, fill: FillFrom, minBytes = UNREAD_MIN_BYTES): ReadWithoutWeights | undefined {
  const walk = new Walk(size, fill, minBytes);
  let ok: boolean;
  try {
    ok = walk.message(messagePlan("ModelProto"), 0, size);
  } catch (e) {
    // Nesting deep enough to exhaust the stack is a file for the ordinary read to judge.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  if (!ok) return undefined;
  walk.need(size);
  return { bytes: walk.bytes, unread: walk.unread };
}
