/**
 * The browser page's IR downloads (pairedIrFiles): the same pair record as the command line's
 * writer, so our reader takes each .xml with its own .bin and refuses it with another's.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convert } from "../../src/api/convert.js";
import { pairedIrFiles } from "../../src/emit/ir-pair-files.js";
import { memoryCompanion } from "../../src/frontends/companion.js";
import { loadModel } from "../../src/frontends/load-model.js";
import { openModel } from "../../src/frontends/open-model.js";
import { PAIR_TRAILER_BYTES } from "../../src/frontends/openvino/ir-pair.js";
import { REPO_ROOT } from "../support/corpus.js";

const converted = () => convert(loadModel(join(REPO_ROOT, "examples/gaussian_blur.onnx")), { dataType: "FP16" });
const open = (xml: string, bin: Uint8Array) =>
  openModel({ name: "model.xml", bytes: new TextEncoder().encode(xml), companion: memoryCompanion(new Map([["model.bin", bin]])) });

describe("pairedIrFiles", () => {
  it("ends the .bin with a trailer after the weights, and the .xml records the pair", () => {
    const c = converted();
    const files = pairedIrFiles(c.net, c.bin);
    expect(files.bin.length).toBe(c.bin.length + PAIR_TRAILER_BYTES);
    expect(files.bin.subarray(0, c.bin.length)).toEqual(c.bin);
    expect(files.xml).toMatch(/<myriadc_pair_id value="[0-9a-f]{32}"\/>/);
    expect(files.xml).toContain(`<myriadc_bin_size value="${files.bin.length}"/>`);
  });

  it("reads back with its own .bin as the same network", () => {
    const c = converted();
    const files = pairedIrFiles(c.net, c.bin);
    expect(open(files.xml, files.bin).model.graph.nodes.map((n) => n.opType)).toEqual(c.ir.graph.nodes.map((n) => n.opType));
  });

  it("refuses the .bin of another download of the same model", () => {
    const c = converted();
    const first = pairedIrFiles(c.net, c.bin);
    const second = pairedIrFiles(c.net, c.bin);
    expect(() => open(first.xml, second.bin)).toThrow(/does not belong to this \.xml/);
  });
});
