/** `myriadc compile` as a user runs it, with the compile_tool stand-in (no real one here). */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { checkBlob } from "../../src/backends/blob-header.js";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { GraphBuilder } from "../support/build.js";
import { REPO_ROOT } from "../support/corpus.js";

const FAKE_TOOL = join(REPO_ROOT, "test/fixtures/backends/fake-compile-tool.mjs");
const EXAMPLE = join(REPO_ROOT, "examples/gaussian_blur.onnx");
const dir = mkdtempSync(join(tmpdir(), "myriadc-cli-compile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.FAKE_COMPILE_TOOL_MODE;
});

describe("myriadc compile", () => {
  it("converts ONNX, compiles with compile_tool and writes a checked blob", async () => {
    const out = join(dir, "blur.blob");
    const io = memoryIO();
    expect(await runCli(["compile", EXAMPLE, "-o", out, "--compile-tool", FAKE_TOOL, "--shaves", "6", "--ip", "U8"], io)).toBe(0);
    expect(checkBlob(new Uint8Array(readFileSync(out)), out).magic).toBe(9709);
    expect(io.out).toMatch(/blur\.blob: 4,096 bytes, MYRIAD blob version 6\.0, backend local/);
  });

  it("--dry-run prints the config and the command, and compiles nothing", async () => {
    const sub = mkdtempSync(join(dir, "dry-"));
    const io = memoryIO();
    expect(
      await runCli(["compile", EXAMPLE, "-o", join(sub, "b.blob"), "--compile-tool", FAKE_TOOL, "--dry-run", "--shaves", "4"], io),
    ).toBe(0);
    expect(io.out).toContain(
      `cat > ${sub}/myriad.conf <<'EOF'\nMYRIAD_NUMBER_OF_SHAVES 4\nMYRIAD_NUMBER_OF_CMX_SLICES 4\nMYRIAD_ENABLE_MX_BOOT NO\nEOF\n`,
    );
    expect(io.out).toContain(`${FAKE_TOOL} -m ${sub}/gaussian_blur.xml -d MYRIAD -o ${sub}/b.blob -c ${sub}/myriad.conf`);
    // The converted IR stays so the command can be pasted; no blob is made.
    expect(readdirSync(sub).sort()).toEqual(["gaussian_blur.bin", "gaussian_blur.xml"]);
  });

  it("a refused model: one line naming the layer, exit 1, no blob", async () => {
    process.env.FAKE_COMPILE_TOOL_MODE = "unsupported";
    const out = join(dir, "refused.blob");
    const io = memoryIO();
    expect(await runCli(["compile", EXAMPLE, "-o", out, "--compile-tool", FAKE_TOOL], io)).toBe(1);
    expect(io.err.trim().split("\n")).toHaveLength(1);
    expect(io.err).toMatch(/layer "Resize_230": MYRIAD has no layer for Interpolate/);
    expect(existsSync(out)).toBe(false);
    const verbose = memoryIO();
    await runCli(["compile", EXAMPLE, "-o", out, "--compile-tool", FAKE_TOOL, "--verbose"], verbose);
    expect(verbose.err).toContain("frontend.cpp:592");
  });

  it("says what lint expects MYRIAD to refuse, then lets compile_tool decide", async () => {
    const b = new GraphBuilder(13);
    const [y] = b.op("Sin", [b.input("x", "float32", [1, 4])]);
    b.output(y!);
    const file = join(dir, "sin.onnx");
    saveOnnxFile(b.model(), file);
    const io = memoryIO();
    expect(await runCli(["compile", file, "-o", join(dir, "sin.blob"), "--compile-tool", FAKE_TOOL], io)).toBe(0);
    expect(io.err).toMatch(/lint expects MYRIAD to refuse 1 layer\(s\); compiling anyway:\n {2}Sin.*myriad\/unsupported-op/);
  });

  it("refuses bad flags with exit 2 before running anything", async () => {
    for (const args of [
      ["-o", join(dir, "x.bin")],
      ["-o", join(dir, "x.blob"), "--backend", "cloud"],
      ["-o", join(dir, "x.blob"), "--shaves", "20"],
      ["-o", join(dir, "x.blob"), "--shaves", "8", "--cmx-slices", "4"],
      ["-o", join(dir, "x.blob"), "--ip", "FP64"],
      ["-o", join(dir, "x.blob"), "--compile-tool", join(dir, "none")],
    ]) {
      const io = memoryIO();
      expect(
        await runCli(
          [
            "compile",
            EXAMPLE,
            ...args,
            "--compile-tool",
            args.includes("--compile-tool") ? args[args.indexOf("--compile-tool") + 1]! : FAKE_TOOL,
          ],
          io,
        ),
        args.join(" "),
      ).toBe(2);
      expect(io.err.trim().split("\n")).toHaveLength(1);
    }
    expect(existsSync(join(dir, "x.blob"))).toBe(false);
  });
});
