/** `myriadc convert` and `myriadc run` as a user runs them. */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { safeFileName } from "../../src/cli/commands/run.js";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { readNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { diff, withinFp16, withinFp32 } from "../support/compare.js";
import { CORPUS, corpusAvailable, REPO_ROOT, warnIfCorpusMissing } from "../support/corpus.js";

warnIfCorpusMissing();
const dir = mkdtempSync(join(tmpdir(), "myriadc-cli-convert-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const npy = (p: string) => {
  const a = readNpy(p);
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
};

describe("myriadc convert / run", () => {
  it("converts the example and runs it", async () => {
    const xml = join(dir, "blur.xml");
    let io = memoryIO();
    expect(await runCli(["convert", join(REPO_ROOT, "examples/gaussian_blur.onnx"), "-o", xml, "--json"], io)).toBe(0);
    const s = JSON.parse(io.out);
    expect(s.layersByType["Convolution-1"] ?? s.layersByType["GroupConvolution-1"]).toBe(1);
    expect(s.layersByType["Pad-1"]).toBe(1);
    expect(existsSync(join(dir, "blur.bin"))).toBe(true);
    io = memoryIO();
    expect(await runCli(["inspect", xml, "--json"], io)).toBe(0);
    expect(JSON.parse(io.out).inputs[0]).toEqual({ name: "input_0", dtype: "float32", shape: [1, 3, 300, 300] });
  });

  it.skipIf(!corpusAvailable)("run on the converted IR reproduces the reference output (FP16)", async () => {
    const z = join(CORPUS, "zoo/seed_laplacian_op12");
    const xml = join(dir, "lap.xml");
    expect(await runCli(["convert", join(z, "model.onnx"), "-o", xml, "--data-type", "FP16"], memoryIO())).toBe(0);
    const io = memoryIO();
    const out = join(dir, "lap-out");
    expect(await runCli(["run", xml, "--input", `input_0=${join(z, "input_0.npy")}`, "--output-dir", out], io)).toBe(0);
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    const d = diff(npy(join(out, files[0]!)), npy(join(z, "output_0.npy")));
    expect(withinFp16(d)).toBe(true);
  });

  it.skipIf(!corpusAvailable)("run on an ONNX model converts in memory (FP32)", async () => {
    const z = join(CORPUS, "zoo/seed_catimgs_op12");
    const out = join(dir, "cat-out");
    const args = [
      "run",
      join(z, "model.onnx"),
      ...[0, 1, 2].flatMap((i) => ["--input", `input_${i}=${join(z, `input_${i}.npy`)}`]),
      "--output-dir",
      out,
    ];
    expect(await runCli(args, memoryIO())).toBe(0);
    expect(withinFp32(diff(npy(join(out, "3.npy")), npy(join(z, "output_0.npy"))))).toBe(true);
  });

  it("refuses bad flags with one line and writes nothing", async () => {
    const example = join(REPO_ROOT, "examples/gaussian_blur.onnx");
    for (const args of [
      ["convert", example, "-o", join(dir, "x.bin")],
      ["convert", example, "-o", join(dir, "y.xml"), "--data-type", "INT8"],
      ["convert", example, "-o", join(dir, "no-such-dir", "z.xml"), "--input-shape", "nope=[1]"],
      ["run", example, "--input", "nope=x.npy", "--output-dir", join(dir, "o")],
    ]) {
      const io = memoryIO();
      expect(await runCli(args, io), args.join(" ")).toBe(2);
      expect(io.err.trim().split("\n"), io.err).toHaveLength(1);
    }
    expect(existsSync(join(dir, "y.xml"))).toBe(false);
    // A folder -o names is created only once the conversion succeeded.
    expect(existsSync(join(dir, "no-such-dir"))).toBe(false);
  });

  it("makes output names safe file names", () => {
    expect(safeFileName("out/put:0")).toBe("out_put_0");
    expect(safeFileName("..")).toBe("_");
    expect(safeFileName("")).toBe("_");
  });
});
