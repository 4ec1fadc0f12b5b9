/**
 * Quantized TFLite models on MYRIAD. By default the activation quantization stays exact (float
 * round/clamp arithmetic, no int8 tensor), so the IR computes TFLite's numbers; a dynamic-range
 * model's run-time input quantization is exact too. With --dequantize the pairs go: fewer
 * layers, outputs within a few quantization steps (full-integer models) or within 1% of the
 * output's magnitude (dynamic-range models). Fixtures: test/fixtures/tflite (make_fixtures.py);
 * the corpus' quantized MobileNets too when ../shared is present.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../../src/cli/io.js";
import { runCli } from "../../../src/cli/program.js";
import { loadModel } from "../../../src/frontends/load-model.js";
import { readTfliteBytes } from "../../../src/frontends/tflite/load.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { diff, withinFp16, withinFp32 } from "../../support/compare.js";
import { runOrt } from "../../support/ort.js";
import { convertAndRun, type Fixture, fixture, layerCounts } from "./fixtures.js";
import { npyTensor, outputSteps, readCaseModel, TFLITE_MISSING, tfliteCases, tfliteCorpusAvailable } from "./tflite-corpus.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-tflite-quant-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The quantization step of the fixture's output (its own scale, or the scale its DEQUANTIZE reads). */
function step(f: Fixture): number {
  const s = outputSteps(readTfliteBytes(readFileSync(f.model), f.model))[0];
  if (s === undefined) throw new Error(`${f.name}: output is not quantized`);
  return s;
}

/** Difference in output quantization steps (integer outputs are in steps already). */
function steps(f: Fixture, actual: ReturnType<typeof convertAndRun>["outputs"][number]): number {
  const d = diff(actual, f.outputs[0]!);
  return f.outputs[0]!.dtype === "float32" ? d.maxAbs / step(f) : d.maxAbs;
}

describe("full-integer models (int8 inside; float or uint8 I/O)", () => {
  it.each(["int8_convnet", "uint8io_convnet"])("%s: exact in FP32, within 4 steps in FP16, no int8 and no Convert pair inside", (name) => {
    const f = fixture(name);
    const fp32 = convertAndRun(f.model, f.inputs, { dataType: "FP32" });
    expect(steps(f, fp32.outputs[0]!)).toBeLessThanOrEqual(1);
    expect(fp32.converted.quantization).toMatchObject({ mode: "exact", pairs: 8 });
    // One Round per pair, and one for the uint8 output's own quantization.
    const outputRound = f.outputs[0]!.dtype === "uint8" ? 1 : 0;
    expect(layerCounts(fp32.converted).get("Round")).toBe(8 + outputRound);
    // Integer values only where the model takes or gives them (uint8 I/O).
    const integerPorts = fp32.converted.net.layers.filter((l) =>
      l.outputs.some((p) => p.attributes.some(([k, v]) => k === "precision" && v === "I8")),
    );
    expect(integerPorts.map((l) => l.name)).toEqual([]);
    const fp16 = convertAndRun(f.model, f.inputs, { dataType: "FP16" });
    expect(steps(f, fp16.outputs[0]!)).toBeLessThanOrEqual(4);
  });

  it.each(["int8_convnet", "uint8io_convnet"])(
    "%s --dequantize: fewer layers, no rounding but the integer output's, within 2 steps",
    (name) => {
      const f = fixture(name);
      const exact = convertAndRun(f.model, f.inputs);
      const r = convertAndRun(f.model, f.inputs, { dequantize: true });
      expect(r.converted.quantization).toMatchObject({ mode: "dequantized", pairs: 8 });
      expect(r.converted.net.layers.length).toBeLessThan(exact.converted.net.layers.length / 1.5);
      expect(layerCounts(r.converted).get("Round") ?? 0).toBe(f.outputs[0]!.dtype === "uint8" ? 1 : 0);
      expect(steps(f, r.outputs[0]!)).toBeLessThanOrEqual(2);
    },
  );
});

describe("dynamic-range (hybrid) models: int8 weights, float activations", () => {
  it.each(["hybrid_convnet", "hybrid_per_tensor"])(
    "%s: the run-time input quantization is exact (FP32 tolerance), FP16 within its own",
    (name) => {
      const f = fixture(name);
      const r = convertAndRun(f.model, f.inputs);
      const d = diff(r.outputs[0]!, f.outputs[0]!);
      expect(withinFp32(d), `max-abs ${d.maxAbs}`).toBe(true);
      const h = convertAndRun(f.model, f.inputs, { dataType: "FP16" });
      expect(withinFp16(diff(h.outputs[0]!, f.outputs[0]!))).toBe(true);
    },
  );

  it.each(["hybrid_convnet", "hybrid_per_tensor"])("%s --dequantize: float weights only, within 1% of the output's magnitude", (name) => {
    const f = fixture(name);
    const exact = convertAndRun(f.model, f.inputs);
    const r = convertAndRun(f.model, f.inputs, { dequantize: true });
    const d = diff(r.outputs[0]!, f.outputs[0]!);
    // Not exact any more (TFLite rounds the inputs), but close.
    expect(withinFp32(d)).toBe(false);
    expect(d.maxAbs).toBeLessThanOrEqual(0.01 * d.refMaxAbs);
    expect(r.converted.net.layers.length).toBeLessThan(exact.converted.net.layers.length / 2);
    expect([...layerCounts(r.converted).keys()].sort()).not.toContain("Round");
  });

  it("keeps each image's own scale (batch 2): the same image alone gives the same output", () => {
    const f = fixture("hybrid_convnet");
    const both = convertAndRun(f.model, f.inputs).outputs[0]!.toFloat32();
    const first = f.inputs[0]!;
    const half = first.bytes().subarray(0, first.byteLength / 2);
    const doubled = Tensor.fromBytes("float32", first.dims, new Uint8Array([...half, ...half]));
    const again = convertAndRun(f.model, [doubled]).outputs[0]!.toFloat32();
    const n = both.length / 2;
    expect(Array.from(again.subarray(0, n))).toEqual(Array.from(both.subarray(0, n)));
    expect(Array.from(again.subarray(n))).toEqual(Array.from(both.subarray(0, n)));
  });

  it("is exported to ONNX as standard QuantizeLinear/DequantizeLinear that onnxruntime runs", async () => {
    const f = fixture("hybrid_convnet");
    const out = join(dir, "hybrid.onnx");
    const io = memoryIO();
    expect(await runCli(["fix", f.model, "-o", out], io), io.err).toBe(0);
    const [y] = await runOrt(readFileSync(out), f.inputs);
    expect(withinFp32(diff(y!, f.outputs[0]!))).toBe(true);
  });
});

describe("the CLI", () => {
  it("convert says how the quantization was kept, and --dequantize that outputs may differ", async () => {
    const f = fixture("int8_convnet");
    const io = memoryIO();
    expect(await runCli(["convert", f.model, "-o", join(dir, "a.xml")], io), io.err).toBe(0);
    expect(io.out).toMatch(/quantized model kept exact: 8 activation quantize\/dequantize pairs/);
    const dq = memoryIO();
    expect(await runCli(["convert", f.model, "-o", join(dir, "b.xml"), "--dequantize", "--json"], dq), dq.err).toBe(0);
    const summary = JSON.parse(dq.out);
    expect(summary.quantization).toMatchObject({ mode: "dequantized", pairs: 8 });
    expect(summary.quantization.note).toMatch(/outputs may differ slightly/);
    expect(summary.layers).toBeLessThan(40);
  });

  it("fix --dequantize writes an ONNX model without quantize/dequantize pairs that onnxruntime runs", async () => {
    const f = fixture("int8_convnet");
    const out = join(dir, "dq.onnx");
    const io = memoryIO();
    expect(await runCli(["fix", f.model, "-o", out, "--dequantize"], io), io.err).toBe(0);
    const { model } = loadModel(out);
    expect(model.graph.nodes.filter((n) => n.opType.endsWith("QuantizeLinear"))).toEqual([]);
    const [y] = await runOrt(readFileSync(out), f.inputs);
    expect(diff(y!, f.outputs[0]!).maxAbs / step(f)).toBeLessThanOrEqual(2);
  });

  it("lint finds no int8 left for MYRIAD, with or without --dequantize", async () => {
    const f = fixture("int8_convnet");
    for (const extra of [[], ["--dequantize"]]) {
      const io = memoryIO();
      await runCli(["lint", f.model, "--format", "json", ...extra], io);
      const findings = JSON.parse(io.out).findings as { rule: string; fixable: boolean }[];
      expect(findings.filter((x) => x.rule === "myriad/unsupported-type" && !x.fixable)).toEqual([]);
    }
  });

  it("compile --dequantize --dry-run converts without the pairs", async () => {
    const f = fixture("int8_convnet");
    const io = memoryIO();
    const code = await runCli(
      ["compile", f.model, "-o", join(dir, "m.blob"), "--dequantize", "--dry-run", "--backend", "blobconverter"],
      io,
    );
    expect(code, io.err).toBe(0);
    const xml = readFileSync(join(dir, "model_tflite.xml"), "utf8");
    expect(xml).not.toMatch(/type="Round"/);
    expect(xml).toMatch(/dequantize/);
  });
});

if (!tfliteCorpusAvailable) console.warn(TFLITE_MISSING);
const quantizedCorpus = tfliteCases().filter((c) => /_(int8|uint8io|dynamic)$/.test(c.id));

describe.skipIf(!tfliteCorpusAvailable)("the corpus' quantized MobileNets with --dequantize", () => {
  it.each(quantizedCorpus.map((c) => [c.id, c] as const))(
    "%s: within 2 steps (or FP32 tolerance for float outputs), fewer layers",
    (_id, c) => {
      const feeds = c.inputs.map(npyTensor);
      const exact = convertAndRun(c.model, feeds);
      const r = convertAndRun(c.model, feeds, { dequantize: true });
      expect(r.converted.net.layers.length).toBeLessThan(exact.converted.net.layers.length);
      const expected = npyTensor(c.outputs[0]!);
      const s = outputSteps(readCaseModel(c))[0];
      const d = diff(r.outputs[0]!, expected);
      if (s === undefined) expect(withinFp16(d)).toBe(true);
      else expect(expected.dtype === "float32" ? d.maxAbs / s : d.maxAbs).toBeLessThanOrEqual(2);
    },
  );
});
