/**
 * Issue 14 part 4: models quantized by onnxruntime (quantize_dynamic with int8 and uint8
 * weights, quantize_static in QOperator and QDQ format, and the zoo's squeezenet through
 * quantize_dynamic) convert exactly to float/I32 layers MYRIAD runs. Measured against
 * onnxruntime's outputs: FP32 runs are bit-exact on the four small models and 6e-8 off on
 * squeezenet (where float Concat/MaxPool sums are ordered differently), i.e. far inside one
 * quantization step; FP16 runs stay within the MYRIAD tolerance, squeezenet's 523,385-sized
 * accumulations included. `--dequantize` drops the activation quantization and says so; its
 * outputs stay within the quantized model's own distance from the float model. lint says
 * which models are quantized and what each way costs.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { convertToIr } from "../../src/convert.js";
import { Tensor } from "../../src/ir/tensor.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { GraphBuilder } from "../support/build.js";
import { withinFp16 } from "../support/compare.js";
import { cleanScratch, cli, convert, describeDiffs, fixtureNames, modelOf, readMeta, runAndCompare } from "./support.js";

afterAll(cleanScratch);

/** Largest FP32 max-abs difference from onnxruntime measured per fixture (0: bit-exact). */
const FP32_MEASURED: Readonly<Record<string, number>> = {
  qdyn_convnet: 0,
  qdyn_convnet_u8w: 0,
  qstatic_qoperator: 0,
  qstatic_qdq: 0,
  qdyn_squeezenet1_1: 6e-8,
};

const FORMAT: Readonly<Record<string, string>> = {
  qdyn_convnet: "dynamic (quantize_dynamic)",
  qdyn_convnet_u8w: "dynamic (quantize_dynamic)",
  qstatic_qoperator: "QOperator",
  qstatic_qdq: "QDQ",
  qdyn_squeezenet1_1: "dynamic (quantize_dynamic)",
};

const present = fixtureNames().includes("qdyn_convnet");

describe.skipIf(!present)("onnxruntime-quantized models (issue 14 part 4)", () => {
  for (const name of Object.keys(FP32_MEASURED)) {
    it(`${name}: FP32 follows onnxruntime exactly (${FP32_MEASURED[name]} max-abs)`, async () => {
      const r = await convert(name, "FP32");
      expect(r.code, r.err).toBe(0);
      const diffs = await runAndCompare(name, r.xml);
      for (const d of diffs) expect(d.diff.maxAbs, describeDiffs(diffs)).toBeLessThanOrEqual(FP32_MEASURED[name]!);
    }, 120_000);

    it(`${name}: --dequantize says the outputs may differ, and they stay as close as the float model is`, async () => {
      const meta = readMeta(name);
      const exact = await convert(name, "FP32", ["--json"]);
      const r = await convert(name, "FP16", ["--dequantize", "--json"]);
      expect(r.code, r.err).toBe(0);
      const s = JSON.parse(r.out);
      expect(s.quantization).toMatchObject({ mode: "dequantized" });
      expect(s.quantization.note).toContain("outputs may differ slightly from the quantized model's");
      expect(s.layers).toBeLessThan(JSON.parse(exact.out).layers);
      const diffs = await runAndCompare(name, r.xml);
      // The quantized model is this far from its float original; dropping its quantization stays within that distance.
      for (const d of diffs) expect(d.diff.maxAbs, describeDiffs(diffs)).toBeLessThanOrEqual(meta.quantized_vs_float_model!.max_abs);
    }, 120_000);

    it(`${name}: lint says it is quantized (${FORMAT[name]}) and what each way costs`, async () => {
      const r = await cli(["lint", modelOf(name), "--format", "json"]);
      expect(r.code, r.out).toBe(0);
      const findings = JSON.parse(r.out).findings as { rule: string; severity: string; message: string }[];
      expect(findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(["warning myriad/quantized"]);
      expect(findings[0]!.message).toContain(`the model is quantized, ${FORMAT[name]} format`);
      expect(findings[0]!.message).toMatch(/exactly, [\d,]+ layers .* with --dequantize, [\d,]+ layers/);
    }, 120_000);
  }

  // lint used to report 8 FP16→U8 Converts here that convert silently chained through S32: lint was right about the
  // lowering (the MYRIAD Convert stage has no FP16→U8), so the lowering no longer makes them.
  for (const name of ["qstatic_qdq", "qstatic_qoperator"]) {
    it(`${name}: no U8 tensors between the quantized ops of the FP16 IR`, async () => {
      const r = await convert(name, "FP16", ["--json"]);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).myriadFixes).not.toContain("legal-converts");
      expect(readFileSync(r.xml, "utf8")).not.toMatch(/destination_type="u8"/);
    });
  }

  it("qdyn_squeezenet1_1: FP16 stays finite and within the tolerance (onnxruntime's FP16 copy overflows)", async () => {
    const r = await convert("qdyn_squeezenet1_1", "FP16");
    expect(r.code, r.err).toBe(0);
    const diffs = await runAndCompare("qdyn_squeezenet1_1", r.xml);
    for (const d of diffs) {
      expect(Number.isFinite(d.diff.maxAbs)).toBe(true);
      expect(withinFp16(d.diff), describeDiffs(diffs)).toBe(true);
    }
  }, 120_000);

  it("a scale below FP16's range (a dead channel's 8.8e-9) saturates in FP16 instead of dividing 0 by 0", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [4]);
    const scale = b.floats("s", [8.76e-9], []);
    const zp = b.const("zp", Tensor.fromArray("int8", [], Int8Array.of(0)));
    const [q] = b.op("QuantizeLinear", [x, scale, zp]);
    const [y] = b.op("DequantizeLinear", [q!, scale, zp]);
    b.output(y!);
    // The output keeps its name; the ONNX value that had it may be renamed when the pair is rewritten.
    const output = y!.name;
    const ir = convertToIr(b.model(), "tiny-scale.onnx", { dataType: "FP16" });
    const feeds = new Map([["x", Tensor.fromArray("float32", [4], Float32Array.of(0, 4e-9, 6, -6))]]);
    const fp32 = [...runOpenvinoModel(ir.openvino, feeds).get(output)!.toFloat32()];
    const fp16 = [...runOpenvinoModel(ir.openvino, feeds, { fp16: true }).get(output)!.toFloat32()];
    // 0 stays 0, 4e-9 rounds to 0 steps, ±6 saturate at 127 and -128 steps.
    expect(fp32.map((v) => Math.round(v / 8.76e-9))).toEqual([0, 0, 127, -128]);
    expect(fp16.every(Number.isFinite)).toBe(true);
    expect(fp16[0]).toBe(0);
  });
});
