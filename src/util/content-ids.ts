/**
 * Exact identity of byte contents, without a cryptographic hash (browsers have no synchronous
 * one): equal bytes get the same small number, different bytes different numbers. A cheap
 * fingerprint of the length and a sample of the bytes picks the candidates; a full comparison
 * decides, so there are no collisions to worry about. One instance per run of a pass or an
 * emitter: ids are comparable only within it.
 *
 * Bytes still in the model file (deferred) are looked at through a scratch buffer and not
 * kept: CSE compares weights that `fix` then copies from file to file without holding them.
 */
import { type DeferredBytes, pieceInMemory } from "./deferred-bytes.js";

/** The fingerprint looks at the first and last EDGE bytes and BLOCKS runs of BLOCK bytes between them. */
const EDGE = 64;
const BLOCKS = 4;
const BLOCK = 16;
/** Deferred contents are compared through buffers of this size. */
const COMPARE_BYTES = 1 << 20;

/**
 * FNV-1a over the length and a few runs of the bytes (all of them when short), each got from
 * `at(offset, length)`: few enough that bytes still in a file are sampled by a few small reads.
 */
function fingerprint(length: number, at: (offset: number, n: number) => Uint8Array): number {
  let h = 0x811c9dc5 ^ length;
  const mix = (b: Uint8Array) => {
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  };
  if (length <= 2 * EDGE + BLOCKS * BLOCK) mix(at(0, length));
  else {
    mix(at(0, EDGE));
    mix(at(length - EDGE, EDGE));
    const step = Math.floor((length - 2 * EDGE) / BLOCKS);
    for (let k = 0; k < BLOCKS; k++) mix(at(EDGE + k * step, BLOCK));
  }
  return h >>> 0;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytes in memory, or bytes still in their file. */
export type Content = Uint8Array | DeferredBytes;

interface Entry {
  readonly content: Content;
  readonly id: number;
}

export class ContentIds {
  /** By fingerprint: the one entry with it, or the list when fingerprints collide. */
  private readonly buckets = new Map<number, Entry | Entry[]>();
  private next = 0;
  /** Where deferred bytes are looked at: one buffer for the content asked about, one for a candidate's. */
  private readonly scratch = [new Uint8Array(0), new Uint8Array(0)];

  /** Bytes [from, from + n) of a content: a view when in memory, else read into scratch buffer `slot`. */
  private part(content: Content, from: number, n: number, slot: number): Uint8Array {
    const inMemory = pieceInMemory(content);
    if (inMemory) return inMemory.subarray(from, from + n);
    if (this.scratch[slot]!.byteLength < n) this.scratch[slot] = new Uint8Array(Math.max(n, EDGE));
    const view = this.scratch[slot]!.subarray(0, n);
    (content as DeferredBytes).copyTo(view, from);
    return view;
  }

  private same(a: Content, b: Content): boolean {
    if (a === b) return true;
    if (a.byteLength !== b.byteLength) return false;
    for (let from = 0; from < a.byteLength; from += COMPARE_BYTES) {
      const n = Math.min(COMPARE_BYTES, a.byteLength - from);
      if (!equalBytes(this.part(a, from, n, 0), this.part(b, from, n, 1))) return false;
    }
    return true;
  }

  /** The id of this content. It is kept (not copied): do not change it afterwards. */
  id(content: Content): number {
    const key = fingerprint(content.byteLength, (offset, n) => this.part(content, offset, n, 0));
    const bucket = this.buckets.get(key);
    const same = (e: Entry) => this.same(e.content, content);
    if (bucket !== undefined && !Array.isArray(bucket) && same(bucket)) return bucket.id;
    if (Array.isArray(bucket)) for (const e of bucket) if (same(e)) return e.id;
    const entry = { content, id: this.next++ };
    if (bucket === undefined) this.buckets.set(key, entry);
    else if (Array.isArray(bucket)) bucket.push(entry);
    else this.buckets.set(key, [bucket, entry]);
    return entry.id;
  }
}
