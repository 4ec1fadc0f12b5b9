/**
 * Shape inference against shapes that do not come from our code:
 * - every ONNX backend node test of an op in our table: the inferred output dtype and shape
 *   must equal the reference output's (test inputs are made constants first, so that
 *   value-dependent shapes such as Reshape's can be inferred);
 * - every intermediate value of every zoo model after `fix`, against the shape onnxruntime
 *   produces at run time.
 * Unknown (not inferred) results are counted, never silently passed: a wrong known shape fails.
 */

import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../../src/frontends/load-model.js";
import { readNpy } from "../../../src/io/npy.js";
import { readTensorPb } from "../../../src/io/tensor-pb.js";
import type { Model } from "../../../src/ir/model.js";
import { isStaticShape } from "../../../src/ir/shape.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { onnxOp } from "../../../src/ops/onnx/registry.js";
import { runPipeline } from "../../../src/passes/manager.js";
import { inferShapes } from "../../../src/passes/onnx/shape-inference.js";
import { fixPipeline } from "../../../src/passes/pipelines.js";
import { backendModels, corpusAvailable, warnIfCorpusMissing, zooModels } from "../../support/corpus.js";
import { freezeIntegerInputs } from "../../support/freeze.js";
import { ortSupports } from "../../support/ort.js";
import { runtimeShapes } from "../../support/runtime-shapes.js";

warnIfCorpusMissing();

const tally = { exact: 0, unknown: 0, skipped: 0 };

describe.skipIf(!corpusAvailable)("shape inference vs ONNX reference outputs (node tests)", () => {
  const cases = backendModels("node").filter((m) => {
    try {
      const { model } = loadOnnxFile(m.model);
      const nodes = model.graph.nodes;
      return (
        nodes.length === 1 && onnxOp(nodes[0]!.opType)?.infer !== undefined && (nodes[0]!.domain === "" || nodes[0]!.domain === "ai.onnx")
      );
    } catch {
      return false;
    }
  });

  it("finds node tests of the ops in the table", () => expect(cases.length).toBeGreaterThan(600));

  it.each(cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const { model } = loadOnnxFile(c.model);
    const g = model.graph;
    let inputs: Tensor[];
    try {
      inputs = c.inputs.map((p) => readTensorPb(p));
    } catch {
      tally.skipped++; // sequence/optional inputs
      return;
    }
    // Test inputs become constants: inference may read shape-determining values.
    g.inputs.forEach((v, i) => {
      const t = inputs[i];
      if (t && !v.isInitializer) v.initializer = t;
    });
    for (const v of [...g.inputs])
      if (v.initializer && !g.initializers.has(v.name)) {
        g.removeInput(v);
        g.addInitializer(v);
      }
    for (const v of g.outputs) v.type = undefined;
    inferShapes(model);
    let outputs: Tensor[];
    try {
      outputs = c.outputs.map((p) => readTensorPb(p));
    } catch {
      tally.skipped++; // sequence/optional outputs
      return;
    }
    g.outputs.forEach((v, i) => {
      const expected = outputs[i]!;
      if (v.dtype !== undefined) expect(v.dtype, `${c.id} output ${i} dtype`).toBe(expected.dtype);
      if (isStaticShape(v.shape) && v.dtype !== undefined) {
        expect([...v.shape], `${c.id} output ${i} shape`).toEqual([...expected.dims]);
        tally.exact++;
      } else tally.unknown++;
    });
  });

  afterAll(() => {
    console.log(
      `node-test shape inference: ${tally.exact} outputs exact, ${tally.unknown} not fully inferred, ${tally.skipped} tests with non-tensor inputs or outputs`,
    );
    expect(tally.exact).toBeGreaterThan(500);
  });
});

describe.skipIf(!corpusAvailable)("shape inference vs onnxruntime at run time (zoo, every value)", () => {
  it.each(zooModels().map((m) => [m.id, m] as const))("%s", async (_id, m) => {
    const { model } = loadOnnxFile(m.model);
    // Forget the exporter's value_info so every intermediate shape is ours.
    for (const v of model.graph.values()) if (!v.isGraphInput() && !v.isInitializer && !v.isGraphOutput()) v.type = undefined;
    runPipeline(model, fixPipeline());
    const feeds = m.inputs.map((p) => {
      const a = readNpy(p);
      return Tensor.fromBytes(a.dtype, a.dims, a.data);
    });
    const rt = await runtimeShapes(model, feeds);
    let checked = 0;
    for (const n of model.graph.nodes) {
      for (const v of n.outputs) {
        if (!v || !isStaticShape(v.shape)) continue;
        expect([...v.shape], `${n.describe()} → ${v.name}`).toEqual([...rt.get(v.name)!]);
        checked++;
      }
    }
    // After fix every zoo model is fully static: every node output must have been inferred.
    expect(checked).toBe(model.graph.nodes.reduce((k, n) => k + n.outputs.filter(Boolean).length, 0));
  });
});

describe.skipIf(!corpusAvailable)("shape inference vs onnxruntime at run time (multi-node node tests, every value)", () => {
  it("agrees on every statically inferred intermediate shape", async () => {
    const mismatches: string[] = [];
    let models = 0;
    let values = 0;
    for (const t of backendModels("node")) {
      let model: Model;
      let inputs: Tensor[];
      try {
        model = loadOnnxFile(t.model).model;
        inputs = t.inputs.map((p) => readTensorPb(p));
      } catch {
        continue;
      }
      const g = model.graph;
      if (g.nodes.length < 2 || inputs.some((x) => !ortSupports(x.dtype))) continue;
      // Integer inputs become constants, as in real models where they are shapes and axes.
      const { feeds } = freezeIntegerInputs(model, inputs);
      for (const v of g.values()) if (!v.isGraphInput() && !v.isInitializer && !v.isGraphOutput()) v.type = undefined;
      let rt: Map<string, readonly number[]>;
      try {
        rt = await runtimeShapes(model, feeds);
      } catch {
        continue; // onnxruntime cannot run it
      }
      inferShapes(model);
      models++;
      for (const n of g.nodes) {
        for (const v of n.outputs) {
          const r = v && rt.get(v.name);
          if (!v || !r || !isStaticShape(v.shape)) continue;
          values++;
          if (JSON.stringify([...v.shape]) !== JSON.stringify([...r]))
            mismatches.push(`${t.id}: ${n.describe()} → ${v.name} inferred [${v.shape}] but is [${r}]`);
        }
      }
    }
    console.log(`runtime shapes: ${values} intermediate values in ${models} multi-node node tests checked`);
    expect(mismatches).toEqual([]);
    expect(values).toBeGreaterThan(1000);
  }, 300_000);
});
