/**
 * The library on a TensorFlow Lite model, imported only from the package entry: the same
 * calls as for ONNX (load → lint → convert → run → compile plan) take a .tflite file, and
 * the converted IR reproduces the TensorFlow Lite interpreter's outputs. Needs the shared
 * TFLite corpus (../shared/corpus/tflite); skipped with a message without it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { convert, float32ArrayToFp16, lint, loadModel, planCompile, readNpy, run, Tensor } from "../../src/index.js";
import { diff, withinFp16, withinFp32 } from "../support/compare.js";
import { CORPUS, REPO_ROOT } from "../support/corpus.js";

/** A whole small network: PReLU, MEAN, FULLY_CONNECTED and LOGISTIC besides the convolutions; two outputs. */
const CASE = join(CORPUS, "tflite", "models", "landmark_regressor_96");
const MODEL = join(CASE, "model.tflite");
const available = existsSync(MODEL);
if (!available)
  console.warn(`SKIP: ${MODEL} not found (set MYRIADC_CORPUS or place shared/ beside the repo); the TFLite library test is skipped`);

const FAKE_TOOL = join(REPO_ROOT, "test/fixtures/backends/fake-compile-tool.mjs");
const dir = mkdtempSync(join(tmpdir(), "myriadc-library-tflite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Meta {
  inputs: { name: string }[];
  outputs: { name: string }[];
}

const meta = (): Meta => JSON.parse(readFileSync(join(CASE, "meta.json"), "utf8"));
const npy = (file: string): Tensor => {
  const a = readNpy(join(CASE, file));
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
};

/** Every output, by name, within `within` of the TensorFlow Lite interpreter's. */
function expectReference(out: ReadonlyMap<string, Tensor>, within: (d: ReturnType<typeof diff>) => boolean): void {
  const outputs = meta().outputs;
  expect([...out.keys()].sort()).toEqual(outputs.map((v) => v.name).sort());
  for (const [i, v] of outputs.entries()) expect(within(diff(out.get(v.name)!, npy(`output_${i}.npy`))), v.name).toBe(true);
}

describe.skipIf(!available)("the library on a TFLite model, from the package entry", () => {
  const feeds = () => Object.fromEntries(meta().inputs.map((v, i) => [v.name, npy(`input_${i}.npy`)]));

  it("loadModel reads it by content as TFLite, in the ONNX dialect", () => {
    const loaded = loadModel(MODEL);
    expect(loaded.format).toBe("tflite");
    expect(loaded.dialect).toBe("onnx");
    expect(loaded.model.graph.inputs.map((v) => v.name)).toEqual(meta().inputs.map((v) => v.name));
  });

  it("lint: nothing MYRIAD would refuse that convert does not fix, for the file and the model alike", () => {
    const findings = lint(MODEL);
    expect(findings.filter((f) => f.severity === "error" && !f.fixable)).toEqual([]);
    expect(lint(loadModel(MODEL), { file: MODEL })).toEqual(findings);
  });

  it("convert → run: the FP32 IR reproduces the TensorFlow Lite interpreter", () => {
    const result = convert(loadModel(MODEL), { file: MODEL });
    expect(result.report.remaining.filter((f) => f.severity === "error")).toEqual([]);
    expectReference(run(result.ir, feeds()), withinFp32);
  });

  it("run on the .tflite model itself gives the same outputs", () => {
    expectReference(run(loadModel(MODEL), feeds()), withinFp32);
  });

  it("an FP16 IR stays within the FP16 tolerance", () => {
    const result = convert(loadModel(MODEL), { dataType: "FP16", file: MODEL });
    const half = Object.fromEntries(
      Object.entries(feeds()).map(([name, t]) => [name, Tensor.fromArray("float16", t.dims, float32ArrayToFp16(t.toFloat32()))]),
    );
    expectReference(run(result.ir, half), withinFp16);
  });

  it("planCompile: compile_tool's command for the converted model", () => {
    const blob = join(dir, "landmarks.blob");
    const plan = planCompile(loadModel(MODEL), blob, { compileTool: FAKE_TOOL, backend: "local", file: MODEL });
    expect(plan.text).toContain(`-m ${plan.ir.xml} -d MYRIAD -o ${blob}`);
    expect(existsSync(plan.ir.xml) && existsSync(plan.ir.bin)).toBe(true);
  });
});
