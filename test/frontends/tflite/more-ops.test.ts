/**
 * Ops the corpus lacks (EMBEDDING_LOOKUP, REVERSE_SEQUENCE, BROADCAST_ARGS, CONV_3D,
 * DYNAMIC_UPDATE_SLICE with a start TFLite clamps, one-input WHERE, NON_MAX_SUPPRESSION_V4/V5) and an int8 model
 * of what on-device segmentation and landmark nets use (PRELU with per-channel alpha,
 * HARD_SWISH, CONCATENATION of differently quantized inputs, MIRROR_PAD, DEPTH_TO_SPACE,
 * half-pixel RESIZE_BILINEAR), each against TensorFlow Lite's outputs, in the IR and in
 * onnxruntime on `fix -o model.onnx`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../../src/cli/io.js";
import { runCli } from "../../../src/cli/program.js";
import { readTfliteBytes } from "../../../src/frontends/tflite/load.js";
import type { Tensor } from "../../../src/ir/tensor.js";
import { type Diff, diff, withinFp16, withinFp32 } from "../../support/compare.js";
import { runOrt } from "../../support/ort.js";
import { convertAndRun, FIXTURES, fixture } from "./fixtures.js";
import { outputSteps } from "./tflite-corpus.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-tflite-more-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FLOAT = ["op_embedding_lookup", "op_reverse_sequence", "op_broadcast_args", "op_conv_3d", "op_dynamic_update_slice"];

describe("ops the corpus lacks", () => {
  it.each(FLOAT)("%s: FP32 and FP16 IRs and onnxruntime match TFLite", async (name) => {
    const f = fixture(name);
    expect(withinFp32(diff(convertAndRun(f.model, f.inputs).outputs[0]!, f.outputs[0]!))).toBe(true);
    expect(withinFp16(diff(convertAndRun(f.model, f.inputs, { dataType: "FP16" }).outputs[0]!, f.outputs[0]!))).toBe(true);
    const out = join(dir, `${name}.onnx`);
    const io = memoryIO();
    expect(await runCli(["fix", f.model, "-o", out], io), io.err).toBe(0);
    const [y] = await runOrt(readFileSync(out), f.inputs);
    expect(withinFp32(diff(y!, f.outputs[0]!))).toBe(true);
  });
});

describe("WHERE (coordinates of the true elements; how many is known only at run time)", () => {
  const f = fixture("op_where");
  const rows = (t: { dims: readonly number[]; toIntegers(): number[] }) => ({ dims: [...t.dims], values: t.toIntegers() });

  it.each(["FP32", "FP16"] as const)("the %s IR gives TFLite's coordinates exactly", (dataType) => {
    expect(rows(convertAndRun(f.model, f.inputs, { dataType }).outputs[0]!)).toEqual(rows(f.outputs[0]!));
  });

  it("onnxruntime gives them on fix -o model.onnx", async () => {
    const out = join(dir, "where.onnx");
    const io = memoryIO();
    expect(await runCli(["fix", f.model, "-o", out], io), io.err).toBe(0);
    const [y] = await runOrt(readFileSync(out), f.inputs);
    expect(rows(y!)).toEqual(rows(f.outputs[0]!));
  });
});

describe("NON_MAX_SUPPRESSION_V4/V5 (kept boxes padded to max_output_size; how many is an output)", () => {
  const ints = (t: Tensor) => ({ dims: [...t.dims], values: t.toIntegers() });
  for (const name of ["op_nms_v4", "op_nms_v5"]) {
    const f = fixture(name);
    // Indices and count are exact; V5's scores (input 1 gathered) are within the tolerance of the data type.
    const check = (outputs: readonly Tensor[], within: (d: Diff) => boolean) => {
      expect(outputs).toHaveLength(f.outputs.length);
      expect(ints(outputs[0]!)).toEqual(ints(f.outputs[0]!));
      expect(ints(outputs.at(-1)!)).toEqual(ints(f.outputs.at(-1)!));
      if (f.outputs.length === 3) expect(within(diff(outputs[1]!, f.outputs[1]!))).toBe(true);
    };

    it.each([
      ["FP32", withinFp32],
      ["FP16", withinFp16],
    ] as const)(`${name}: the %s IR keeps TFLite's boxes`, (dataType, within) => {
      check(convertAndRun(f.model, f.inputs, { dataType }).outputs, within);
    });

    it(`${name}: onnxruntime keeps them on fix -o model.onnx`, async () => {
      const out = join(dir, `${name}.onnx`);
      const io = memoryIO();
      expect(await runCli(["fix", f.model, "-o", out], io), io.err).toBe(0);
      check(await runOrt(readFileSync(out), f.inputs), withinFp32);
    });
  }
});

describe("NON_MAX_SUPPRESSION_V5 with soft-NMS", () => {
  it("is refused at the operator, saying why, by lint and convert", async () => {
    const model = join(FIXTURES, "op_nms_v5_soft", "model.tflite");
    const io = memoryIO();
    expect(await runCli(["lint", model], io)).toBe(1);
    expect(io.out).toMatch(/NON_MAX_SUPPRESSION_V5#0 .*soft-NMS \(soft_nms_sigma above 0\) decays scores/);
    const cv = memoryIO();
    expect(await runCli(["convert", model, "-o", join(dir, "soft.xml")], cv)).toBe(2);
    expect(cv.err).toMatch(/soft_nms_sigma/);
  });
});

describe("int8 segmentation/landmark mix", () => {
  it("within 1 output step in FP32 and 4 in FP16; onnxruntime on the exported QDQ model within 4", async () => {
    const f = fixture("int8_mediapipe_mix");
    const step = outputSteps(readTfliteBytes(readFileSync(f.model), f.model))[0]!;
    expect(diff(convertAndRun(f.model, f.inputs).outputs[0]!, f.outputs[0]!).maxAbs / step).toBeLessThanOrEqual(1 + 1e-4);
    expect(diff(convertAndRun(f.model, f.inputs, { dataType: "FP16" }).outputs[0]!, f.outputs[0]!).maxAbs / step).toBeLessThanOrEqual(4);
    const out = join(dir, "mix.onnx");
    const io = memoryIO();
    expect(await runCli(["fix", f.model, "-o", out], io), io.err).toBe(0);
    const [y] = await runOrt(readFileSync(out), f.inputs);
    // onnxruntime runs QDQ groups with its own integer kernels (their own rounding): 3 steps here.
    expect(diff(y!, f.outputs[0]!).maxAbs / step).toBeLessThanOrEqual(4);
  });
});
