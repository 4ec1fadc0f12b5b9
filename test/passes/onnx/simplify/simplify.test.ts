/** The simplification passes on small hand-built graphs: when they fire, when they must not, and numerics. */
import { describe, expect, it } from "vitest";
import { attr } from "../../../../src/ir/attribute.js";
import { Graph } from "../../../../src/ir/graph.js";
import { Node } from "../../../../src/ir/node.js";
import { Tensor } from "../../../../src/ir/tensor.js";
import { tensorType } from "../../../../src/ir/types.js";
import { Value } from "../../../../src/ir/value.js";
import { csePass } from "../../../../src/passes/common/cse.js";
import { deadCodePass } from "../../../../src/passes/common/dead-code.js";
import { identityPass } from "../../../../src/passes/common/identity.js";
import { inferShapes } from "../../../../src/passes/onnx/shape-inference.js";
import { foldBatchNormPass } from "../../../../src/passes/onnx/simplify/fold-batchnorm.js";
import { fuseTransposeReshapePass } from "../../../../src/passes/onnx/simplify/fuse-transpose-reshape.js";
import { inlineConstantIfPass } from "../../../../src/passes/onnx/simplify/inline-constant-if.js";
import { matmulAddToGemmPass } from "../../../../src/passes/onnx/simplify/matmul-add-to-gemm.js";
import { noopPass } from "../../../../src/passes/onnx/simplify/noop.js";
import { GraphBuilder, preservesOutputs, randomTensor } from "../../../support/build.js";

describe("noop", () => {
  it("turns a same-shape Reshape, an identity Transpose and a same-type Cast into Identity", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3]);
    const [r] = b.op("Reshape", [x, b.ints("s", [2, 3])]);
    const [t] = b.op("Transpose", [r], { perm: attr.ints([0, 1]) });
    const [c] = b.op("Cast", [t], { to: attr.int(1) });
    const [y] = b.op("Relu", [c]);
    b.output(y!);
    const m = b.model();
    inferShapes(m);
    const { changed, ops } = await preservesOutputs(
      m,
      [randomTensor([2, 3])],
      (mm) => noopPass.run(mm).changed && identityPass.run(mm).changed,
    );
    expect(changed).toBe(true);
    expect(ops).toEqual(["Relu"]);
  });

  it("leaves a Reshape that changes the shape, a real permutation and a narrowing Cast", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3]);
    const [r] = b.op("Reshape", [x, b.ints("s", [3, 2])]);
    const [t] = b.op("Transpose", [r], { perm: attr.ints([1, 0]) });
    const [c] = b.op("Cast", [t], { to: attr.int(10) });
    b.output(c!);
    const m = b.model();
    inferShapes(m);
    expect(noopPass.run(m).changed).toBe(false);
  });
});

describe("fuse-transpose-reshape", () => {
  it("merges two Transposes and two Reshapes", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3, 4]);
    const [t1] = b.op("Transpose", [x], { perm: attr.ints([1, 0, 2]) });
    const [t2] = b.op("Transpose", [t1], { perm: attr.ints([2, 0, 1]) });
    const [r1] = b.op("Reshape", [t2, b.ints("s1", [4, 6])]);
    const [r2] = b.op("Reshape", [r1, b.ints("s2", [0, 2, 3])]);
    b.output(r2!);
    const m = b.model();
    inferShapes(m);
    const { ops } = await preservesOutputs(m, [randomTensor([2, 3, 4])], (mm) => fuseTransposeReshapePass.run(mm).changed);
    expect(ops).toEqual(["Transpose", "Reshape"]);
  });

  it("does not fuse when the intermediate has another reader", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3]);
    const [t1] = b.op("Transpose", [x], { perm: attr.ints([1, 0]) });
    const [t2] = b.op("Transpose", [t1], { perm: attr.ints([1, 0]) });
    const [s] = b.op("Relu", [t1]);
    b.output(t2!);
    b.output(s!);
    expect(fuseTransposeReshapePass.run(b.model()).changed).toBe(false);
  });
});

describe("fold-batchnorm", () => {
  function convBn(opType: "Conv" | "ConvTranspose", group = 1) {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 4, 5, 5]);
    const wDims = opType === "Conv" ? [6, 4 / group, 3, 3] : [4, 6 / group, 3, 3];
    const w = b.const("w", randomTensor(wDims, 7));
    const bias = b.const("bias", randomTensor([6], 3));
    const [c] = b.op(opType, [x, w, bias], { group: attr.int(group) });
    const p = (name: string, seed: number, shift = 0) =>
      b.floats(
        name,
        Array.from(randomTensor([6], seed).toFloat32(), (v) => v + shift),
      );
    const [y] = b.op("BatchNormalization", [c, p("scale", 11), p("beta", 12), p("mean", 13), p("var", 14, 3)], {
      epsilon: attr.float(1e-3),
    });
    b.output(y!);
    return b.model();
  }

  for (const [op, group] of [
    ["Conv", 1],
    ["Conv", 2],
    ["ConvTranspose", 1],
    ["ConvTranspose", 2],
  ] as const) {
    it(`folds into ${op} (group ${group}) with the same outputs`, async () => {
      const m = convBn(op, group);
      const { ops } = await preservesOutputs(
        m,
        [randomTensor([1, 4, 5, 5], 5)],
        (mm) => foldBatchNormPass.run(mm).changed && deadCodePass.run(mm).changed,
      );
      expect(ops).toEqual([op]);
      expect(m.graph.outputs[0]!.name).toBe("batchnormalization1");
    });
  }

  it("folds into Gemm (transB) and leaves a BatchNormalization whose input has another reader", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 4]);
    const [g] = b.op("Gemm", [x, b.const("w", randomTensor([3, 4], 2))], { transB: attr.int(1) });
    const [y] = b.op("BatchNormalization", [
      g,
      b.floats("s", [1, 2, 3]),
      b.floats("be", [0, 1, 0]),
      b.floats("mu", [0.5, 0, -1]),
      b.floats("v", [1, 2, 0.5]),
    ]);
    b.output(y!);
    const m = b.model();
    const { ops } = await preservesOutputs(m, [randomTensor([2, 4], 9)], (mm) => foldBatchNormPass.run(mm).changed);
    expect(ops).toEqual(["Gemm"]);
    const b2 = new GraphBuilder(13);
    const x2 = b2.input("x", "float32", [2, 4]);
    const [g2] = b2.op("Gemm", [x2, b2.const("w", randomTensor([3, 4], 2))], { transB: attr.int(1) });
    const [y2] = b2.op("BatchNormalization", [
      g2,
      b2.floats("s", [1, 2, 3]),
      b2.floats("be", [0, 1, 0]),
      b2.floats("mu", [0, 0, 0]),
      b2.floats("v", [1, 1, 1]),
    ]);
    b2.output(y2!);
    b2.output(g2!);
    expect(foldBatchNormPass.run(b2.model()).changed).toBe(false);
  });
});

describe("matmul-add-to-gemm", () => {
  it("fuses a 2-D MatMul with a constant weight and bias", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 4]);
    const [mm] = b.op("MatMul", [x, b.const("w", randomTensor([4, 3], 4))]);
    const [y] = b.op("Add", [b.floats("bias", [1, -1, 0.5]), mm]);
    b.output(y!);
    const { ops } = await preservesOutputs(b.model(), [randomTensor([2, 4], 8)], (m) => matmulAddToGemmPass.run(m).changed);
    expect(ops).toEqual(["Gemm"]);
  });

  it("leaves a 3-D MatMul alone", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 2, 4]);
    const [mm] = b.op("MatMul", [x, b.const("w", randomTensor([4, 3], 4))]);
    const [y] = b.op("Add", [mm, b.floats("bias", [1, -1, 0.5])]);
    b.output(y!);
    expect(matmulAddToGemmPass.run(b.model()).changed).toBe(false);
  });
});

describe("cse", () => {
  it("merges identical nodes and identical constants", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [3]);
    const [a1] = b.op("Mul", [x, b.floats("k1", [2, 2, 2])]);
    const [a2] = b.op("Mul", [x, b.floats("k2", [2, 2, 2])]);
    const [y] = b.op("Add", [a1, a2]);
    b.output(y!);
    const m = b.model();
    const { ops } = await preservesOutputs(m, [randomTensor([3])], (mm) => csePass.run(mm).changed);
    expect(ops).toEqual(["Mul", "Add"]);
    expect(m.graph.initializers.size).toBe(1);
  });

  it("never merges random ops or nodes with different attributes", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [3]);
    const [r1] = b.op("RandomUniformLike", [x]);
    const [r2] = b.op("RandomUniformLike", [x]);
    const [l1] = b.op("LeakyRelu", [x], { alpha: attr.float(0.1) });
    const [l2] = b.op("LeakyRelu", [x], { alpha: attr.float(0.2) });
    const [y] = b.op("Sum", [r1, r2, l1, l2]);
    b.output(y!);
    expect(csePass.run(b.model()).changed).toBe(false);
  });
});

describe("inline-constant-if", () => {
  function ifModel(cond: boolean) {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [3]);
    const c = b.const("cond", Tensor.fromArray("bool", [], Uint8Array.of(cond ? 1 : 0)));
    const out = new Value("out", tensorType("float32", [3]));
    const ifNode = new Node({ opType: "If", version: 13, name: "if", inputs: [c], outputs: [out] });
    const branch = (name: string, op: string) => {
      const g = new Graph(name);
      g.parent = ifNode;
      const o = new Value(`${name}_out`, tensorType("float32", [3]));
      g.appendNode(new Node({ opType: op, version: 13, name: `${name}_${op}`, inputs: [x], outputs: [o] }));
      g.addOutput(o);
      return g;
    };
    ifNode.setAttribute("then_branch", attr.graph(branch("then", "Neg")));
    ifNode.setAttribute("else_branch", attr.graph(branch("else", "Abs")));
    b.graph.appendNode(ifNode);
    b.output(out);
    return b.model();
  }

  for (const cond of [true, false]) {
    it(`inlines the ${cond ? "then" : "else"} branch and keeps the output name`, async () => {
      const m = ifModel(cond);
      const { ops } = await preservesOutputs(
        m,
        [randomTensor([3])],
        (mm) => inlineConstantIfPass.run(mm).changed && deadCodePass.run(mm).changed,
      );
      expect(ops).toEqual([cond ? "Neg" : "Abs"]);
      expect(m.graph.outputs[0]!.name).toBe("out");
    });
  }

  it("leaves an If whose condition is an input", () => {
    const m = ifModel(true);
    const cond = m.graph.initializers.get("cond")!;
    m.graph.addInput(cond);
    expect(inlineConstantIfPass.run(m).changed).toBe(false);
  });
});
