/**
 * Op-set lowering across the ONNX backend node tests: every test whose model op set is above
 * the target is converted (integer inputs are frozen to their test values first, as shape and
 * axes inputs are constants in real models; then `fix`'s pipeline runs, as in `fix --opset`) and run in onnxruntime against the test's expected
 * outputs. A conversion that claims success but changes the outputs fails the test; refusals
 * (with their reasons) and tests onnxruntime cannot run are counted and printed.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../../src/frontends/load-model.js";
import { encodeOnnx } from "../../../src/frontends/onnx/save.js";
import { readTensorPb } from "../../../src/io/tensor-pb.js";
import { dtypeInfo } from "../../../src/ir/dtype.js";
import type { Tensor } from "../../../src/ir/tensor.js";
import { runPipeline } from "../../../src/passes/manager.js";
import { convertOpset } from "../../../src/passes/onnx/downgrade/downgrade.js";
import { fixPipeline } from "../../../src/passes/pipelines.js";
import { diff, withinFp16, withinFp32 } from "../../support/compare.js";
import { backendModels, corpusAvailable, warnIfCorpusMissing } from "../../support/corpus.js";
import { freezeIntegerInputs } from "../../support/freeze.js";
import { bitwiseEqual, ortSupports, runOrt } from "../../support/ort.js";

warnIfCorpusMissing();

const TARGETS = [13, 12, 11];
const RANDOM_OPS = new Set(["RandomUniform", "RandomUniformLike", "RandomNormal", "RandomNormalLike", "Bernoulli", "Multinomial"]);

interface Tally {
  above: number;
  converted: number;
  verified: number;
  refused: number;
  notRunnable: number;
  nondeterministic: number;
  reasons: Map<string, number>;
  runtimeReasons: Map<string, number>;
}

const mismatches: string[] = [];
const tallies = new Map<number, Tally>(
  TARGETS.map((t) => [
    t,
    { above: 0, converted: 0, verified: 0, refused: 0, notRunnable: 0, nondeterministic: 0, reasons: new Map(), runtimeReasons: new Map() },
  ]),
);

function outputsMatch(got: Tensor, expected: Tensor): boolean {
  if (bitwiseEqual(got, expected)) return true;
  if (got.dtype !== expected.dtype || dtypeInfo(got.dtype).kind !== "float") return false;
  const d = diff(got, expected);
  return expected.dtype === "float16" || expected.dtype === "bfloat16" ? withinFp16(d) : withinFp32(d);
}

describe.skipIf(!corpusAvailable)("op-set conversion on the node tests", () => {
  const tests = backendModels("node");

  for (const target of TARGETS) {
    it(`to op set ${target}`, async () => {
      const tally = tallies.get(target)!;
      for (const t of tests) {
        let loaded: ReturnType<typeof loadOnnxFile>;
        try {
          loaded = loadOnnxFile(t.model);
        } catch {
          continue;
        }
        const model = loaded.model;
        if ((model.opsetVersion("") ?? 0) <= target || [...model.opsetImports.keys()].some((d) => d !== "")) continue;
        let inputs: Tensor[];
        let expected: Tensor[];
        try {
          inputs = t.inputs.map((p) => readTensorPb(p));
          expected = t.outputs.map((p) => readTensorPb(p));
        } catch {
          continue; // sequence/optional test data
        }
        if ([...inputs, ...expected].some((x) => !ortSupports(x.dtype))) continue;
        tally.above++;
        if (model.graph.nodes.some((n) => RANDOM_OPS.has(n.opType))) {
          // Results depend on the random generator's stream, which conversion may reorder.
          tally.nondeterministic++;
          continue;
        }
        // What the conversion must preserve: onnxruntime on the original model, where it runs.
        let reference = expected;
        try {
          const original = encodeOnnx(model);
          reference = await runOrt(original, inputs);
          // Random ops (Bernoulli, RandomUniform…) give different outputs every run: nothing to compare.
          const again = await runOrt(original, inputs);
          if (again.some((o, i) => !bitwiseEqual(o, reference[i]!))) {
            tally.nondeterministic++;
            continue;
          }
        } catch {
          // onnxruntime cannot run the original: compare with the test's expected outputs.
        }
        // Freeze integer inputs (shapes, axes, indices) to their test values.
        const { feeds } = freezeIntegerInputs(model, inputs);
        // As `fix` does: infer and fold first (axes often come from Constant nodes).
        runPipeline(model, fixPipeline());
        let failures: ReturnType<typeof convertOpset>["failures"];
        try {
          failures = convertOpset(model, target).failures;
        } catch (e) {
          failures = [{ node: "", op: "", reason: (e as Error).message }];
        }
        if (failures.length) {
          tally.refused++;
          const key = `${failures[0]!.op}: ${failures[0]!.reason.replace(/"[^"]*"/g, "…")}`.slice(0, 110);
          tally.reasons.set(key, (tally.reasons.get(key) ?? 0) + 1);
          continue;
        }
        tally.converted++;
        let outs: Tensor[];
        try {
          outs = await runOrt(encodeOnnx(model), feeds);
        } catch (e) {
          tally.notRunnable++;
          const key = `not runnable: ${t.id.replace(/^node\/test_/, "")}: ${String((e as Error).message)
            .split("\n")[0]!
            .replace(/\[.*?\]/g, "")
            .slice(0, 80)}`;
          tally.runtimeReasons.set(key, (tally.runtimeReasons.get(key) ?? 0) + 1);
          continue;
        }
        const bad = outs.findIndex((o, i) => !outputsMatch(o, reference[i]!));
        if (bad >= 0) mismatches.push(`${t.id} at op set ${target}: output ${bad} differs`);
        else tally.verified++;
      }
      expect(tally.above).toBeGreaterThan(150);
    }, 300_000);
  }

  it("no conversion that claims success changes the outputs", () => {
    expect(mismatches).toEqual([]);
  });

  afterAll(() => {
    for (const [target, t] of tallies) {
      console.log(
        `op set ${target}: ${t.above} node tests above it; ${t.converted} converted, ${t.verified} verified equal in onnxruntime, ` +
          `${t.notRunnable} converted but not runnable in onnxruntime, ${t.refused} refused, ${t.nondeterministic} random (not compared)`,
      );
      for (const [r, n] of [...t.reasons].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${String(n).padStart(4)} × ${r}`);
      if (process.env.MYRIADC_VERBOSE_SWEEP) for (const [r] of t.runtimeReasons) console.log(`    ${r}`);
    }
  });
});
