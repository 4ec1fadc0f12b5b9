/**
 * Issue 14 part 2: an If whose condition depends on the data. When both branches are free of
 * side effects and give outputs of one static type, convert computes both and Select picks
 * each output, and says so with the extra cost in MACs; lint reports it as a warning. The near
 * miss (branches of different shapes) and an impure branch fail with the node named and the
 * way out (cut with --inputs/--outputs, or freeze the input the condition depends on).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { attr } from "../../src/ir/attribute.js";
import { Node } from "../../src/ir/node.js";
import { Value } from "../../src/ir/value.js";
import { lowerToOpenvino } from "../../src/lower/lower.js";
import { runPipeline } from "../../src/passes/manager.js";
import { shapeInferencePass } from "../../src/passes/onnx/shape-inference.js";
import { cleanScratch, cli, convert, fixtureNames, modelOf, readMeta, scratchDir } from "./support.js";

afterAll(cleanScratch);

const present = fixtureNames().includes("if_score_gate_then");

describe.skipIf(!present)("data-dependent If (issue 14 part 2)", () => {
  for (const name of ["if_score_gate_then", "if_score_gate_else"]) {
    it(`${name}: both branches and a Select, with the extra MACs in convert's report`, async () => {
      const r = await convert(name, "FP32", ["--json"]);
      expect(r.code, r.err).toBe(0);
      const s = JSON.parse(r.out);
      expect(s.layersByType["Select-1"]).toBe(1);
      expect(s.layersByType["If-8"]).toBeUndefined();
      const note = s.notes.find((n: { node: string }) => n.node === "If_gate");
      expect(note.rule).toBe("myriad/if-both-branches");
      expect(note.message).toContain(`up to ${readMeta(name).expect.extra_macs} extra MACs`);
      expect(note.message).toContain('input "x"');
      // x is data, not a setting: nothing to freeze
      expect(note.suggestion).toBeUndefined();
      const text = await convert(name, "FP16");
      expect(text.out).toMatch(/note: If_gate \(If\): the condition depends on input "x" at run time: both branches are computed/);
    });

    it(`${name}: lint reports it as a warning, not an error`, async () => {
      const r = await cli(["lint", modelOf(name), "--format", "json"]);
      expect(r.code).toBe(0);
      const findings = JSON.parse(r.out).findings as { rule: string; severity: string; node: string }[];
      expect(findings.map((f) => `${f.severity} ${f.rule} ${f.node}`)).toEqual(["warning myriad/if-both-branches If_gate"]);
    });
  }

  it("if_score_gate_shape_mismatch: lint names If_gate, the two shapes and the way out", async () => {
    const r = await cli(["lint", modelOf("if_score_gate_shape_mismatch"), "--format", "json"]);
    expect(r.code).toBe(1);
    const [f, ...rest] = JSON.parse(r.out).findings as { rule: string; node: string; message: string }[];
    expect(rest).toEqual([]);
    expect(f!.rule).toBe("myriad/not-lowered");
    expect(f!.node).toBe("If_gate");
    expect(f!.message).toContain("float32[1,4] in then_branch, float32[1,1] in else_branch");
    expect(f!.message).toContain("--inputs/--outputs");
    expect(f!.message).toContain("--freeze x=<value>");
  });

  it("an impure branch (a random op) is refused with the node named", () => {
    const { model } = loadOnnxFile(modelOf("if_score_gate_then"));
    const gate = model.graph.nodes.find((n) => n.opType === "If")!;
    const branch = gate.getGraph("then_branch")!;
    branch.appendNode(
      new Node({
        opType: "RandomUniform",
        name: "noise",
        outputs: [new Value("noise_out")],
        attributes: { shape: attr.ints([1, 1]) },
      }),
    );
    runPipeline(model, [shapeInferencePass]);
    const { failures } = lowerToOpenvino(model);
    expect(failures.map((f) => f.node)).toEqual(["If_gate"]);
    expect(failures[0]!.reason).toContain('its branches are not free of side effects (node "noise" (RandomUniform))');
  });

  describe.skipIf(!fixtureNames().includes("vad_sr_if_static"))("an If on a setting (silero VAD's sample rate)", () => {
    it("converts as both branches and a Select, suggesting --freeze sr=<value>", async () => {
      const r = await convert("vad_sr_if_static", "FP32", ["--json"]);
      expect(r.code, r.err).toBe(0);
      const s = JSON.parse(r.out);
      const note = s.notes.find((n: { node: string }) => n.node === "If_sr");
      expect(note.message).toContain('input "sr"');
      expect(note.message).toMatch(/up to 140,256 extra MACs per inference \(then_branch 110,976, else_branch 140,256\)/);
      expect(note.suggestion).toBe("if that is a fixed setting, --freeze sr=<value> keeps only the branch that runs");
      expect(s.layersByType["LSTMSequence-5"]).toBe(2);
    });

    it("lint reports If_sr with the suggestion --freeze sr=<value>", async () => {
      const r = await cli(["lint", modelOf("vad_sr_if_static"), "--format", "json"]);
      const f = (JSON.parse(r.out).findings as { rule: string; node: string; suggestion?: string }[]).find((x) => x.node === "If_sr");
      expect(f?.rule).toBe("myriad/if-both-branches");
      expect(f?.suggestion).toContain("--freeze sr=<value>");
    });

    it("frozen, only the branch that runs is left: no Select, one LSTM", async () => {
      const fixed = join(scratchDir("vad-frozen"), "fixed.onnx");
      expect((await cli(["fix", modelOf("vad_sr_if_static"), "-o", fixed, "--freeze", "sr=16000"])).code).toBe(0);
      const xml = join(scratchDir("vad-frozen-ir"), "model.xml");
      const r = await cli(["convert", fixed, "-o", xml, "--json"]);
      expect(r.code, r.err).toBe(0);
      const s = JSON.parse(r.out);
      expect(s.notes).toEqual([]);
      expect(s.layersByType["Select-1"]).toBeUndefined();
      expect(s.layersByType["LSTMSequence-5"]).toBe(1);
      expect(readFileSync(xml, "utf8")).not.toContain('type="Select"');
    });
  });
});
