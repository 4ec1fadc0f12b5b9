/** Content ids: equal bytes share an id, any difference (even outside the sampled bytes) does not. */
import { describe, expect, it } from "vitest";
import { ContentIds } from "../../src/util/content-ids.js";

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
});
