/**
 * A real dynamic-shape export (YuNet face detector, opset 9, from the openvino-ir pairs):
 * with --input-shape every Shape-derived computation folds away, and the static model gives
 * onnxruntime the same outputs as the original dynamic one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { encodeOnnx } from "../../src/frontends/onnx/save.js";
import { runPipeline } from "../../src/passes/manager.js";
import { setInputShapes } from "../../src/passes/onnx/input-shapes.js";
import { fixPipeline } from "../../src/passes/pipelines.js";
import { randomTensor } from "../support/build.js";
import { diff, withinFp32 } from "../support/compare.js";
import { CORPUS, corpusAvailable, warnIfCorpusMissing } from "../support/corpus.js";
import { runOrt } from "../support/ort.js";

warnIfCorpusMissing();
const YUNET = join(CORPUS, "openvino-ir/pairs/3_yunet_face_detection/face_detection_yunet.onnx");

describe.skipIf(!corpusAvailable)("fix --input-shape on a dynamic model", () => {
  it("YuNet 120×160: no Shape/Gather/Unsqueeze left, same outputs as the dynamic original", async () => {
    const { model } = loadOnnxFile(YUNET);
    expect(model.graph.nodes.filter((n) => n.opType === "Shape")).toHaveLength(5);
    setInputShapes(model, new Map([["input", [1, 3, 120, 160]]]));
    const report = runPipeline(model, fixPipeline());
    expect(report.hitCap).toBe(false);
    const ops = new Set(model.graph.nodes.map((n) => n.opType));
    for (const gone of ["Shape", "Gather", "Unsqueeze", "Constant"]) expect(ops.has(gone), gone).toBe(false);
    expect(model.graph.nodes.every((n) => n.outputs.every((v) => !v || v.shape?.every((d) => typeof d === "number")))).toBe(true);
    const input = randomTensor([1, 3, 120, 160], 42);
    const original = await runOrt(new Uint8Array(readFileSync(YUNET)), [input]);
    const fixed = await runOrt(encodeOnnx(model), [input]);
    original.forEach((o, i) => {
      const d = diff(fixed[i]!, o);
      expect(withinFp32(d), `output ${i}: max-abs ${d.maxAbs}`).toBe(true);
    });
  });
});
