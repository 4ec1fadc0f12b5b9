/**
 * ONNX → OpenVINO lowering proven numerically: every zoo model, after `fix`, is lowered and
 * run by our OpenVINO interpreter; the outputs must match the corpus reference outputs
 * (onnxruntime on the original ONNX) within the fp32 tolerance, and with every tensor rounded
 * to float16 (as an FP16 IR computes) within the OpenCV MYRIAD tolerance.
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
import { diff, withinFp16, withinFp32 } from "../support/compare.js";
import { corpusAvailable, warnIfCorpusMissing, zooModels } from "../support/corpus.js";

warnIfCorpusMissing();

const npy = (p: string) => {
  const a = readNpy(p);
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
};

describe.skipIf(!corpusAvailable)("zoo: lower to OpenVINO and interpret", () => {
  // FP32 here isolates the lowering; FP16 (and the files) are covered by test/emit/zoo-ir.test.ts.
  const cases = zooModels().map((m) => [`${m.id} FP32`, m, false] as const);

  it.each(cases)(
    "%s",
    (_id, m, fp16) => {
      const { model } = loadOnnxFile(m.model);
      runPipeline(model, fixPipeline());
      const { model: ov, failures } = lowerToOpenvino(model);
      expect(failures).toEqual([]);
      expect(verifyModel(ov).filter((p) => p.severity === "error")).toEqual([]);
      expect(ov.graph.nodes.every((n) => n.domain === "openvino" && (n.version ?? 99) <= 10)).toBe(true);
      const feeds = new Map(model.graph.inputs.filter((v) => !v.isInitializer).map((v, i) => [v.name, npy(m.inputs[i]!)]));
      const out = runOpenvinoModel(ov, feeds, { fp16 });
      model.graph.outputs.forEach((v, i) => {
        const d = diff(out.get(v.name)!, npy(m.outputs[i]!));
        const ok = fp16 ? withinFp16(d) : withinFp32(d);
        expect(
          ok,
          `${m.id} ${v.name}: max-abs ${d.maxAbs.toExponential(2)}, mean-abs ${d.meanAbs.toExponential(2)}, ref max ${d.refMaxAbs.toFixed(2)}`,
        ).toBe(true);
      });
    },
    120_000,
  );
});
