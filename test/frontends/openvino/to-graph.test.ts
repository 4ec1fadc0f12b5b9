/**
 * Real Model Optimizer IRs as graphs: every layer accounted for (Parameters → inputs,
 * Consts → initializers holding the .bin bytes, Results → outputs, the rest → nodes), the
 * graph verifies, and `inspect` reads IR as it reads ONNX.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIO } from "../../../src/cli/io.js";
import { runCli } from "../../../src/cli/program.js";
import { binPathFor, readIr } from "../../../src/frontends/openvino/read-ir.js";
import { irToModel } from "../../../src/frontends/openvino/to-graph.js";
import { verifyModel } from "../../../src/ir/verify.js";
import { CORPUS, corpusAvailable, warnIfCorpusMissing } from "../../support/corpus.js";

warnIfCorpusMissing();

function irsWithWeights(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".xml") && existsSync(binPathFor(p))) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe.skipIf(!corpusAvailable)("IR → graph", () => {
  const files = corpusAvailable ? irsWithWeights(join(CORPUS, "openvino-ir")) : [];

  it("finds IRs with weights", () => expect(files.length).toBeGreaterThanOrEqual(6));

  it.each(files.map((f) => [f.slice(CORPUS.length + 1), f] as const))("%s", (_n, f) => {
    const ir = readIr(f);
    const m = irToModel(ir.net, ir.weights, f);
    const count = (t: string) => ir.net.layers.filter((l) => l.type === t).length;
    expect(m.graph.inputs).toHaveLength(count("Parameter"));
    expect(m.graph.initializers.size).toBe(count("Const"));
    expect(m.graph.outputs).toHaveLength(count("Result"));
    expect(m.graph.nodes).toHaveLength(ir.net.layers.length - count("Parameter") - count("Const") - count("Result"));
    expect(verifyModel(m).filter((p) => p.severity === "error")).toEqual([]);
    // Each Const holds exactly its byte range of the .bin.
    for (const l of ir.net.layers.filter((x) => x.type === "Const")) {
      const offset = Number(l.data!.find(([k]) => k === "offset")![1]);
      const size = Number(l.data!.find(([k]) => k === "size")![1]);
      const v = [...m.graph.initializers.values()].find(
        (x) =>
          x.initializer!.byteLength === size &&
          Buffer.compare(Buffer.from(x.initializer!.bytes()), Buffer.from(ir.weights.subarray(offset, offset + size))) === 0,
      );
      expect(v, `Const ${l.name}`).toBeDefined();
    }
  });

  it("inspect --json reads an IR", async () => {
    const io = memoryIO();
    const f = join(CORPUS, "openvino-ir/pairs/2_yunet_postproc_nms/postproc_yunet_top50_180x320.xml");
    expect(await runCli(["inspect", f, "--json"], io)).toBe(0);
    const s = JSON.parse(io.out);
    expect(s.inputs.map((i: { name: string }) => i.name)).toEqual(["iou", "conf", "loc"]);
    expect(s.inputs[0]).toEqual({ name: "iou", dtype: "float16", shape: [3210, 1] });
    expect(s.ops["openvino::NonMaxSuppression"]).toBe(1);
    expect(s.nodes).toBe(50);
  });
});
