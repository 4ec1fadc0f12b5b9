/**
 * The two compile_tool failures users bring to us, reproduced on small models that cause
 * them: lint names the node and the problem, `fix --target myriad` removes it, and the fixed
 * model computes what the original did (onnxruntime), also after convert (our interpreter).
 *  1. `Failed to compile layer "Resize_230": unsupported layer type "Interpolate"` — here a
 *     Resize whose output sizes are computed at run time from the input's shape, as
 *     exporters write `F.interpolate(scale_factor=2)`.
 *  2. `input #0 has type S32, but one of [FP16] is expected` — integer math (a Greater on
 *     int64, narrowed to S32) feeding a layer MYRIAD computes in FP16 only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { convertToIr } from "../../src/convert.js";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { encodeOnnx, saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { attr } from "../../src/ir/attribute.js";
import { dtypeToOnnx } from "../../src/ir/dtype.js";
import { lintFile } from "../../src/lint/lint-file.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { GraphBuilder, randomTensor } from "../support/build.js";
import { diff, withinFp32 } from "../support/compare.js";
import { runOrt } from "../support/ort.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-seeds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Gives the node of an op type the name the user's error message shows. */
function named(b: GraphBuilder, opType: string, name: string): void {
  b.graph.nodes.find((n) => n.opType === opType)!.name = name;
}

function resizeWithComputedSizes(): string {
  const b = new GraphBuilder(13);
  const x = b.input("x", "float32", [1, 3, 8, 8]);
  const [shape] = b.op("Shape", [x]);
  const [hw] = b.op("Slice", [shape, b.ints("starts", [2]), b.ints("ends", [4])]);
  const [hwf] = b.op("Cast", [hw], { to: attr.int(dtypeToOnnx("float32")) });
  const [scaled] = b.op("Mul", [hwf, b.floats("two", [2])]);
  const [hw2] = b.op("Cast", [scaled], { to: attr.int(dtypeToOnnx("int64")) });
  const [sizes] = b.op("Concat", [b.ints("nc", [1, 3]), hw2], { axis: attr.int(0) });
  const [y] = b.op("Resize", [x, undefined, undefined, sizes], { mode: attr.string("nearest") });
  named(b, "Resize", "Resize_230");
  b.output(y!);
  const file = join(dir, "resize.onnx");
  saveOnnxFile(b.model(), file);
  return file;
}

function integerGreater(): string {
  const b = new GraphBuilder(13);
  const x = b.input("x", "float32", [1, 6]);
  const [xi] = b.op("Cast", [x], { to: attr.int(dtypeToOnnx("int64")) });
  const [gt] = b.op("Greater", [xi, b.ints("limit", [0])]);
  named(b, "Greater", "Greater_7");
  const [y] = b.op("Cast", [gt!], { to: attr.int(dtypeToOnnx("float32")) });
  b.output(y!);
  const file = join(dir, "greater.onnx");
  saveOnnxFile(b.model(), file);
  return file;
}

async function sameOutputs(original: string, fixed: string, input: ReturnType<typeof randomTensor>): Promise<void> {
  const a = await runOrt(encodeOnnx(loadOnnxFile(original).model), [input]);
  const b = await runOrt(encodeOnnx(loadOnnxFile(fixed).model), [input]);
  expect(withinFp32(diff(b[0]!, a[0]!))).toBe(true);
}

async function convertedMatches(original: string, input: ReturnType<typeof randomTensor>): Promise<void> {
  const expected = await runOrt(encodeOnnx(loadOnnxFile(original).model), [input]);
  const ir = convertToIr(loadOnnxFile(original).model, original);
  const [got] = [...runOpenvinoModel(ir.openvino, new Map([["x", input]])).values()];
  expect(withinFp32(diff(got!, expected[0]!))).toBe(true);
}

describe("the seed errors as lint findings", () => {
  it("Resize_230 with run-time sizes: found at the node, gone after fix", async () => {
    const file = resizeWithComputedSizes();
    const found = lintFile(file).findings;
    expect(found).toContainEqual(
      expect.objectContaining({
        rule: "myriad/interpolate-shape",
        node: "Resize_230",
        op: "Interpolate",
        severity: "error",
        fixable: true,
      }),
    );
    const fixed = join(dir, "resize-fixed.onnx");
    expect(await runCli(["fix", file, "-o", fixed, "--target", "myriad"], memoryIO())).toBe(0);
    expect(lintFile(fixed).findings.filter((f) => f.severity === "error")).toEqual([]);
    const input = randomTensor([1, 3, 8, 8], 3);
    await sameOutputs(file, fixed, input);
    await convertedMatches(file, input);
  });

  it("Greater_7 on int64: `input #0 has type S32, but one of [FP16] is expected`, gone after fix", async () => {
    const file = integerGreater();
    const io = memoryIO();
    expect(await runCli(["lint", file], io)).toBe(1);
    expect(io.out).toContain("Stage node Greater_7 (Greater) types check error: input #0 has type S32, but one of [FP16] is expected");
    const found = lintFile(file).findings;
    expect(found).toContainEqual(expect.objectContaining({ rule: "myriad/input-type", node: "Greater_7", fixable: true }));
    const fixed = join(dir, "greater-fixed.onnx");
    expect(await runCli(["fix", file, "-o", fixed, "--target", "myriad"], memoryIO())).toBe(0);
    expect(lintFile(fixed).findings).toEqual([]);
    expect(await runCli(["lint", fixed], memoryIO())).toBe(0);
    const input = randomTensor([1, 6], 5);
    await sameOutputs(file, fixed, input);
    await convertedMatches(file, input);
  });
});
