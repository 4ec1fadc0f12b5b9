/**
 * The whole conversion through files: each zoo model is converted to IR v11 (FP32 and FP16),
 * written as .xml/.bin, read back with the IR reader, and run by the interpreter; the outputs
 * must match the corpus reference outputs (FP32: 1e-4 / 1e-5; FP16: 2e-2 / 4e-3, scaled).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { convertToIr } from "../../src/convert.js";
import { writeIr } from "../../src/emit/openvino-ir.js";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { readIr } from "../../src/frontends/openvino/read-ir.js";
import { irToModel } from "../../src/frontends/openvino/to-graph.js";
import { readNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { diff, withinFp16, withinFp32 } from "../support/compare.js";
import { corpusAvailable, warnIfCorpusMissing, zooModels } from "../support/corpus.js";

warnIfCorpusMissing();
const dir = mkdtempSync(join(tmpdir(), "myriadc-zoo-ir-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npy = (p: string) => {
  const a = readNpy(p);
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
};

describe.skipIf(!corpusAvailable)("zoo → IR files → interpreter", () => {
  const cases = zooModels().flatMap((m) => (["FP32", "FP16"] as const).map((dt) => [`${m.id} ${dt}`, m, dt] as const));

  it.each(cases)(
    "%s",
    (id, m, dataType) => {
      const { model } = loadOnnxFile(m.model);
      const inputNames = model.graph.inputs.filter((v) => !v.isInitializer).map((v) => v.name);
      const outputNames = model.graph.outputs.map((v) => v.name);
      const ir = convertToIr(model, m.model, { dataType, parameters: { input_model: m.id } });
      const xml = join(dir, `${id.replace(/[^a-z0-9]+/gi, "_")}.xml`);
      writeIr(xml, xml.replace(/\.xml$/, ".bin"), ir.net, ir.weights);
      const back = readIr(xml);
      // Only opset1–opset10 layers; FP16 means no FP32 port anywhere.
      expect(back.net.layers.every((l) => /^opset([1-9]|10)$/.test(l.version))).toBe(true);
      const precisions = new Set(
        back.net.layers.flatMap((l) => [...l.inputs, ...l.outputs].map((p) => p.attributes.find(([k]) => k === "precision")?.[1])),
      );
      if (dataType === "FP16") expect(precisions.has("FP32")).toBe(false);
      const ov = irToModel(back.net, back.weights, xml);
      expect(ov.graph.inputs.map((v) => v.name)).toEqual(inputNames);
      expect(ov.graph.outputs.map((v) => v.name)).toEqual(outputNames);
      const out = runOpenvinoModel(ov, new Map(inputNames.map((n, i) => [n, npy(m.inputs[i]!)])), { fp16: dataType === "FP16" });
      outputNames.forEach((n, i) => {
        const d = diff(out.get(n)!, npy(m.outputs[i]!));
        expect(
          dataType === "FP16" ? withinFp16(d) : withinFp32(d),
          `${id} ${n}: max-abs ${d.maxAbs.toExponential(2)} mean-abs ${d.meanAbs.toExponential(2)}`,
        ).toBe(true);
      });
    },
    120_000,
  );
});
