/**
 * The library as a user imports it: only from the package entry (src/index.ts), the whole
 * path on the bundled example — load → lint → convert → run → compile (against the
 * compile_tool stand-in) — plus the dry-run plan.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  compile,
  convert,
  fix,
  lint,
  loadModel,
  type ModelInput,
  planCompile,
  readIr,
  run,
  Tensor,
  writeConverted,
} from "../../src/index.js";
import { REPO_ROOT } from "../support/corpus.js";

const EXAMPLE = join(REPO_ROOT, "examples/gaussian_blur.onnx");
const FAKE_TOOL = join(REPO_ROOT, "test/fixtures/backends/fake-compile-tool.mjs");
const dir = mkdtempSync(join(tmpdir(), "myriadc-library-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A constant image: a normalised blur of it is the same constant everywhere (the example pads by reflection). */
const ones = () => Tensor.fromArray("float32", [1, 3, 300, 300], new Float32Array(3 * 300 * 300).fill(1));
const load = (): ModelInput => loadModel(EXAMPLE);
/** The largest distance of any value from 1. */
const offOne = (t: Tensor) => t.toFloat32().reduce((m, v) => Math.max(m, Math.abs(v - 1)), 0);

describe("the library, from the package entry", () => {
  it("lint: nothing MYRIAD would refuse that convert does not fix", () => {
    const findings = lint(load(), { file: EXAMPLE });
    expect(findings.filter((f) => f.severity === "error" && !f.fixable)).toEqual([]);
    // The same answer for the file as for the model in memory.
    expect(lint(EXAMPLE)).toEqual(findings);
  });

  it("convert → run: an IR of opset1–10 layers that blurs a constant image to itself", () => {
    const result = convert(load(), { dataType: "FP32", file: EXAMPLE });
    expect(result.xml).toMatch(/^<\?xml[^>]*\?>\s*<net name="[^"]*" version="11">/);
    expect(result.bin.length).toBe(result.report.weightsBytes);
    expect(result.report.layersByType["Pad-1"]).toBe(1);
    expect(result.report.remaining).toEqual([]);
    const out = [...run(result.ir, { input_0: ones() }).values()];
    expect(out).toHaveLength(1);
    expect(out[0]!.dims).toEqual([1, 3, 300, 300]);
    expect(offOne(out[0]!)).toBeLessThan(1e-5);
  });

  it("run on the ONNX model gives what the written FP32 IR gives", () => {
    const result = convert(load(), { file: EXAMPLE });
    const xml = join(dir, "blur.xml");
    writeConverted(result, xml, join(dir, "blur.bin"));
    const fromFile = readIr(xml);
    expect(fromFile.net.layers.length).toBe(result.report.layers);
    const a = [...run(result.ir, { input_0: ones() }).values()][0]!.toFloat32();
    const b = [...run(load(), { input_0: ones() }).values()][0]!.toFloat32();
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it("an FP16 IR computes in float16", () => {
    const result = convert(load(), { dataType: "FP16", file: EXAMPLE });
    expect(result.ir.graph.inputs[0]!.dtype).toBe("float16");
    const out = [
      ...run(result.ir, { input_0: Tensor.fromArray("float16", [1, 3, 300, 300], new Uint16Array(270000).fill(0x3c00)) }).values(),
    ];
    expect(offOne(out[0]!)).toBeLessThan(2e-2);
  });

  it("fix: the example's constant-folded form", () => {
    const loaded = loadModel(EXAMPLE);
    const report = fix(loaded);
    expect([report.nodesBefore, report.nodesAfter]).toEqual([17, 2]);
    expect(loaded.model.graph.nodes.map((n) => n.opType)).toEqual(["Pad", "Conv"]);
  });

  it("compile: a converted model becomes a checked blob through compile_tool", async () => {
    const converted = convert(load(), { dataType: "FP16", file: EXAMPLE });
    const r = await compile(converted, { compileTool: FAKE_TOOL, backend: "local", shaves: 4, file: EXAMPLE });
    expect(r.backend).toBe("local");
    expect(r.header.magic).toBe(9709);
    expect(r.blob.length).toBeGreaterThan(60);
    // A model not yet converted is converted first.
    const direct = await compile(load(), { compileTool: FAKE_TOOL, backend: "local", file: EXAMPLE });
    expect(direct.header.magic).toBe(9709);
  });

  it("planCompile: the commands compile_tool would run, with the IR kept beside the blob", () => {
    mkdirSync(join(dir, "plan"));
    const blob = join(dir, "plan", "blur.blob");
    const plan = planCompile(load(), blob, { compileTool: FAKE_TOOL, backend: "local", shaves: 6, file: EXAMPLE });
    expect(plan.backend).toBe("local");
    expect(plan.text).toContain("MYRIAD_NUMBER_OF_SHAVES 6");
    expect(plan.text).toContain(`-m ${plan.ir.xml} -d MYRIAD -o ${blob}`);
    expect(existsSync(plan.ir.xml) && existsSync(plan.ir.bin)).toBe(true);
    expect(existsSync(blob)).toBe(false);
  });
});
