/**
 * .npy reading and writing. Expected values are the ones make_npy_fixtures.py gave numpy,
 * written here by hand; the zoo's real files are read as their headers say.
 */

import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { encodeNpy, type NpyArray, parseNpy, readNpy, writeNpyAtomic } from "../../src/io/npy.js";
import { byteLengthOf, type DTypeName } from "../../src/ir/dtype.js";
import { fp16BitsToFloat32 } from "../../src/ir/numeric/float-bits.js";
import { CORPUS, corpusAvailable, REPO_ROOT } from "../support/corpus.js";

const fx = (name: string) => join(REPO_ROOT, "test/fixtures/npy", name);
const tmp = mkdtempSync(join(tmpdir(), "myriadc-npy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function view<T>(a: NpyArray, ctor: new (b: ArrayBufferLike, o: number, n: number) => T, width: number): T {
  return new ctor(a.data.buffer, a.data.byteOffset, a.data.byteLength / width);
}

describe("reading numpy's files", () => {
  it("float32 2×3 in C order", () => {
    const a = readNpy(fx("f32_2x3.npy"));
    expect(a.dtype).toBe("float32");
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(view(a, Float32Array, 4))).toEqual([1.5, -2, 3, 4, 5.25, -0]);
  });

  it("Fortran order is reordered into C order", () => {
    const a = readNpy(fx("f32_fortran.npy"));
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(view(a, Float32Array, 4))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("big-endian int32 is byte-swapped", () => {
    const a = readNpy(fx("i32_bigendian.npy"));
    expect(a.dtype).toBe("int32");
    expect(Array.from(view(a, Int32Array, 4))).toEqual([1, -2, 300000]);
  });

  it("a 0-d float64", () => {
    const a = readNpy(fx("f64_scalar.npy"));
    expect(a.dims).toEqual([]);
    expect(Array.from(view(a, Float64Array, 8))).toEqual([3.25]);
  });

  it("an empty int64 array", () => {
    const a = readNpy(fx("i64_empty.npy"));
    expect(a.dims).toEqual([0, 3]);
    expect(a.data.length).toBe(0);
  });

  it("bool, float16 and exact int64", () => {
    expect(Array.from(readNpy(fx("bool.npy")).data)).toEqual([1, 0, 1]);
    const h = readNpy(fx("f16.npy"));
    expect(h.dtype).toBe("float16");
    expect(Array.from(view(h, Uint16Array, 2), fp16BitsToFloat32)).toEqual([1, 0.5, 65504, -2]);
    const big = readNpy(fx("i64_big.npy"));
    expect(Array.from(view(big, BigInt64Array, 8))).toEqual([2n ** 62n + 1n, -(2n ** 63n)]);
  });

  it("a version 2.0 header", () => {
    const a = readNpy(fx("u8_v2.npy"));
    expect(a.dtype).toBe("uint8");
    expect(Array.from(a.data)).toEqual([7, 8, 9]);
  });

  it.skipIf(!corpusAvailable)("the zoo's inputs and outputs", () => {
    const zoo = join(CORPUS, "zoo");
    let n = 0;
    for (const d of readdirSync(zoo)) {
      const f = join(zoo, d, "input_0.npy");
      if (!existsSync(f)) continue;
      const a = readNpy(f);
      expect(a.dtype).toBe("float32");
      expect(a.data.length).toBe(
        byteLengthOf(
          "float32",
          a.dims.reduce((x, y) => x * y, 1),
        ),
      );
      n++;
    }
    expect(n).toBeGreaterThan(5);
  });
});

describe("bad .npy files", () => {
  it("object arrays are refused", () => {
    expect(() => readNpy(fx("object.npy"))).toThrow(/object arrays, which are not supported/);
  });

  it("bad magic, truncation and wrong data length are one-line errors naming the file", () => {
    expect(() => parseNpy(new TextEncoder().encode("hello world!"), "x.npy")).toThrow(/bad magic/);
    const good = encodeNpy({ dtype: "float32", dims: [4], data: new Uint8Array(16) });
    expect(() => parseNpy(good.slice(0, 20), "x.npy")).toThrow(/truncated/);
    expect(() => parseNpy(good.slice(0, good.length - 4), "x.npy")).toThrow(/has 12 bytes of data, but <f4 with shape \(4\) needs 16/);
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expect(() => parseNpy(longer, "x.npy")).toThrow(/has 20 bytes of data/);
    expect(() => readNpy(join(tmp, "missing.npy"))).toThrow(/no such file/);
  });
});

describe("writing", () => {
  it("round-trips random arrays (fast-check) with data aligned to 64 bytes", () => {
    const dtypes: DTypeName[] = [
      "float32",
      "float64",
      "float16",
      "int8",
      "uint8",
      "int16",
      "uint16",
      "int32",
      "uint32",
      "int64",
      "uint64",
      "bool",
    ];
    fc.assert(
      fc.property(fc.constantFrom(...dtypes), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), (dtype, dims) => {
        const n = byteLengthOf(
          dtype,
          dims.reduce((a, b) => a * b, 1),
        );
        const data = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff);
        const bytes = encodeNpy({ dtype, dims, data });
        expect((bytes.length - n) % 64).toBe(0);
        const back = parseNpy(bytes);
        expect(back.dtype).toBe(dtype);
        expect(back.dims).toEqual(dims);
        expect(Array.from(back.data)).toEqual(Array.from(data));
      }),
    );
  });

  it("writes atomically and leaves nothing behind on failure", () => {
    const p = join(tmp, "out.npy");
    writeNpyAtomic(p, { dtype: "int32", dims: [2], data: new Uint8Array(8) });
    expect(readNpy(p).dims).toEqual([2]);
    expect(() => writeNpyAtomic(join(tmp, "nope", "x.npy"), { dtype: "int32", dims: [1], data: new Uint8Array(4) })).toThrow();
    expect(readdirSync(tmp)).toEqual(["out.npy"]);
  });
});
