/**
 * lint on models with dynamic inputs reports every problem it can know in one run: the
 * inputs without a static size (with the --input-shape to give, and how much could not be
 * checked because of them), an If whose condition depends on an input (naming what to
 * --freeze, or the --input-shape that lets fix compute it), and the problems of the rest of
 * the graph, which is linted around what cannot be lowered.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { attr } from "../../src/ir/attribute.js";
import { Graph } from "../../src/ir/graph.js";
import { Node } from "../../src/ir/node.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";
import { lintFile } from "../../src/lint/lint-file.js";
import { GraphBuilder } from "../support/build.js";
import { CORPUS, corpusAvailable, warnIfCorpusMissing } from "../support/corpus.js";

warnIfCorpusMissing();

const dir = mkdtempSync(join(tmpdir(), "myriadc-dynamic-lint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A branch computing `op(x)` from the enclosing graph's x. */
function branch(name: string, op: string, x: Value): Graph {
  const g = new Graph(name);
  const out = new Value(`${name}_out`, tensorType("float32", ["n", 4]));
  g.appendNode(new Node({ opType: op, version: 13, name: `${name}_${op}`, inputs: [x], outputs: [out] }));
  g.addOutput(out);
  return g;
}

/** x[n,4] → If(cond) → HardSigmoid, where `cond` is built by `condition`. */
function model(name: string, condition: (b: GraphBuilder, x: Value) => Value): string {
  const b = new GraphBuilder(13);
  const x = b.input("x", "float32", ["n", 4]);
  const [y] = b.op("If", [condition(b, x)], {
    then_branch: attr.graph(branch("then", "Relu", x)),
    else_branch: attr.graph(branch("else", "Neg", x)),
  });
  b.graph.nodes.at(-1)!.name = "choose";
  const [h] = b.op("HardSigmoid", [y!]);
  b.graph.nodes.at(-1)!.name = "hsig";
  b.output(h!);
  const file = join(dir, `${name}.onnx`);
  saveOnnxFile(b.model(), file);
  return file;
}

const summary = (file: string) =>
  lintFile(file).findings.map((f) => ({ rule: f.rule, node: f.node, fixable: f.fixable, suggestion: f.suggestion }));

describe("lint with dynamic inputs", () => {
  it("an If on an input's data: says what to freeze, and lints the rest of the graph too", () => {
    const file = model("if-data", (b) => {
      const flag = b.input("flag", "float32", []);
      return b.op("Greater", [flag, b.floats("zero", [0], [])])[0]!;
    });
    expect(summary(file)).toEqual([
      { rule: "myriad/dynamic-shape", node: "x", fixable: false, suggestion: "give it with --input-shape x=[<n>,4]" },
      {
        rule: "myriad/not-lowered",
        node: "choose",
        fixable: false,
        suggestion:
          'its condition is computed from "flag": freeze it (fix --freeze flag=<value>) so fix keeps the branch that runs, or run the If on the host',
      },
      { rule: "myriad/unsupported-op", node: "hsig", fixable: true, suggestion: "rewritten as Multiply, Add and Clamp" },
    ]);
  });

  it("an If on the data the model computes on: no --freeze advice, the branch is only known at run time", () => {
    const file = model("if-tensor", (b, x) => {
      const [sum] = b.op("ReduceSum", [x], { keepdims: attr.int(0) });
      return b.op("Greater", [sum!, b.floats("zero", [0], [])])[0]!;
    });
    expect(lintFile(file).findings.find((f) => f.rule === "myriad/not-lowered")).toMatchObject({
      node: "choose",
      suggestion:
        'its condition is computed from the data of "x", so the branch is only known at run time: run the If on the host or export without it',
    });
  });

  it("an If on an input's shape: says which --input-shape lets fix decide it", () => {
    const file = model("if-shape", (b, x) => {
      const [shape] = b.op("Shape", [x]);
      const [n] = b.op("Gather", [shape!, b.ints("zero", [0], [])]);
      return b.op("Greater", [n!, b.ints("one", [1], [])])[0]!;
    });
    const found = lintFile(file).findings;
    expect(found.find((f) => f.rule === "myriad/not-lowered")).toMatchObject({
      node: "choose",
      suggestion: 'its condition follows from the shape of "x": give it with --input-shape x=[<n>,4]',
    });
    expect(found.find((f) => f.rule === "myriad/dynamic-shape")!.message).toMatch(/^input "x" has no static shape \[n,4\]/);
    expect(found.map((f) => f.node)).toContain("hsig");
  });

  it("near miss: with --input-shape the shape-decided If is inlined and only the HardSigmoid remains", () => {
    const file = model("if-shape-static", (b, x) => {
      const [shape] = b.op("Shape", [x]);
      const [n] = b.op("Gather", [shape!, b.ints("zero", [0], [])]);
      return b.op("Greater", [n!, b.ints("one", [1], [])])[0]!;
    });
    const found = lintFile(file, { inputShapes: new Map([["x", [2, 4]]]) }).findings;
    expect(found.filter((f) => f.severity === "error" && !f.fixable)).toEqual([]);
    expect(found.map((f) => [f.rule, f.node])).toContainEqual(["myriad/unsupported-op", "hsig"]);
  });
});

describe.skipIf(!corpusAvailable)("lint on a real dynamic export (YuNet, opset 9)", () => {
  const yunet = join(CORPUS, "openvino-ir/pairs/3_yunet_face_detection/face_detection_yunet.onnx");
  it("one finding at the input: the --input-shape to give, and what it left unchecked", () => {
    expect(lintFile(yunet).findings.map((f) => [f.rule, f.node, f.message, f.suggestion])).toEqual([
      [
        "myriad/dynamic-shape",
        "input",
        'input "input" has no static shape [batch_size,3,height,width]; ' +
          "1 layer (Conv_0) cannot be converted without it, so it and what follows could not be checked",
        "give it with --input-shape input=[<batch_size>,3,<height>,<width>]",
      ],
    ]);
  });
  it("near miss: with --input-shape nothing is dynamic, and the run-time Reshape targets are fixable", () => {
    const found = lintFile(yunet, { inputShapes: new Map([["input", [1, 3, 120, 160]]]) }).findings;
    expect(found.filter((f) => f.rule === "myriad/dynamic-shape")).toEqual([]);
    const notLowered = found.filter((f) => f.rule === "myriad/not-lowered");
    expect(notLowered.length).toBeGreaterThan(0);
    expect(notLowered.filter((f) => !f.fixable)).toEqual([]);
  });
});
