/** `myriadc fix` as a user runs it. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { encodeOnnx } from "../../src/frontends/onnx/save.js";
import { GraphBuilder } from "../support/build.js";
import { REPO_ROOT } from "../support/corpus.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-fix-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dynamicModel(): string {
  const b = new GraphBuilder(13);
  const x = b.input("x", "float32", ["n", 4]);
  const [s] = b.op("Shape", [x]);
  const [id] = b.op("Identity", [x]);
  const [y] = b.op("Reshape", [id, s]);
  b.output(y!);
  const p = join(dir, "dyn.onnx");
  writeFileSync(p, encodeOnnx(b.model()));
  return p;
}

describe("myriadc fix", () => {
  it("writes the fixed model and summarises the change", async () => {
    const out = join(dir, "blur.fixed.onnx");
    const io = memoryIO();
    expect(await runCli(["fix", join(REPO_ROOT, "examples/gaussian_blur.onnx"), "-o", out], io)).toBe(0);
    expect(io.err).toBe("");
    expect(io.out).toMatch(/17 → 2 nodes/);
    expect(io.out).toMatch(/Constant\s+8 → 0/);
    expect(loadOnnxFile(out).model.graph.nodes.map((n) => n.opType)).toEqual(["Pad", "Conv"]);
  });

  it("--input-shape makes a dynamic model static; --json reports it", async () => {
    const src = dynamicModel();
    const out = join(dir, "static.onnx");
    const io = memoryIO();
    expect(await runCli(["fix", src, "-o", out, "--input-shape", "x=[2,4]", "--json"], io)).toBe(0);
    const s = JSON.parse(io.out);
    expect(s.nodesBefore).toBe(3);
    expect(s.nodesAfter).toBe(1);
    expect(s.opsAfter).toEqual({ Identity: 1 });
    const m = loadOnnxFile(out).model;
    expect(m.graph.inputs[0]!.shape).toEqual([2, 4]);
    // Reshape(x, Shape(x)) is a no-op; between an input and an output it remains as the one Identity.
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(["Identity"]);
  });

  it("refuses to overwrite its input, and bad flags exit 2 without writing", async () => {
    const src = dynamicModel();
    const before = readdirSync(dir).length;
    for (const args of [
      ["fix", src, "-o", src],
      ["fix", src, "-o", join(dir, "x.onnx"), "--input-shape", "nope=[1]"],
      ["fix", src, "-o", join(dir, "x.onnx"), "--input-shape", "x=[a]"],
      ["fix", src],
    ]) {
      const io = memoryIO();
      expect(await runCli(args, io), args.join(" ")).toBe(2);
      expect(io.err.trim().split("\n").length, io.err).toBeLessThanOrEqual(2);
    }
    expect(readdirSync(dir).length).toBe(before);
    expect(existsSync(join(dir, "x.onnx"))).toBe(false);
  });
});
