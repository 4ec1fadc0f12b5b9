/**
 * ONNX → OpenVINO lowering proven numerically, in memory and without the MYRIAD
 * legalization: every zoo model, after `fix`, is lowered and run by our OpenVINO interpreter;
 * the outputs must match the corpus reference outputs (onnxruntime on the original ONNX)
 * within the fp32 tolerance. FP16 (weights stored as f16, every result rounded to float16)
 * is proven through the written files, with the legalization, in test/emit/zoo-ir.test.ts.
 */
import { describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { readNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { verifyModel } from "../../src/ir/verify.js";
import { lowerToOpenvino } from "../../src/lower/lower.js";
import { runPipeline } from "../../src/passes/manager.js";
import { fixPipeline } from "../../src/passes/pipelines.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { diff, withinFp32 } from "../support/compare.js";
import { corpusAvailable, warnIfCorpusMissing, zooModels } from "../support/corpus.js";

warnIfCorpusMissing();

const npy = (p: string) => {
  const a = readNpy(p);
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
};

describe.skipIf(!corpusAvailable)("zoo: lower to OpenVINO and interpret", () => {
  const cases = zooModels().map((m) => [`${m.id} FP32`, m] as const);

  it.each(cases)(
    "%s",
    (_id, m) => {
      const { model } = loadOnnxFile(m.model);
      runPipeline(model, fixPipeline());
      const { model: ov, failures } = lowerToOpenvino(model);
      expect(failures).toEqual([]);
      expect(verifyModel(ov).filter((p) => p.severity === "error")).toEqual([]);
      expect(ov.graph.nodes.every((n) => n.domain === "openvino" && (n.version ?? 99) <= 10)).toBe(true);
      const feeds = new Map(model.graph.inputs.filter((v) => !v.isInitializer).map((v, i) => [v.name, npy(m.inputs[i]!)]));
      const out = runOpenvinoModel(ov, feeds);
      model.graph.outputs.forEach((v, i) => {
        const d = diff(out.get(v.name)!, npy(m.outputs[i]!));
        expect(
          withinFp32(d),
          `${m.id} ${v.name}: max-abs ${d.maxAbs.toExponential(2)}, mean-abs ${d.meanAbs.toExponential(2)}, ref max ${d.refMaxAbs.toFixed(2)}`,
        ).toBe(true);
      });
    },
    120_000,
  );
});
