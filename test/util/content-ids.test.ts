/**
 * Content ids: equal bytes share an id, any difference (even outside the sampled bytes) does
 * not; bytes still in a file get the same ids, and are sampled by a few small reads.
 */
import { describe, expect, it } from "vitest";
import { ContentIds } from "../../src/util/content-ids.js";
import { countingDeferred } from "../support/deferred.js";

describe("ContentIds", () => {
  it("gives equal contents one id and different contents different ids", () => {
    const ids = new ContentIds();
    const a = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
    const same = a.slice();
    // One byte changed where the sample does not look (between sample points, away from the ends).
    const other = a.slice();
    other[5001] = (other[5001]! + 1) % 256;
    expect(ids.id(a)).toBe(ids.id(same));
    expect(ids.id(other)).not.toBe(ids.id(a));
    expect(ids.id(new Uint8Array(0))).toBe(ids.id(new Uint8Array(0)));
    expect(ids.id(a.subarray(0, 9999))).not.toBe(ids.id(a));
  });

  it("gives bytes still in a file the id of the same bytes in memory, reading a sample of them, never keeping them", () => {
    const ids = new ContentIds();
    const a = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) % 253);
    const inFile = countingDeferred(a);
    const id = ids.id(inFile);
    expect(inFile.copied).toBeLessThan(400);
    expect(ids.id(a.slice())).toBe(id);
    expect(inFile.loads).toBe(0);
  });

  it("tells apart bytes in a file that differ where the sample does not look", () => {
    const ids = new ContentIds();
    const a = Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 7) % 253);
    const b = a.slice();
    b[(3 << 20) - 1000] = (b[(3 << 20) - 1000]! + 1) % 256;
    const first = countingDeferred(a);
    const second = countingDeferred(b);
    expect(ids.id(second)).not.toBe(ids.id(first));
    expect(ids.id(countingDeferred(a.slice()))).toBe(ids.id(first));
    expect(first.loads + second.loads).toBe(0);
  });
});
