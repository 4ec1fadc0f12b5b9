/** `myriadc lint` output formats and exit codes, and `fix --target myriad` on an OpenVINO IR. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { readIr } from "../../src/frontends/openvino/read-ir.js";
import { irToModel } from "../../src/frontends/openvino/to-graph.js";
import { attr } from "../../src/ir/attribute.js";
import { lintFile } from "../../src/lint/lint-file.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { GraphBuilder, randomTensor } from "../support/build.js";
import { diff, withinFp32 } from "../support/compare.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-cli-lint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** HardSigmoid (refused by MYRIAD, fixable) and a tiny weight (an FP16 underflow warning). */
function model(): string {
  const b = new GraphBuilder(13);
  const x = b.input("x", "float32", [1, 4]);
  const [h] = b.op("HardSigmoid", [x], { alpha: attr.float(0.25), beta: attr.float(0.5) });
  const [y] = b.op("Mul", [h!, b.floats("w", [1e-9, 1, 2, 3])]);
  b.output(y!);
  const file = join(dir, "m.onnx");
  saveOnnxFile(b.model(), file);
  return file;
}

describe("myriadc lint", () => {
  const file = model();
  it("stylish: a line per finding with its rule, a summary with the fixable count, exit 1 on errors", async () => {
    const io = memoryIO();
    expect(await runCli(["lint", file], io)).toBe(1);
    expect(io.out).toMatch(/HardSigmoid\s+error\s+HardSigmoid has no MYRIAD layer .*myriad\/unsupported-op \(fixable\)/);
    expect(io.out).toMatch(/warning\s+constant "w" has 1 non-zero value\(s\) below 6e-8/);
    expect(io.out).toContain("✖ 2 problems (1 error, 1 warning)");
    expect(io.out).toContain("1 of them fixable");
  });
  it("json: the stable schema", async () => {
    const io = memoryIO();
    expect(await runCli(["lint", file, "--format", "json"], io)).toBe(1);
    const j = JSON.parse(io.out);
    expect(Object.keys(j)).toEqual(["schemaVersion", "file", "target", "summary", "findings"]);
    expect(j.summary).toEqual({ errors: 1, warnings: 1, fixable: 1 });
    expect(Object.keys(j.findings[0]).sort()).toEqual([
      "fixable",
      "message",
      "node",
      "op",
      "rule",
      "severity",
      "suggestion",
      "whyNotFixable",
    ]);
  });
  it("sarif: a 2.1.0 log with the rules and one result per finding", async () => {
    const io = memoryIO();
    await runCli(["lint", file, "--format", "sarif"], io);
    const log = JSON.parse(io.out);
    expect(log.version).toBe("2.1.0");
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("myriadc");
    expect(run.results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level])).toEqual([
      ["myriad/unsupported-op", "error"],
      ["myriad/fp16-underflow", "warning"],
    ]);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(file);
  });
  it("exit 0 with warnings only; exit 2 for usage errors", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 4]);
    const [y] = b.op("Mul", [x, b.floats("w", [1e-9, 1, 2, 3])]);
    b.output(y!);
    const warnOnly = join(dir, "w.onnx");
    saveOnnxFile(b.model(), warnOnly);
    expect(await runCli(["lint", warnOnly], memoryIO())).toBe(0);
    expect(await runCli(["lint", file, "--format", "xml"], memoryIO())).toBe(2);
    expect(await runCli(["lint", file, "--target", "cpu"], memoryIO())).toBe(2);
    expect(await runCli(["lint", join(dir, "missing.onnx")], memoryIO())).toBe(2);
  });
});

describe("fix --target myriad on an IR", () => {
  it("rewrites what Model Optimizer left for MYRIAD; the fixed IR lints clean and computes the same", async () => {
    const file = model();
    const raw = join(dir, "raw.xml");
    expect(await runCli(["convert", file, "-o", raw, "--target", "none"], memoryIO())).toBe(0);
    expect(lintFile(raw).findings.map((f) => f.rule)).toContain("myriad/unsupported-op");
    const fixed = join(dir, "fixed.xml");
    const io = memoryIO();
    expect(await runCli(["fix", raw, "-o", fixed, "--target", "myriad"], io)).toBe(0);
    expect(io.out).toContain("applied rewrite-unsupported");
    expect(lintFile(fixed).findings.filter((f) => f.severity === "error")).toEqual([]);
    const x = randomTensor([1, 4], 9);
    const run = (xml: string) => {
      const ir = readIr(xml);
      return [...runOpenvinoModel(irToModel(ir.net, ir.weights, xml), new Map([["x", x]])).values()][0]!;
    };
    expect(withinFp32(diff(run(fixed), run(raw)))).toBe(true);
    expect(await runCli(["fix", raw, "-o", join(dir, "f2.xml")], memoryIO())).toBe(2); // an IR needs --target
  });
  it("convert prints the remaining findings and what it fixed", async () => {
    const io = memoryIO();
    expect(await runCli(["convert", model(), "-o", join(dir, "c.xml")], io)).toBe(0);
    expect(io.out).toContain("MYRIAD fixes applied: rewrite-unsupported");
    expect(io.out).toContain("myriad/fp16-underflow");
  });
});
