/**
 * What a run does for speed must not change a bit of its results: a convolution's bias Add
 * and ReLU applied in one pass (conv-epilogue.ts), result buffers of dead values reused
 * (buffers.ts, live-buffers.ts) and float16 constants kept as bits until read. A run with an
 * observer keeps every value and fuses nothing, so it is the node-by-node reference here.
 */
import { describe, expect, it } from "vitest";
import type { DTypeName } from "../../src/ir/dtype.js";
import type { Model } from "../../src/ir/model.js";
import { Tensor } from "../../src/ir/tensor.js";
import type { Value } from "../../src/ir/value.js";
import type { OvBuilder } from "../../src/lower/builder.js";
import { newFloat64, withRunBuffers } from "../../src/ops/kernels/buffers.js";
import { fp16AllFinite, fp16BitsOf, fp16Constant } from "../../src/ops/kernels/fp16-constant.js";
import { type NdArray, ndCast, ndToTensor } from "../../src/ops/ndarray.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { lcg } from "../ops/kernels/random.js";
import { ovModel } from "../support/rule-tester.js";

type Rnd = () => number;

const values = (n: number, rnd: Rnd, scale = 1) => Array.from({ length: n }, () => (rnd() * 2 - 1) * scale);

function conv(b: OvBuilder, x: Value, cin: number, cout: number, dtype: DTypeName, rnd: Rnd, name: string, stride = 1): Value {
  const w = b.floats(name, values(cout * cin * 9, rnd, 0.5), dtype, [cout, cin, 3, 3]);
  return b.one("Convolution", 1, [x, w], { strides: [stride, stride], pads_begin: [1, 1], pads_end: [1, 1], dilations: [1, 1] });
}

/**
 * A small ResNet block and its neighbours: Conv → Add(bias) → ReLU (fused), Conv → Add(bias)
 * → Add(residual) → ReLU (the bias fused, not the rest), a bias given as the Add's first input,
 * a convolution read twice (not fused), an Add of a full-size tensor (not per channel, not
 * fused), and a Reshape that shares its input's buffer while that input dies.
 */
function blockModel(dtype: DTypeName, seed: number): Model {
  const rnd = lcg(seed);
  const bias = (name: string, c: number) => (b: OvBuilder) => b.floats(name, values(c, rnd), dtype, [1, c, 1, 1]);
  return ovModel([["x", dtype, [1, 3, 9, 9]]], (b, [x]) => {
    const stem = b.one("ReLU", 1, [b.one("Add", 1, [conv(b, x!, 3, 8, dtype, rnd, "w0", 2), bias("b0", 8)(b)])]);
    const c1 = b.one("Add", 1, [bias("b1", 8)(b), conv(b, stem, 8, 8, dtype, rnd, "w1")]);
    const r1 = b.one("ReLU", 1, [c1]);
    const c2 = b.one("Add", 1, [conv(b, r1, 8, 8, dtype, rnd, "w2"), bias("b2", 8)(b)]);
    const block = b.one("ReLU", 1, [b.one("Add", 1, [c2, stem])]);
    const twice = conv(b, block, 8, 4, dtype, rnd, "w3");
    const both = b.one("Multiply", 1, [b.one("Add", 1, [twice, bias("b3", 4)(b)]), twice]);
    const full = b.one("Add", 1, [conv(b, block, 8, 4, dtype, rnd, "w4"), b.floats("full", values(4 * 25, rnd), dtype, [1, 4, 5, 5])]);
    const flat = b.one("Reshape", 1, [b.one("ReLU", 1, [full]), b.i64("shape", [1, -1])], { special_zero: true });
    return [b.one("Add", 1, [flat, b.one("Reshape", 1, [both, b.i64("shape2", [1, -1])], { special_zero: true })])];
  });
}

function feedOf(dtype: DTypeName, seed: number): Map<string, Tensor> {
  const data = Float64Array.from(values(3 * 81, lcg(seed), 3));
  const a: NdArray = { dtype: "float64", dims: [1, 3, 9, 9], data };
  return new Map([["x", ndToTensor(ndCast(a, dtype))]]);
}

const bytesOf = (outputs: Map<string, Tensor>) => [...outputs.values()].map((t) => Buffer.from(t.bytes()).toString("hex"));

describe("a run's fusion and buffer reuse against the node-by-node run", () => {
  for (const [dtype, fp16] of [
    ["float16", true],
    ["float32", true],
    ["float32", false],
  ] as const)
    it(`${dtype} weights, ${fp16 ? "FP16" : "FP32"} run: every output bit is the same`, () => {
      const model = blockModel(dtype, 5);
      const feeds = feedOf(dtype, 6);
      const fast = runOpenvinoModel(model, feeds, { fp16 });
      const seen: string[] = [];
      const reference = runOpenvinoModel(model, feeds, { fp16, observe: (v) => seen.push(v.name) });
      expect(seen.length, "the observer saw every value").toBeGreaterThan(30);
      expect(bytesOf(fast)).toEqual(bytesOf(reference));
      // A second fast run, after the first one's buffers were reused, gives the same again.
      expect(bytesOf(runOpenvinoModel(model, feeds, { fp16 }))).toEqual(bytesOf(reference));
    });

  it("a bias that varies along more than the channel axis is added by its own node, with the same result", () => {
    const rnd = lcg(9);
    const model = ovModel([["x", "float32", [1, 2, 4, 4]]], (b, [x]) => {
      const y = conv(b, x!, 2, 3, "float32", rnd, "w");
      return [b.one("ReLU", 1, [b.one("Add", 1, [y, b.floats("b", values(3 * 4, rnd), "float32", [3, 1, 4])])])];
    });
    const feeds = new Map([["x", Tensor.fromArray("float32", [1, 2, 4, 4], Float32Array.from(values(32, rnd, 2)))]]);
    const fast = runOpenvinoModel(model, feeds, { fp16: true });
    const reference = runOpenvinoModel(model, feeds, { fp16: true, observe: () => {} });
    expect([...fast.values()][0]!.dims).toEqual([1, 3, 4, 4]);
    expect(bytesOf(fast)).toEqual(bytesOf(reference));
  });
});

describe("result buffers of a run (src/ops/kernels/buffers.ts)", () => {
  it("outside a run every buffer is new and zeroed", () => {
    const a = newFloat64(8);
    a.fill(3);
    expect([...newFloat64(8)]).toEqual(new Array(8).fill(0));
    expect(newFloat64(8)).not.toBe(a);
  });

  it("inside a run a buffer given back is handed out again for the same length, zeroed; other lengths get new ones", () => {
    withRunBuffers((pool) => {
      const a = newFloat64(16);
      expect(pool.owns(a)).toBe(true);
      a.fill(7);
      pool.give(a);
      const b = newFloat64(16);
      expect(b).toBe(a);
      expect([...b]).toEqual(new Array(16).fill(0));
      expect(newFloat64(16)).not.toBe(a);
      expect(newFloat64(15).length).toBe(15);
    });
  });

  it("only whole buffers of the run's own pool are its: not a view of one, not another array, not after the run", () => {
    const outside = new Float64Array(4);
    let kept: Float64Array | undefined;
    withRunBuffers((pool) => {
      kept = newFloat64(4);
      expect(pool.owns(kept.subarray(0, 2))).toBe(false);
      expect(pool.owns(outside)).toBe(false);
      expect(pool.owns(new Float32Array(4))).toBe(false);
    });
    withRunBuffers((pool) => expect(pool.owns(kept)).toBe(false));
  });
});

describe("float16 constants of a run (src/ops/kernels/fp16-constant.ts)", () => {
  it("keep their bits, decode them once on first read, and a spread copy reads the doubles", () => {
    const bits = Uint16Array.of(0x3c00, 0xc000, 0x7c00, 0x0001);
    const a = fp16Constant([2, 2], bits);
    expect(fp16BitsOf(a)).toBe(bits);
    expect([...a.data]).toEqual([1, -2, Infinity, 2 ** -24]);
    expect(a.data).toBe(a.data);
    const copy = { ...a, dims: [4] };
    expect(copy.data).toBe(a.data);
    expect(fp16BitsOf(copy)).toBeUndefined();
  });

  it("fp16AllFinite finds an Inf or a NaN at any position, aligned or not, in the word scan or its tail", () => {
    const buffer = new ArrayBuffer(2 * 40);
    for (const offset of [0, 1]) {
      const bits = new Uint16Array(buffer, 2 * offset, 33).fill(0x3c00);
      expect(fp16AllFinite(bits)).toBe(true);
      for (const at of [0, 1, 17, 31, 32])
        for (const special of [0x7c00, 0xfc00, 0x7e01]) {
          bits[at] = special;
          expect(fp16AllFinite(bits), `offset ${offset} at ${at} ${special.toString(16)}`).toBe(false);
          bits[at] = 0x3c00;
        }
    }
  });
});
