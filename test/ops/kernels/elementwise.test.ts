/**
 * Broadcasting binary ops, unary maps and Select against the element-by-element formulas
 * (ONNX semantics) through a full broadcast index: the run-wise loops must give the same
 * bits for every shape pairing (same shape, scalar, per channel, both sides broadcast).
 */
import { describe, expect, it } from "vitest";
import { type BinaryOp, binary, clamp, relu, roundHalfEven, select, unaryMap } from "../../../src/ops/kernels/elementwise.js";
import { broadcastDims, broadcastIndex, forEachBroadcastRun, type NdArray } from "../../../src/ops/ndarray.js";
import { lcg, randomArray, randomInt, sameBits } from "./random.js";

const FORMULA: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  power: (a, b) => a ** b,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b)),
  squaredDifference: (a, b) => (a - b) * (a - b),
  floorMod: (a, b) => a - Math.floor(a / b) * b,
  truncMod: (a, b) => a % b,
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a && b ? 1 : 0),
  or: (a, b) => (a || b ? 1 : 0),
  xor: (a, b) => (a ? 1 : 0) ^ (b ? 1 : 0),
  prelu: (x, s) => (x < 0 ? s * x : x),
};

function byFormula(op: BinaryOp, a: NdArray, b: NdArray, f: (a: number, b: number) => number): NdArray {
  const dims = broadcastDims(a.dims, b.dims)!;
  const ia = broadcastIndex(a.dims, dims);
  const ib = broadcastIndex(b.dims, dims);
  const out = Float64Array.from(ia, (x, i) => f(a.data[x] as number, b.data[ib[i]!] as number));
  const bool = ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "and", "or", "xor"].includes(op);
  return { dtype: bool ? "bool" : a.dtype, dims, data: out };
}

/** A pair of shapes that broadcast: each axis of each side is kept or made 1, ranks may differ. */
function shapePair(rnd: () => number): [number[], number[]] {
  const rank = randomInt(rnd, 0, 4);
  const full = Array.from({ length: rank }, () => randomInt(rnd, 1, 5));
  const side = () => full.slice(randomInt(rnd, 0, rank)).map((d) => (rnd() < 0.35 ? 1 : d));
  return [side(), side()];
}

describe("binary kernels", () => {
  it("every op equals its formula on random broadcast pairs", () => {
    const rnd = lcg(5);
    for (const op of Object.keys(FORMULA) as BinaryOp[]) {
      for (let i = 0; i < 40; i++) {
        const [da, db] = shapePair(rnd);
        const a = randomArray(da, rnd);
        const b = randomArray(db, rnd);
        expect(sameBits(binary(op, a, b), byFormula(op, a, b, FORMULA[op])), `${op} [${da}] [${db}]`).toBe(true);
      }
    }
  });

  it("integer division truncates toward zero; 64-bit integers compute exactly", () => {
    const i32: NdArray = { dtype: "int32", dims: [4], data: Float64Array.of(7, -7, 7, -7) };
    const d32: NdArray = { dtype: "int32", dims: [4], data: Float64Array.of(2, 2, -2, -2) };
    expect([...binary("divide", i32, d32).data]).toEqual([3, -3, -3, 3]);
    const big: NdArray = { dtype: "int64", dims: [2], data: BigInt64Array.of(9007199254740993n, -5n) };
    const one: NdArray = { dtype: "int64", dims: [], data: BigInt64Array.of(1n) };
    expect([...binary("add", big, one).data]).toEqual([9007199254740994n, -4n]);
    expect([...binary("floorMod", big, { dtype: "int64", dims: [], data: BigInt64Array.of(3n) }).data]).toEqual([0n, 1n]);
    expect(binary("less", big, one)).toEqual({ dtype: "bool", dims: [2], data: Float64Array.of(0, 1) });
    expect(() => binary("and", big, one)).toThrow(/64-bit integer/);
  });

  it("shapes that do not broadcast are refused", () => {
    const a = randomArray([2, 3], lcg(1));
    expect(() => binary("add", a, randomArray([4], lcg(2)))).toThrow(/do not broadcast/);
  });
});

describe("broadcast runs", () => {
  it("cover every output element once, in order, with the offsets of the broadcast index", () => {
    const rnd = lcg(6);
    for (let i = 0; i < 200; i++) {
      const [da, db] = shapePair(rnd);
      const dims = broadcastDims(da, db)!;
      const ia = broadcastIndex(da, dims);
      const ib = broadcastIndex(db, dims);
      let next = 0;
      let ok = true;
      forEachBroadcastRun(da, db, dims, (o, a, b, n, sa, sb) => {
        if (o !== next) ok = false;
        for (let k = 0; k < n; k++) if (ia[o + k] !== a + k * sa || ib[o + k] !== b + k * sb) ok = false;
        next = o + n;
      });
      expect(ok && next === ia.length, `[${da}] [${db}]`).toBe(true);
    }
  });

  it("a same-shape pair is one run and a per-channel bias one run per channel", () => {
    const runs: number[][] = [];
    forEachBroadcastRun([2, 3, 4], [2, 3, 4], [2, 3, 4], (...r) => runs.push(r));
    expect(runs).toEqual([[0, 0, 0, 24, 1, 1]]);
    runs.length = 0;
    forEachBroadcastRun([1, 3, 2, 2], [1, 3, 1, 1], [1, 3, 2, 2], (...r) => runs.push(r));
    expect(runs).toEqual([
      [0, 0, 0, 4, 1, 0],
      [4, 4, 1, 4, 1, 0],
      [8, 8, 2, 4, 1, 0],
    ]);
  });
});

describe("unary kernels and Select", () => {
  it("Relu maps NaN and -0 to +0 like x > 0 ? x : 0; Clamp gives hi when lo > hi", () => {
    const x: NdArray = { dtype: "float32", dims: [4], data: Float64Array.of(Number.NaN, -0, -1, 2) };
    expect(Object.is(relu(x).data[1], 0)).toBe(true);
    expect([...relu(x).data]).toEqual([0, 0, 0, 2]);
    expect([...clamp(x, 3, 1).data]).toEqual([Number.NaN, 1, 1, 1].map((v, i) => (i === 0 ? Math.min(Math.max(Number.NaN, 3), 1) : v)));
    expect([...unaryMap(x, Math.abs).data]).toEqual([Number.NaN, 0, 1, 2]);
  });

  it("Relu over several chunks equals x > 0 ? x : 0 element by element", () => {
    const data = Float64Array.from({ length: 20_001 }, (_, i) => (i % 7 === 0 ? -0 : Math.sin(i) * 10));
    const got = relu({ dtype: "float32", dims: [data.length], data }).data;
    expect(Array.from(data).every((v, i) => Object.is(got[i], v > 0 ? v : 0))).toBe(true);
  });

  it("roundHalfEven rounds halves to the even neighbour", () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4].map(roundHalfEven).map((v) => v + 0)).toEqual([-2, -2, 0, 0, 2, 2, 2]);
  });

  it("Select broadcasts all three inputs and takes the branches' dtype", () => {
    const c: NdArray = { dtype: "bool", dims: [2, 1], data: Float64Array.of(1, 0) };
    const x: NdArray = { dtype: "int64", dims: [3], data: BigInt64Array.of(1n, 2n, 3n) };
    const y: NdArray = { dtype: "int64", dims: [], data: BigInt64Array.of(0n) };
    expect(select(c, x, y)).toEqual({ dtype: "int64", dims: [2, 3], data: BigInt64Array.of(1n, 2n, 3n, 0n, 0n, 0n) });
  });
});
