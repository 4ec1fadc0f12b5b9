/**
 * Exact identity of byte contents, without a cryptographic hash (browsers have no synchronous
 * one): equal bytes get the same small number, different bytes different numbers. A cheap
 * fingerprint of the length and a sample of the bytes picks the candidates; a full comparison
 * decides, so there are no collisions to worry about. One instance per run of a pass or an
 * emitter: ids are comparable only within it.
 */

const SAMPLES = 256;

/** FNV-1a over the length, the first and last 64 bytes and an even sample of the rest. */
function fingerprint(b: Uint8Array): string {
  let h = 0x811c9dc5 ^ b.length;
  const mix = (x: number): void => {
    h = Math.imul(h ^ x, 0x01000193);
  };
  const edge = Math.min(64, b.length);
  for (let i = 0; i < edge; i++) mix(b[i]!);
  for (let i = Math.max(edge, b.length - 64); i < b.length; i++) mix(b[i]!);
  const step = Math.max(1, Math.floor(b.length / SAMPLES));
  for (let i = 0; i < b.length; i += step) mix(b[i]!);
  return `${b.length}:${h >>> 0}`;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class ContentIds {
  private readonly buckets = new Map<string, { bytes: Uint8Array; id: number }[]>();
  private next = 0;

  /** The id of these bytes' content. The bytes are kept (not copied): do not change them afterwards. */
  id(bytes: Uint8Array): number {
    const key = fingerprint(bytes);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = [];
      this.buckets.set(key, bucket);
    }
    for (const e of bucket) if (e.bytes === bytes || equalBytes(e.bytes, bytes)) return e.id;
    const id = this.next++;
    bucket.push({ bytes, id });
    return id;
  }
}
