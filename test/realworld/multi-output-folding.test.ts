/**
 * Issue 14 part 3: multi-output ops of constants fold, so what depends on them is constant
 * too: tf2onnx's Pad whose pads come from a Split of a constant (attribute form at op set
 * 11, input form at 13), a Reshape whose shape is TopK's values, Unique's four outputs.
 * After `fix` the op is gone and lint has nothing left to say.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { cleanScratch, cli, fixtureNames, modelOf, scratchDir } from "./support.js";

afterAll(cleanScratch);

const CASES: Readonly<Record<string, string>> = {
  pad_split_attr_op11: "Split",
  pad_split_input_op13: "Split",
  topk_const_shape: "TopK",
  unique_const_shape: "Unique",
};

describe.skipIf(!fixtureNames().includes("topk_const_shape"))("multi-output constant folding (issue 14 part 3)", () => {
  for (const [name, op] of Object.entries(CASES)) {
    it(`${name}: fix folds ${op} and everything computed from it`, async () => {
      const out = join(scratchDir(name), "fixed.onnx");
      const r = await cli(["fix", modelOf(name), "-o", out]);
      expect(r.code, r.err).toBe(0);
      const g = loadOnnxFile(out).model.graph;
      expect(g.nodes.map((n) => n.opType)).not.toContain(op);
      // What consumed the op's outputs as parameters now reads constants (a Gather's data may stay computed).
      const params: Readonly<Record<string, number[]>> = { Pad: [1], Reshape: [1], Gather: [1] };
      for (const n of g.nodes)
        for (const i of params[n.opType] ?? []) expect(n.inputs[i]?.isInitializer, `${n.describe()} input ${i}`).toBe(true);
    });

    it(`${name}: lint finds nothing that convert does not fix`, async () => {
      const r = await cli(["lint", modelOf(name), "--format", "json"]);
      const { summary } = JSON.parse(r.out);
      expect(summary.errors).toBe(summary.fixable);
      expect(summary.warnings).toBe(0);
    });
  }
});
