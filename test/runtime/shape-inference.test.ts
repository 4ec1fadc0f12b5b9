/**
 * OpenVINO-dialect shape inference over whole models (src/runtime/shape-inference.ts): the
 * dims and dtypes of every value from shapes, attributes and constants alone; the small
 * integer arithmetic on shapes computed, float activations never; models that cannot hold
 * together refused at the node as one-line invalid-graph errors (exit 2).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Model } from "../../src/ir/model.js";
import type { Value } from "../../src/ir/value.js";
import type { OvBuilder } from "../../src/lower/builder.js";
import { knownOpenvinoOps, openvinoOp } from "../../src/ops/openvino/registry.js";
import { observeTypes } from "../../src/runtime/observe-types.js";
import { inferOpenvinoTypes } from "../../src/runtime/shape-inference.js";
import { isMyriadcError, type MyriadcError } from "../../src/util/errors.js";
import { ovModel } from "../support/rule-tester.js";

const conv = (b: OvBuilder, x: Value, cin: number, cout: number, stride = 1) =>
  b.one("Convolution", 1, [x, b.floats(`w${cout}`, new Array(cout * cin * 9).fill(0.5), "float32", [cout, cin, 3, 3])], {
    strides: [stride, stride],
    pads_begin: [1, 1],
    pads_end: [1, 1],
    dilations: [1, 1],
  });

/** Conv → Relu → MaxPool, then a Reshape whose target shape is computed from ShapeOf (batch, -1). */
function convNet(size: number): Model {
  return ovModel([["x", "float32", [1, 3, size, size]]], (b, [x]) => {
    const y = b.one("ReLU", 1, [conv(b, x!, 3, 8, 2)]);
    const p = b.one("MaxPool", 1, [y], { kernel: [2, 2], strides: [2, 2], pads_begin: [0, 0], pads_end: [0, 0], rounding_type: "floor" });
    const shape = b.one("ShapeOf", 3, [p], { output_type: "i64" });
    const batch = b.one("Gather", 8, [shape, b.i64("i0", [0]), b.i64("ax", [0], [])]);
    const target = b.one("Concat", 1, [batch, b.i64("m1", [-1])], { axis: 0 });
    return [b.one("Reshape", 1, [p, target], { special_zero: false })];
  });
}

const typeOf = (types: Map<Value, { dtype: string; dims: readonly number[] }>, m: Model, name: string) => {
  const v = m.graph.outputs.find((o) => o.name === name) ?? m.graph.nodes.flatMap((n) => n.outputs).find((o) => o?.name === name);
  const t = v && types.get(v);
  return t && `${t.dtype}[${t.dims.join(",")}]`;
};

function expectNodeError(f: () => unknown, node: RegExp, problem: RegExp): MyriadcError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(isMyriadcError(caught), String(caught)).toBe(true);
  const e = caught as MyriadcError;
  expect(e.code).toBe("invalid-graph");
  expect(e.exitCode).toBe(2);
  expect(e.oneLine()).not.toContain("\n");
  expect(e.oneLine()).toMatch(node);
  expect(e.oneLine()).toMatch(problem);
  return e;
}

describe("shape inference of whole models", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("gives every value its dims, with the ShapeOf → Gather → Concat → Reshape arithmetic computed", () => {
    const m = convNet(224);
    const types = inferOpenvinoTypes(m, { file: "net.xml" });
    const out = m.graph.outputs[0]!;
    expect(types.get(out)).toEqual({ dtype: "float32", dims: [1, 8 * 56 * 56] });
    const relu = m.graph.nodes.find((n) => n.opType === "ReLU")!.outputs[0]!;
    expect(types.get(relu)).toEqual({ dtype: "float32", dims: [1, 8, 112, 112] });
    const shapeOf = m.graph.nodes.find((n) => n.opType === "ShapeOf")!.outputs[0]!;
    expect(types.get(shapeOf)).toEqual({ dtype: "int64", dims: [4] });
  });

  it("runs no kernel on float data, at any input size (only the integer shape arithmetic is computed)", () => {
    const ran: string[] = [];
    for (const type of knownOpenvinoOps()) {
      const def = openvinoOp(type)!;
      const run = def.run.bind(def);
      vi.spyOn(def, "run").mockImplementation((inputs, ctx) => {
        const outs = run(inputs, ctx);
        ran.push(`${type}:${outs.map((o) => o.dtype).join(",")}`);
        return outs;
      });
    }
    inferOpenvinoTypes(convNet(224));
    const ranSmall = [...ran].sort();
    const big = convNet(896);
    expect(inferOpenvinoTypes(big).get(big.graph.outputs[0]!)).toEqual({ dtype: "float32", dims: [1, 8 * 224 * 224] });
    expect(ranSmall).toEqual(["Concat:int64", "Gather:int64"]);
    expect(ran.slice(ranSmall.length).sort(), "the same work at 896² as at 224²").toEqual(ranSmall);
  });

  it("observeTypes is inference: it asks for static inputs, then gives the same types", () => {
    const m = convNet(64);
    expect([...observeTypes(m, "net.xml")]).toEqual([...inferOpenvinoTypes(m, { file: "net.xml" })]);
    const dynamic = ovModel([["x", "float32", [1, 3, "h", 64]]], (b, [x]) => [b.one("ReLU", 1, [x])]);
    expect(() => observeTypes(dynamic, "dyn.xml")).toThrow(/no static shape; give it with --input-shape x=/);
  });

  it("refuses a 4-channel input into 3-channel Convolution weights, naming the node", () => {
    const m = ovModel([["x", "float32", [1, 4, 16, 16]]], (b, [x]) => [conv(b, x!, 3, 8)]);
    const e = expectNodeError(
      () => inferOpenvinoTypes(m, { file: "bad.xml" }),
      /n\/Convolution/,
      /4 channels but the weights \[8,3,3,3\] expect 3/,
    );
    expect(e.oneLine()).toMatch(/^bad\.xml: /);
  });

  it("refuses a Reshape that cannot hold the element count, and shapes that do not broadcast", () => {
    const reshape = ovModel([["x", "float32", [1, 4, 8, 8]]], (b, [x]) => [
      b.one("Reshape", 1, [x, b.i64("s", [3, -1])], { special_zero: false }),
    ]);
    expectNodeError(() => inferOpenvinoTypes(reshape), /n\/Reshape/, /256 elements.*not a multiple of 3/);
    const fixed = ovModel([["x", "float32", [2, 6]]], (b, [x]) => [b.one("Reshape", 1, [x, b.i64("s", [5, 2])], { special_zero: false })]);
    expectNodeError(() => inferOpenvinoTypes(fixed), /n\/Reshape/, /12.*10|10.*12/);
    const add = ovModel(
      [
        ["a", "float32", [2, 3]],
        ["b", "float32", [4, 3]],
      ],
      (b, [x, y]) => [b.one("Add", 1, [x, y], { auto_broadcast: "numpy" })],
    );
    expectNodeError(() => inferOpenvinoTypes(add), /n\/Add/, /\[2,3\] and \[4,3\] do not broadcast/);
  });

  it("the interpreter refuses the same models at the same node before computing anything", async () => {
    const { runOpenvinoModel } = await import("../../src/runtime/interpreter.js");
    const { Tensor } = await import("../../src/ir/tensor.js");
    const m = ovModel([["x", "float32", [1, 4, 16, 16]]], (b, [x]) => [conv(b, x!, 3, 8)]);
    const feeds = new Map([["x", Tensor.fromArray("float32", [1, 4, 16, 16], new Float32Array(1024))]]);
    expectNodeError(() => runOpenvinoModel(m, feeds, { file: "bad.xml" }), /n\/Convolution/, /expect 3/);
  });

  it("sizes that depend on the data are -1, and so is what is computed from them", () => {
    const m = ovModel(
      [
        ["boxes", "float32", [1, 10, 4]],
        ["scores", "float32", [1, 2, 10]],
      ],
      (b, [boxes, scores]) => {
        const [selected] = b.op("NonMaxSuppression", 5, [boxes, scores, b.i64("max", [5], [])], { output_type: "i64" }, 3);
        const first = b.one("Gather", 8, [selected, b.i64("c", [2]), b.i64("ax", [1], [])]);
        return [b.one("Convert", 1, [first], { destination_type: "f32" })];
      },
    );
    const types = inferOpenvinoTypes(m);
    expect(typeOf(types, m, m.graph.outputs[0]!.name)).toBe("float32[-1,1]");
    const nonZero = ovModel([["x", "float32", [3, 4]]], (b, [x]) => [b.one("NonZero", 3, [x], { output_type: "i64" })]);
    expect(inferOpenvinoTypes(nonZero).get(nonZero.graph.outputs[0]!)).toEqual({ dtype: "int64", dims: [2, -1] });
  });

  it("partial mode leaves out a node it cannot infer and what depends on it, and keeps the rest", () => {
    const m = ovModel([["x", "float32", [1, 4, 16, 16]]], (b, [x]) => [conv(b, x!, 3, 8), b.one("ReLU", 1, [x])]);
    const [convOut, reluOut] = m.graph.outputs;
    const types = inferOpenvinoTypes(m, { partial: true });
    expect(types.has(convOut!)).toBe(false);
    expect(types.get(reluOut!)).toEqual({ dtype: "float32", dims: [1, 4, 16, 16] });
  });
});
