/** Data movement against coordinate-by-coordinate definitions; values are copied exactly (int64 stays bigint). */
import { describe, expect, it } from "vitest";
import { broadcastTo, concat, pad, tile, transpose } from "../../../src/ops/kernels/shape.js";
import type { NdArray } from "../../../src/ops/ndarray.js";
import { coords, define, flat } from "./coords.js";
import { lcg, randomArray, randomDims, randomInt, sameBits } from "./random.js";

describe("data movement kernels", () => {
  it("transpose puts input axis perm[d] at output axis d", () => {
    const rnd = lcg(31);
    for (let i = 0; i < 50; i++) {
      const dims = randomDims(rnd);
      const perm = dims.map((_, k) => k).sort(() => rnd() - 0.5);
      const x = randomArray(dims, rnd);
      const out = perm.map((p) => dims[p]!);
      const want = define(out, x, (c) => {
        const src = new Array<number>(dims.length);
        perm.forEach((p, d) => {
          src[p] = c[d]!;
        });
        return flat(src, dims);
      });
      expect(sameBits(transpose(x, perm), want), `[${dims}] perm [${perm}]`).toBe(true);
    }
  });

  it("concat joins along any axis", () => {
    const rnd = lcg(32);
    for (let i = 0; i < 40; i++) {
      const dims = randomDims(rnd);
      const axis = randomInt(rnd, 0, dims.length - 1);
      const parts = Array.from({ length: randomInt(rnd, 1, 3) }, () =>
        randomArray(
          dims.map((d, k) => (k === axis ? randomInt(rnd, 0, 3) : d)),
          rnd,
        ),
      );
      const got = concat(parts, axis);
      const offsets = parts.map((_, k) => parts.slice(0, k).reduce((s, p) => s + p.dims[axis]!, 0));
      const want = new Float64Array(got.data.length);
      for (let j = 0; j < want.length; j++) {
        const c = coords(j, got.dims);
        const k = offsets.findLastIndex((o, q) => c[axis]! >= o && parts[q]!.dims[axis]! > 0);
        c[axis]! -= offsets[k]!;
        want[j] = parts[k]!.data[flat(c, parts[k]!.dims)] as number;
      }
      expect(sameBits(got, { dtype: parts[0]!.dtype, dims: got.dims, data: want }), `case ${i}`).toBe(true);
    }
  });

  it("tile repeats every axis; shorter repeats apply to the last axes, longer ones add axes", () => {
    const x: NdArray = { dtype: "int64", dims: [2], data: BigInt64Array.of(1n, 2n) };
    expect(tile(x, [2])).toEqual({ dtype: "int64", dims: [4], data: BigInt64Array.of(1n, 2n, 1n, 2n) });
    expect(tile(x, [2, 1]).dims).toEqual([2, 2]);
    const m = randomArray([2, 3], lcg(33));
    expect(
      sameBits(
        tile(m, [2]),
        define([2, 6], m, (c) => c[0]! * 3 + (c[1]! % 3)),
      ),
    ).toBe(true);
  });

  it("broadcastTo stretches size-1 axes and refuses shapes that do not broadcast", () => {
    const x = randomArray([3, 1], lcg(34));
    expect(
      sameBits(
        broadcastTo(x, [2, 3, 4]),
        define([2, 3, 4], x, (c) => c[1]!),
      ),
    ).toBe(true);
    expect(() => broadcastTo(x, [2, 4])).toThrow(/cannot be broadcast/);
  });

  it("pad fills constant padding and mirrors for edge, reflect and symmetric", () => {
    const x: NdArray = { dtype: "float32", dims: [3], data: Float64Array.of(1, 2, 3) };
    expect([...pad(x, [2], [2], 9, "constant").data]).toEqual([9, 9, 1, 2, 3, 9, 9]);
    expect([...pad(x, [2], [2], 0, "edge").data]).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect([...pad(x, [2], [2], 0, "reflect").data]).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect([...pad(x, [2], [2], 0, "symmetric").data]).toEqual([2, 1, 1, 2, 3, 3, 2]);
  });
});
