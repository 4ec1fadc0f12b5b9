/** `-o` (and `run --output-dir`) into a folder that does not exist creates it, as Model Optimizer's --output_dir does. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { writeNpyAtomic } from "../../src/io/npy.js";
import { REPO_ROOT } from "../support/corpus.js";

const EXAMPLE = join(REPO_ROOT, "examples/gaussian_blur.onnx");
const FAKE_TOOL = join(REPO_ROOT, "test/fixtures/backends/fake-compile-tool.mjs");
const dir = mkdtempSync(join(tmpdir(), "myriadc-out-folders-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ok(args: string[]): Promise<void> {
  const io = memoryIO();
  expect(await runCli(args, io), `${args.join(" ")}\n${io.err}`).toBe(0);
}

describe("output folders", () => {
  it("convert -o a/b/blur.xml creates a/b", async () => {
    const xml = join(dir, "convert", "nested", "blur.xml");
    await ok(["convert", EXAMPLE, "-o", xml]);
    expect(existsSync(xml) && existsSync(join(dir, "convert", "nested", "blur.bin"))).toBe(true);
  });

  it("fix -o a/b/fixed.onnx creates a/b", async () => {
    const out = join(dir, "fix", "nested", "fixed.onnx");
    await ok(["fix", EXAMPLE, "-o", out]);
    expect(existsSync(out)).toBe(true);
  });

  it("compile -o a/b/blur.blob creates a/b", async () => {
    const out = join(dir, "compile", "nested", "blur.blob");
    await ok(["compile", EXAMPLE, "-o", out, "--compile-tool", FAKE_TOOL]);
    expect(existsSync(out)).toBe(true);
  });

  it("run --output-dir a/b creates a/b", async () => {
    const input = join(dir, "input.npy");
    writeNpyAtomic(input, { dtype: "float32", dims: [1, 3, 300, 300], data: new Uint8Array(4 * 3 * 300 * 300) });
    const out = join(dir, "run", "nested");
    await ok(["run", EXAMPLE, "--input", `input_0=${input}`, "--output-dir", out]);
    expect(existsSync(out)).toBe(true);
  });

  it("a file in the way of the folder is one error line, exit 2", async () => {
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "not a folder");
    const io = memoryIO();
    expect(await runCli(["convert", EXAMPLE, "-o", join(blocker, "blur.xml")], io)).toBe(2);
    expect(io.err.trim().split("\n")).toEqual([
      expect.stringMatching(/^myriadc: error: .*blocker: cannot create the folder: a file is in the way$/),
    ]);
  });
});
