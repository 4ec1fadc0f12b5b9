/**
 * `myriadc fix model.tflite -o model.onnx` is a TFLite → ONNX converter: onnxruntime runs
 * every written file of the corpus, and its outputs match TensorFlow Lite's (fp32 tolerance;
 * quantized outputs within 2 quantization steps).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../../src/cli/io.js";
import { runCli } from "../../../src/cli/program.js";
import { diff, withinFp32 } from "../../support/compare.js";
import { runOrt } from "../../support/ort.js";
import { npyTensor, outputSteps, readCaseModel, TFLITE_MISSING, tfliteCases, tfliteCorpusAvailable } from "./tflite-corpus.js";

if (!tfliteCorpusAvailable) console.warn(TFLITE_MISSING);
const dir = mkdtempSync(join(tmpdir(), "myriadc-tflite-onnx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!tfliteCorpusAvailable)("fix model.tflite -o model.onnx, run by onnxruntime", () => {
  it.each(tfliteCases().map((c) => [c.id, c] as const))("%s", async (id, c) => {
    const out = join(dir, `${id.replace(/[^a-z0-9]+/gi, "_")}.onnx`);
    const io = memoryIO();
    expect(await runCli(["fix", c.model, "-o", out], io), io.err).toBe(0);
    const steps = outputSteps(readCaseModel(c));
    const results = await runOrt(readFileSync(out), c.inputs.map(npyTensor));
    results.forEach((actual, i) => {
      const expected = npyTensor(c.outputs[i]!);
      expect(actual.dims).toEqual(expected.dims);
      const d = diff(actual, expected);
      const step = steps[i];
      const unit = expected.dtype === "float32" ? step : step !== undefined ? 1 : undefined;
      if (unit !== undefined) expect(d.maxAbs / unit, `${id} output ${i} in steps`).toBeLessThanOrEqual(2);
      else
        expect(withinFp32(d), `${id} output ${i}: max-abs ${d.maxAbs.toExponential(2)} mean-abs ${d.meanAbs.toExponential(2)}`).toBe(true);
    });
  });
});
