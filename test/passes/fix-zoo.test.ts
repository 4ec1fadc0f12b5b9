import { describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { encodeOnnx } from "../../src/frontends/onnx/save.js";
import { readNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { verifyModel } from "../../src/ir/verify.js";
import { runPipeline } from "../../src/passes/manager.js";
import { convertOpset } from "../../src/passes/onnx/downgrade/downgrade.js";
import { fixPipeline } from "../../src/passes/pipelines.js";
import { diff, withinFp32 } from "../support/compare.js";
import { corpusAvailable, warnIfCorpusMissing, zooModels } from "../support/corpus.js";
import { runOrt } from "../support/ort.js";

warnIfCorpusMissing();

const npyTensor = (p: string) => {
  const a = readNpy(p);
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
};

describe.skipIf(!corpusAvailable)("fix on the zoo", () => {
  const models = zooModels();
  it("finds the zoo", () => expect(models.length).toBeGreaterThan(5));

  const cases = models.flatMap((m) => [undefined, 13, 11].map((opset) => [`${m.id} --opset ${opset ?? "(unchanged)"}`, m, opset] as const));

  it.each(cases)("%s", async (_id, m, opset) => {
    const { model } = loadOnnxFile(m.model);
    const nodesBefore = model.graph.nodes.length;
    const report = runPipeline(model, fixPipeline());
    expect(report.hitCap).toBe(false);
    if (opset !== undefined) {
      const { failures } = convertOpset(model, opset);
      expect(failures).toEqual([]);
      expect(runPipeline(model, fixPipeline()).hitCap).toBe(false);
      expect(Object.fromEntries(model.opsetImports)).toEqual({ "": opset });
      expect(model.graph.nodes.every((n) => n.version === opset)).toBe(true);
    }
    expect(verifyModel(model).filter((p) => p.severity === "error")).toEqual([]);
    // Lowering may decompose ops (HardSwish → HardSigmoid·x), so only the plain fix must shrink.
    if (opset === undefined) expect(model.graph.nodes.length).toBeLessThanOrEqual(nodesBefore);
    expect(model.graph.nodes.some((n) => n.opType === "Identity" || n.opType === "Constant")).toBe(false);
    // Fixing again finds nothing more to do.
    expect(runPipeline(model, fixPipeline()).changed).toBe(false);
    const outputs = await runOrt(encodeOnnx(model), m.inputs.map(npyTensor));
    m.outputs.forEach((p, i) => {
      const d = diff(outputs[i]!, npyTensor(p));
      expect(withinFp32(d), `${m.id} output ${i}: max-abs ${d.maxAbs}, mean-abs ${d.meanAbs}`).toBe(true);
    });
  });
});
