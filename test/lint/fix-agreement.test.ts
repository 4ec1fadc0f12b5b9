/**
 * Lint and the fixes agree, end to end on ONNX models: what lint calls fixable, convert
 * fixes; what convert leaves, lint calls not fixable and says why (the fixing pass's own
 * reason). The two cases the lint rules used to get wrong (both stayed "(fixable)" after
 * the fixes): a Pad below rank 4 whose pads are computed at run time, and a 1-D MaxPool whose
 * indices are used.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { convertToIr } from "../../src/convert.js";
import { emitOpenvinoIr } from "../../src/emit/openvino-emitter.js";
import { writeIr } from "../../src/emit/openvino-ir.js";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { binPathFor } from "../../src/frontends/openvino/read-ir.js";
import { attr } from "../../src/ir/attribute.js";
import type { Finding } from "../../src/lint/finding.js";
import { lintOpenvino, valueTypes } from "../../src/lint/lint.js";
import { lintFile } from "../../src/lint/lint-file.js";
import { observeTypes } from "../../src/runtime/observe-types.js";
import { GraphBuilder } from "../support/build.js";
import { ovModel } from "../support/rule-tester.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-agree-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function save(b: GraphBuilder, name: string): string {
  const file = join(dir, `${name}.onnx`);
  saveOnnxFile(b.model(), file);
  return file;
}

/** Findings of `rule` in the IR convert writes for `file` (MYRIAD fixes applied). */
function afterConvert(file: string, rule: string): Finding[] {
  const ov = convertToIr(loadOnnxFile(file).model, file).openvino;
  return lintOpenvino(ov, valueTypes(ov, file)).filter((f) => f.rule === rule);
}

describe("lint's fixable is what convert fixes", () => {
  it("an IR's Pad of a 2-D tensor with pads computed from an input: not fixable, and fix --target myriad leaves it", async () => {
    // ONNX lowering wants constant pads, so such a Pad comes from another converter's IR.
    const m = ovModel(
      [
        ["x", "float32", [2, 5]],
        ["p", "int64", [2]],
      ],
      (b, [x, p]) => [b.one("Pad", 1, [x, p, b.i64("pe", [0, 1]), b.floats("v", [0], "float32", [])], { pad_mode: "constant" })],
    );
    const xml = join(dir, "pad-dynamic.xml");
    const emitted = emitOpenvinoIr(m, { types: observeTypes(m, xml) });
    writeIr(xml, binPathFor(xml), emitted.net, emitted.weights);
    const reason = "its pads are computed at run time (they must be constants to be widened to 4-D)";
    const padRank = (file: string) => lintFile(file).findings.filter((f) => f.rule === "myriad/pad-rank");
    expect(padRank(xml)).toEqual([expect.objectContaining({ fixable: false, whyNotFixable: reason })]);
    const fixed = join(dir, "pad-dynamic.fixed.xml");
    expect(await runCli(["fix", xml, "-o", fixed, "--target", "myriad"], memoryIO())).toBe(0);
    expect(padRank(fixed)).toEqual([expect.objectContaining({ fixable: false, whyNotFixable: reason })]);
  });

  it("Pad of a 2-D tensor with constant pads: fixable, and gone after convert", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 5]);
    const [y] = b.op("Pad", [x, b.ints("pads", [1, 0, 0, 2])]);
    b.output(y!);
    const file = save(b, "pad-const");
    expect(lintFile(file).findings.filter((f) => f.rule === "myriad/pad-rank")).toEqual([expect.objectContaining({ fixable: true })]);
    expect(afterConvert(file, "myriad/pad-rank")).toEqual([]);
  });

  it("1-D MaxPool whose indices are used: not fixable (spatial-rank, unsupported-version), and convert leaves it", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 2, 8]);
    const [y, idx] = b.op("MaxPool", [x], { kernel_shape: attr.ints([2]), strides: attr.ints([2]) }, 2);
    b.graph.nodes[0]!.name = "pool_with_indices";
    b.output(y!);
    b.output(idx!);
    const file = save(b, "maxpool-indices");
    const found = lintFile(file).findings.filter((f) => f.node === "pool_with_indices");
    expect(found.map((f) => [f.rule, f.fixable, f.whyNotFixable])).toEqual([
      ["myriad/unsupported-version", false, "its indices output is used, which MaxPool-1 does not have"],
      ["myriad/spatial-rank", false, "its second output (the pooling indices) is used, which the rewrite does not carry over"],
    ]);
    expect(afterConvert(file, "myriad/spatial-rank")).toHaveLength(1);
  });

  it("1-D MaxPool without indices: fixable, and gone after convert", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 2, 8]);
    const [y] = b.op("MaxPool", [x], { kernel_shape: attr.ints([2]), strides: attr.ints([2]) });
    b.output(y!);
    const file = save(b, "maxpool-plain");
    expect(lintFile(file).findings.filter((f) => f.rule === "myriad/spatial-rank")).toEqual([expect.objectContaining({ fixable: true })]);
    expect(afterConvert(file, "myriad/spatial-rank")).toEqual([]);
  });
});
