/**
 * Exact identity of byte contents, without a cryptographic hash (browsers have no synchronous
 * one): equal bytes get the same small number, different bytes different numbers. A cheap
 * fingerprint of the length and a sample of the bytes picks the candidates; a full comparison
 * decides, so there are no collisions to worry about. One instance per run of a pass or an
 * emitter: ids are comparable only within it.
 */

const SAMPLES = 256;

/** FNV-1a over the length, the first and last 64 bytes and an even sample of the rest. */
function fingerprint(b: Uint8Array): number {
  let h = 0x811c9dc5 ^ b.length;
  const edge = Math.min(64, b.length);
  for (let i = 0; i < edge; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  for (let i = Math.max(edge, b.length - 64); i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const step = Math.max(1, Math.floor(b.length / SAMPLES));
  for (let i = 0; i < b.length; i += step) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Entry {
  readonly bytes: Uint8Array;
  readonly id: number;
}

export class ContentIds {
  /** By fingerprint: the one entry with it, or the list when fingerprints collide. */
  private readonly buckets = new Map<number, Entry | Entry[]>();
  private next = 0;

  /** The id of these bytes' content. The bytes are kept (not copied): do not change them afterwards. */
  id(bytes: Uint8Array): number {
    const key = fingerprint(bytes);
    const bucket = this.buckets.get(key);
    const same = (e: Entry) => e.bytes === bytes || equalBytes(e.bytes, bytes);
    if (bucket !== undefined && !Array.isArray(bucket) && same(bucket)) return bucket.id;
    if (Array.isArray(bucket)) for (const e of bucket) if (same(e)) return e.id;
    const entry = { bytes, id: this.next++ };
    if (bucket === undefined) this.buckets.set(key, entry);
    else if (Array.isArray(bucket)) bucket.push(entry);
    else this.buckets.set(key, [bucket, entry]);
    return entry.id;
  }
}
