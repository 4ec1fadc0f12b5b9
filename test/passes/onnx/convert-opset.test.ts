import { describe, expect, it } from "vitest";
import { encodeOnnx } from "../../../src/frontends/onnx/save.js";
import { attr } from "../../../src/ir/attribute.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { verifyModel } from "../../../src/ir/verify.js";
import { convertOpset } from "../../../src/passes/onnx/downgrade/downgrade.js";
import { inferShapes } from "../../../src/passes/onnx/shape-inference.js";
import { GraphBuilder, randomTensor } from "../../support/build.js";
import { diff, withinFp32 } from "../../support/compare.js";
import { runOrt } from "../../support/ort.js";

const x23 = Tensor.fromArray("float32", [2, 3], Float32Array.of(-4, -1, 0, 0.5, 3, 7));

async function sameOutputs(build: (b: GraphBuilder) => void, from: number, to: number): Promise<string[]> {
  const b = new GraphBuilder(from);
  build(b);
  const m = b.model();
  inferShapes(m);
  const before = await runOrt(encodeOnnx(m), [x23]);
  const { failures } = convertOpset(m, to);
  expect(failures).toEqual([]);
  expect(verifyModel(m)).toEqual([]);
  expect(m.opsetVersion("")).toBe(to);
  const after = await runOrt(encodeOnnx(m), [x23]);
  expect(withinFp32(diff(after[0]!, before[0]!))).toBe(true);
  return m.graph.nodes.map((n) => n.opType);
}

describe("op-set conversion", () => {
  it("moves constant Unsqueeze axes from input to attribute when lowering 13 → 11, and back", async () => {
    const ops = await sameOutputs(
      (b) => {
        const x = b.input("x", "float32", [2, 3]);
        const [u] = b.op("Unsqueeze", [x, b.ints("axes", [0])]);
        b.output(u!);
      },
      13,
      11,
    );
    expect(ops).toEqual(["Unsqueeze"]);
    const b = new GraphBuilder(11);
    const [u] = b.op("Unsqueeze", [b.input("x", "float32", [2, 3])], { axes: attr.ints([0]) });
    b.output(u!);
    const m = b.model();
    expect(convertOpset(m, 13).failures).toEqual([]);
    expect(m.graph.nodes[0]!.attributes.has("axes")).toBe(false);
    expect(m.graph.nodes[0]!.inputs[1]!.initializer!.toIntegers()).toEqual([0]);
  });

  it("refuses axes that are computed at run time, naming the node", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3]);
    const axes = b.input("axes", "int64", [1]);
    const [u] = b.op("Unsqueeze", [x, axes]);
    b.output(u!);
    const { failures } = convertOpset(b.model(), 11);
    expect(failures).toEqual([
      { node: expect.stringMatching(/Unsqueeze/), op: "Unsqueeze", reason: expect.stringMatching(/axes come from a computed value/) },
    ]);
  });

  it("decomposes HardSwish (14) into HardSigmoid · x for op set 13", async () => {
    const ops = await sameOutputs(
      (b) => {
        const [y] = b.op("HardSwish", [b.input("x", "float32", [2, 3])]);
        b.output(y!);
      },
      14,
      13,
    );
    expect(ops).toEqual(["HardSigmoid", "Mul"]);
  });

  it("decomposes LayerNormalization (17) for op set 13", async () => {
    const ops = await sameOutputs(
      (b) => {
        const x = b.input("x", "float32", [2, 3]);
        const [y] = b.op("LayerNormalization", [x, b.floats("scale", [1, 2, 3]), b.floats("bias", [0, 0.5, -1])], {
          epsilon: attr.float(1e-5),
        });
        b.output(y!);
      },
      17,
      13,
    );
    expect(ops).toContain("ReduceMean");
    expect(ops).not.toContain("LayerNormalization");
  });

  it("decomposes GroupNormalization-21 (per-channel scale) with constant parameters", async () => {
    const b = new GraphBuilder(21);
    const x = b.input("x", "float32", [2, 4, 3]);
    const [y] = b.op("GroupNormalization", [x, b.floats("scale", [1, 2, 0.5, -1]), b.floats("bias", [0, 1, -1, 0.25])], {
      num_groups: attr.int(2),
      epsilon: attr.float(1e-5),
    });
    b.output(y!);
    const m = b.model();
    inferShapes(m);
    const input = randomTensor([2, 4, 3], 3);
    const before = await runOrt(encodeOnnx(m), [input]);
    expect(convertOpset(m, 13).failures).toEqual([]);
    expect(m.graph.nodes.map((n) => n.opType)).not.toContain("GroupNormalization");
    const after = await runOrt(encodeOnnx(m), [input]);
    expect(withinFp32(diff(after[0]!, before[0]!))).toBe(true);
  });

  it("keeps Softmax along a non-last axis exact across 13 → 11 with transposes", async () => {
    const ops = await sameOutputs(
      (b) => {
        const [y] = b.op("Softmax", [b.input("x", "float32", [2, 3])], { axis: attr.int(0) });
        b.output(y!);
      },
      13,
      11,
    );
    expect(ops).toEqual(["Transpose", "Softmax", "Transpose"]);
  });

  it("upgrades Softmax-11's 2-D coercion to 13 with Flatten/Reshape", async () => {
    const ops = await sameOutputs(
      (b) => {
        const [y] = b.op("Softmax", [b.input("x", "float32", [2, 3])], { axis: attr.int(0) });
        b.output(y!);
      },
      11,
      13,
    );
    expect(ops).toEqual(["Flatten", "Softmax", "Shape", "Reshape"]);
  });

  it("does nothing when already at the target, and rejects unknown op sets", () => {
    const b = new GraphBuilder(13);
    const [y] = b.op("Relu", [b.input("x", "float32", [2])]);
    b.output(y!);
    const m = b.model();
    expect(convertOpset(m, 13)).toEqual({ changed: false, failures: [] });
    expect(() => convertOpset(m, 99)).toThrow(/newest op set this tool knows is 26/);
    expect(() => convertOpset(m, 3)).toThrow(/below 7 are not supported/);
  });
});
