/**
 * The constant-folding pass on every ONNX backend node test made all-constant: each test's
 * inputs become initializers holding its test data (as `--freeze` would make them), its
 * outputs are read through an Identity (the pass leaves producers of graph outputs alone),
 * and shape inference + constant folding run to a fixed point. Where every output became a
 * constant, it must be the test's expected output. Multi-output ops (Split in both forms,
 * TopK, Unique, DynamicQuantizeLinear) are counted apart: each of their tests must fold.
 */
import { describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../../src/frontends/load-model.js";
import { readTensorPb } from "../../../src/io/tensor-pb.js";
import { Node } from "../../../src/ir/node.js";
import type { Tensor } from "../../../src/ir/tensor.js";
import { Value } from "../../../src/ir/value.js";
import { runPipeline } from "../../../src/passes/manager.js";
import { constantFoldingPass } from "../../../src/passes/onnx/constant-folding.js";
import { constantOf } from "../../../src/passes/onnx/op-context.js";
import { shapeInferencePass } from "../../../src/passes/onnx/shape-inference.js";
import { matchesNodeTest } from "../../support/compare.js";
import { backendModels, corpusAvailable, warnIfCorpusMissing } from "../../support/corpus.js";

warnIfCorpusMissing();

/** Multi-output ops whose node tests must all fold, with the number of such tests in ONNX 1.23's corpus. */
const MULTI_OUTPUT = { Split: 16, TopK: 7, Unique: 6, DynamicQuantizeLinear: 3, LayerNormalization: 19 } as const;

type Outcome = { kind: "folded" } | { kind: "not-folded" } | { kind: "skipped" } | { kind: "differs"; why: string };

function foldTest(t: ReturnType<typeof backendModels>[number]): Outcome {
  let inputs: Tensor[];
  let expected: Tensor[];
  const { model } = loadOnnxFile(t.model);
  try {
    inputs = t.inputs.map((p) => readTensorPb(p));
    expected = t.outputs.map((p) => readTensorPb(p));
  } catch {
    return { kind: "skipped" }; // sequence or optional test data
  }
  if ([...inputs, ...expected].some((x) => x.dtype === "string")) return { kind: "skipped" };
  const g = model.graph;
  [...g.inputs].forEach((v, i) => {
    g.removeInput(v);
    g.addInitializer(v, inputs[i]!);
  });
  const read = g.outputs.map((v, i) => {
    const out = new Value(`${v.name}__read`, v.type);
    g.appendNode(new Node({ opType: "Identity", name: `${v.name}__read`, inputs: [v], outputs: [out] }));
    g.setOutput(i, out);
    return out;
  });
  try {
    runPipeline(model, [shapeInferencePass, constantFoldingPass()]);
  } catch (e) {
    return { kind: "differs", why: `the pass threw: ${(e as Error).message}` };
  }
  const results = read.map((out) => constantOf(out.producer?.inputs[0]));
  if (results.some((r) => !r)) return { kind: "not-folded" };
  const bad = results.findIndex((r, i) => !matchesNodeTest(r!, expected[i]!));
  if (bad >= 0) {
    const r = results[bad]!;
    const e = expected[bad]!;
    return { kind: "differs", why: `output ${bad}: ${r.dtype}[${r.dims}] vs ${e.dtype}[${e.dims}]` };
  }
  return { kind: "folded" };
}

describe.skipIf(!corpusAvailable)("constant folding of all-constant ONNX node tests", () => {
  it("folds to the expected outputs wherever it folds, multi-output ops included", () => {
    const folded: string[] = [];
    const differs: string[] = [];
    const multi = new Map<string, { tests: number; folded: number }>();
    for (const t of backendModels("node")) {
      const outcome = foldTest(t);
      const op = loadOnnxFile(t.model).model.graph.nodes[0]?.opType ?? "";
      const single = loadOnnxFile(t.model).model.graph.nodes.length === 1;
      if (single && op in MULTI_OUTPUT) {
        const m = multi.get(op) ?? { tests: 0, folded: 0 };
        m.tests++;
        if (outcome.kind === "folded") m.folded++;
        multi.set(op, m);
      }
      if (outcome.kind === "folded") folded.push(t.id);
      if (outcome.kind === "differs") differs.push(`${t.id}: ${outcome.why}`);
    }
    console.log(`constant folding: ${folded.length} node tests fold to their expected outputs; ${differs.length} differ`);
    for (const [op, m] of multi) console.log(`    ${op}: ${m.folded} of ${m.tests} node tests fold`);
    expect(differs).toEqual([]);
    for (const [op, count] of Object.entries(MULTI_OUTPUT)) expect(multi.get(op), op).toEqual({ tests: count, folded: count });
    expect(folded.length).toBeGreaterThanOrEqual(853);
  }, 600_000);
});
