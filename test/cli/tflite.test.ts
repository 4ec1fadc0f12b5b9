/**
 * Every command takes a TensorFlow Lite model, found by content through the one frontend
 * entry: inspect, lint, fix (written as ONNX), convert (then run on the IR), run on the
 * .tflite itself, compile (against the compile_tool stand-in), and the interface flags
 * (--freeze) on it. One-op models from the shared TFLite corpus, with the TensorFlow Lite
 * interpreter's outputs; skipped with a message without the corpus.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { readIr } from "../../src/frontends/openvino/read-ir.js";
import { readNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { diff, withinFp32 } from "../support/compare.js";
import { CORPUS, REPO_ROOT } from "../support/corpus.js";

/** One CONV_2D (SAME padding, stride 1) on NHWC x[1,9,11,4]. */
const CONV = join(CORPUS, "tflite", "ops", "conv2d_same_s1");
/** a[1,4,5,3] + b[3] (a broadcast ADD of two inputs). */
const ADD = join(CORPUS, "tflite", "ops", "add_relu_bcast");
const available = existsSync(join(CONV, "model.tflite")) && existsSync(join(ADD, "model.tflite"));
if (!available) console.warn(`SKIP: the TFLite corpus was not found under ${join(CORPUS, "tflite")}; the TFLite CLI tests are skipped`);

const FAKE_TOOL = join(REPO_ROOT, "test/fixtures/backends/fake-compile-tool.mjs");
const dir = mkdtempSync(join(tmpdir(), "myriadc-cli-tflite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

const npy = (file: string): Tensor => {
  const a = readNpy(file);
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
};
const model = (d: string) => join(d, "model.tflite");

describe.skipIf(!available)("every command on a .tflite model", () => {
  it("inspect names its input and op", async () => {
    const r = await cli("inspect", model(CONV), "--json");
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.inputs).toEqual([{ name: "x", dtype: "float32", shape: [1, 9, 11, 4] }]);
    expect(s.ops.Conv).toBe(1);
  });

  it("lint finds nothing MYRIAD refuses", async () => {
    const r = await cli("lint", model(CONV), "--format", "json");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).summary.errors).toBe(0);
  });

  it("fix writes it as ONNX, into a folder it creates", async () => {
    const out = join(dir, "fix", "conv.onnx");
    const r = await cli("fix", model(CONV), "-o", out);
    expect(r.code, r.err).toBe(0);
    expect(loadOnnxFile(out).model.graph.nodes.map((n) => n.opType)).toContain("Conv");
  });

  it("convert, then run on the IR, reproduces the TensorFlow Lite interpreter", async () => {
    const xml = join(dir, "convert", "conv.xml");
    const c = await cli("convert", model(CONV), "-o", xml);
    expect(c.code, c.err).toBe(0);
    expect(c.out).toMatch(/no problems left for MYRIAD/);
    const r = await cli("run", xml, "--input", `x=${join(CONV, "input_0.npy")}`, "--output-dir", join(dir, "run-ir"));
    expect(r.code, r.err).toBe(0);
    expect(withinFp32(diff(npy(join(dir, "run-ir", "Identity.npy")), npy(join(CONV, "output_0.npy"))))).toBe(true);
  });

  it("run on the .tflite itself reproduces the TensorFlow Lite interpreter", async () => {
    const out = join(dir, "run-tflite");
    const r = await cli("run", model(CONV), "--input", `x=${join(CONV, "input_0.npy")}`, "--output-dir", out);
    expect(r.code, r.err).toBe(0);
    expect(withinFp32(diff(npy(join(out, "Identity.npy")), npy(join(CONV, "output_0.npy"))))).toBe(true);
  });

  it("compile converts and compiles it in one command", async () => {
    const blob = join(dir, "compile", "conv.blob");
    const r = await cli("compile", model(CONV), "-o", blob, "--compile-tool", FAKE_TOOL);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/conv\.blob: [\d,]+ bytes, MYRIAD blob version/);
  });

  it("convert --freeze turns one of its inputs into a constant", async () => {
    const xml = join(dir, "frozen", "add.xml");
    const r = await cli("convert", model(ADD), "-o", xml, "--freeze", "b=[1,2,3]");
    expect(r.code, r.err).toBe(0);
    const params = readIr(xml).net.layers.filter((l) => l.type === "Parameter");
    expect(params.map((l) => l.name)).toEqual(["a"]);
  });

  it("convert of a dynamic batch names the input and the --input-shape to give, and writes nothing", async () => {
    const dynamic = join(CORPUS, "tflite", "models", "dynamic_batch_64", "model.tflite");
    const xml = join(dir, "dynamic", "model.xml");
    const r = await cli("convert", dynamic, "-o", xml);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^myriadc: error: .*model\.tflite: input "[^"]+" has no static shape; give it with --input-shape \S+=\[<[^>]+>,64,64,3\]\n$/,
    );
    expect(existsSync(xml)).toBe(false);
  });
});
