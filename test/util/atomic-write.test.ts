/**
 * The atomic writer: pieces given as an array go to the file with writev, uncopied, in
 * batches of at most 1024 (empty pieces, thousands of pieces and large ones alike); pieces
 * a function produces are staged; either way the file holds exactly their concatenation and
 * no temporary is left behind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomic, writeFilesAtomic } from "../../src/util/atomic-write.js";
import { countingDeferred } from "../support/deferred.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pieces of varied sizes (some empty), filled with a running byte pattern. */
function pieces(count: number, size: (i: number) => number): Uint8Array[] {
  let k = 0;
  return Array.from({ length: count }, (_, i) => Uint8Array.from({ length: size(i) }, () => k++ & 0xff));
}

const concat = (list: readonly Uint8Array[]) => Buffer.concat(list.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));

describe("writeFileAtomic", () => {
  it("writes thousands of pieces, empty ones among them, as their concatenation", () => {
    const list = pieces(3000, (i) => (i % 7 === 0 ? 0 : (i * 13) % 97));
    const target = join(dir, "many.bin");
    writeFileAtomic(target, list);
    expect(Buffer.compare(readFileSync(target), concat(list))).toBe(0);
  });

  it("writes views on a larger buffer, large pieces and small, in order", () => {
    const whole = Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 31) & 0xff);
    const list = [whole.subarray(5, 1 << 20), new Uint8Array(0), whole.subarray(7, 9), whole.subarray(1 << 20)];
    const target = join(dir, "views.bin");
    writeFileAtomic(target, list);
    expect(Buffer.compare(readFileSync(target), concat(list))).toBe(0);
  });

  it("copies deferred pieces from their file in parts, between pieces in memory, without keeping them", () => {
    const big = Uint8Array.from({ length: (5 << 20) / 2 }, (_, i) => (i * 13) & 0xff);
    const small = Uint8Array.from({ length: 1000 }, (_, i) => (i * 3) & 0xff);
    const deferred = [countingDeferred(big), countingDeferred(small)];
    const loaded = countingDeferred(small.subarray(10));
    loaded.bytes();
    const head = Uint8Array.of(1, 2, 3);
    const target = join(dir, "deferred.bin");
    writeFileAtomic(target, [head, deferred[0]!, deferred[1]!, loaded, head]);
    expect(Buffer.compare(readFileSync(target), concat([head, big, small, small.subarray(10), head]))).toBe(0);
    expect(deferred.map((d) => [d.copied, d.loads])).toEqual([
      [big.byteLength, 0],
      [small.byteLength, 0],
    ]);
    expect(loaded.copied).toBe(0); // in memory already: written from there
  });

  it("stages the pieces a function produces, even when it reuses its buffer", () => {
    const target = join(dir, "produced.bin");
    const scratch = new Uint8Array(10);
    writeFileAtomic(target, (write) => {
      for (let i = 0; i < 300; i++) {
        scratch.fill(i & 0xff);
        write(scratch);
      }
    });
    const expected = Buffer.concat(Array.from({ length: 300 }, (_, i) => Buffer.alloc(10, i & 0xff)));
    expect(Buffer.compare(readFileSync(target), expected)).toBe(0);
  });

  it("leaves only the targets in the folder", () => {
    const sub = mkdtempSync(join(dir, "group-"));
    writeFilesAtomic([
      { path: join(sub, "a.onnx"), chunks: pieces(5, () => 100) },
      { path: join(sub, "a.onnx.data"), chunks: pieces(2, () => 5000) },
    ]);
    expect(readdirSync(sub).sort()).toEqual(["a.onnx", "a.onnx.data"]);
  });
});
