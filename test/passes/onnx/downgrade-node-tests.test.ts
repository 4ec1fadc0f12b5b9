/**
 * Op-set conversion across the ONNX backend node tests: every test whose model op set is
 * above the target is converted (integer inputs are frozen to their test values first, as
 * shape and axes inputs are constants in real models; then `fix`'s pipeline runs, as in
 * `fix --opset`) and run in onnxruntime against what onnxruntime computes for the original
 * (or the test's expected outputs where it cannot run the original). One `it` per target and
 * node test; each fails when the converter crashes, when a conversion that claims success
 * changes the outputs, or when onnxruntime cannot run the converted model for any reason
 * but the listed onnxruntime gaps. A refusal names the node and why; refusals are counted.
 * The totals `it` of each target asserts at least today's figures on its own.
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
import { backendModels, type CorpusModel, corpusAvailable, warnIfCorpusMissing } from "../../support/corpus.js";
import { freezeIntegerInputs } from "../../support/freeze.js";
import { bitwiseEqual, ortSupports, runOrt } from "../../support/ort.js";

warnIfCorpusMissing();

/** Today's figures per target op set (a regression fails; an improvement raises them). */
const AT_LEAST: Readonly<Record<number, { above: number; verified: number }>> = {
  13: { above: 1135, verified: 722 },
  12: { above: 1458, verified: 1039 },
  11: { above: 1464, verified: 905 },
};
const TARGETS = [13, 12, 11];
const RANDOM_OPS = new Set(["RandomUniform", "RandomUniformLike", "RandomNormal", "RandomNormalLike", "Bernoulli", "Multinomial"]);

/**
 * Converted models onnxruntime cannot run for reasons of its own, each checked by its error:
 * kernels it lacks for a type at the older op version (the converted node is valid ONNX), and
 * the expanded AffineGrid tests, whose Range reads 1-element tensors where the spec wants
 * scalars — onnxruntime notices only once `fix` has made the shapes static (the original model
 * fails the same way after `fix` alone, without any op-set conversion).
 */
const ORT_GAPS: Readonly<Record<string, RegExp>> = {
  clip_default_int8_max_expanded: /Could not find an implementation for Where\(9\)/,
  clip_default_int8_min_expanded: /Could not find an implementation for Where\(9\)/,
  max_int16: /Could not find an implementation for Max\(12\)/,
  max_uint16: /Could not find an implementation for Max\(12\)/,
  min_int16: /Could not find an implementation for Min\(12\)/,
  min_uint16: /Could not find an implementation for Min\(12\)/,
  pow_types_float32_uint32: /Could not find an implementation for Pow\(1[23]\)/,
  pow_types_float32_uint64: /Could not find an implementation for Pow\(1[23]\)/,
  top_k_uint64: /Could not find an implementation for TopK\(11\)/,
  affine_grid_3d_expanded: /Input to 'Range' op should be scalars/,
  affine_grid_3d_align_corners_expanded: /Input to 'Range' op should be scalars/,
};

type Outcome = { kind: "verified" | "random" | "ort-gap" } | { kind: "refused"; reason: string } | { kind: "fail"; why: string };

const message = (e: unknown) => String((e as Error)?.message ?? e).split("\n")[0]!;
const shortId = (t: CorpusModel) => t.id.replace(/^node\/test_/, "");

function outputsMatch(got: Tensor, expected: Tensor): boolean {
  if (bitwiseEqual(got, expected)) return true;
  if (got.dtype !== expected.dtype || dtypeInfo(got.dtype).kind !== "float") return false;
  const d = diff(got, expected);
  return expected.dtype === "float16" || expected.dtype === "bfloat16" ? withinFp16(d) : withinFp32(d);
}

interface Reference {
  inputs: Tensor[];
  /** What the conversion must preserve; undefined when the outputs are random. */
  outputs: Tensor[] | undefined;
}

/** The test's data and onnxruntime's outputs for the original, shared by the three targets. */
const references = new Map<string, Promise<Reference>>();
function reference(t: CorpusModel): Promise<Reference> {
  let r = references.get(t.id);
  if (!r) {
    r = (async () => {
      const inputs = t.inputs.map((p) => readTensorPb(p));
      const expected = t.outputs.map((p) => readTensorPb(p));
      const model = loadOnnxFile(t.model).model;
      if (model.graph.nodes.some((n) => RANDOM_OPS.has(n.opType))) return { inputs, outputs: undefined };
      let original: Tensor[];
      try {
        const bytes = encodeOnnx(model);
        original = await runOrt(bytes, inputs);
        // Results that differ between two runs are random: nothing to compare.
        const again = await runOrt(bytes, inputs);
        if (again.some((o, i) => !bitwiseEqual(o, original[i]!))) return { inputs, outputs: undefined };
      } catch {
        return { inputs, outputs: expected }; // onnxruntime cannot run the original
      }
      return { inputs, outputs: original };
    })();
    references.set(t.id, r);
  }
  return r;
}

async function evaluate(t: CorpusModel, target: number): Promise<Outcome> {
  const ref = await reference(t);
  if (!ref.outputs) return { kind: "random" };
  const model = loadOnnxFile(t.model).model;
  const { feeds } = freezeIntegerInputs(model, ref.inputs);
  let failures: ReturnType<typeof convertOpset>["failures"];
  try {
    // As `fix` does: infer and fold first (axes often come from Constant nodes).
    runPipeline(model, fixPipeline());
    failures = convertOpset(model, target).failures;
  } catch (e) {
    return { kind: "fail", why: `the converter crashed: ${message(e)}` };
  }
  if (failures.length)
    return { kind: "refused", reason: `${failures[0]!.op}: ${failures[0]!.reason.replace(/"[^"]*"/g, "…")}`.slice(0, 110) };
  let outs: Tensor[];
  try {
    outs = await runOrt(encodeOnnx(model), feeds);
  } catch (e) {
    const gap = ORT_GAPS[shortId(t)];
    if (gap?.test(message(e))) return { kind: "ort-gap" };
    return { kind: "fail", why: `converted, but onnxruntime cannot run it: ${message(e).slice(0, 160)}` };
  }
  const bad = outs.findIndex((o, i) => !outputsMatch(o, ref.outputs![i]!));
  return bad >= 0 ? { kind: "fail", why: `output ${bad} differs after conversion` } : { kind: "verified" };
}

/** Each (test, target) is evaluated once, by whichever `it` asks first; the result does not depend on which that is. */
const outcomes = new Map<string, Promise<Outcome>>();
function outcome(t: CorpusModel, target: number): Promise<Outcome> {
  const key = `${target} ${t.id}`;
  let o = outcomes.get(key);
  if (!o) {
    o = evaluate(t, target).catch((e): Outcome => ({ kind: "fail", why: `crashed: ${message(e)}` }));
    outcomes.set(key, o);
  }
  return o;
}

/** The node tests above a target op set whose data onnxruntime can exchange (read once, when the suite is collected). */
function testsAbove(all: readonly CorpusModel[], target: number): CorpusModel[] {
  return all.filter((t) => {
    const m = info.get(t.id);
    return m !== undefined && m.opset > target;
  });
}

const info = new Map<string, { opset: number }>();
function survey(all: readonly CorpusModel[]): void {
  for (const t of all) {
    try {
      const model = loadOnnxFile(t.model).model;
      if ([...model.opsetImports.keys()].some((d) => d !== "")) continue;
      const data = [...t.inputs, ...t.outputs].map((p) => readTensorPb(p));
      if (data.some((x) => !ortSupports(x.dtype))) continue;
      info.set(t.id, { opset: model.opsetVersion("") ?? 0 });
    } catch {
      // sequence/optional test data: not a tensor test
    }
  }
}

describe.skipIf(!corpusAvailable)("op-set conversion on the node tests", () => {
  const all = backendModels("node");
  survey(all);

  for (const target of TARGETS) {
    describe(`to op set ${target}`, () => {
      const tests = testsAbove(all, target);

      it.each(tests.map((t) => [shortId(t), t] as const))("%s", async (_id, t) => {
        const o = await outcome(t, target);
        expect(o.kind === "fail" ? o.why : "ok").toBe("ok");
      });

      it("totals: at least today's figures, no failure", async () => {
        const results: Outcome[] = [];
        for (const t of tests) results.push(await outcome(t, target));
        expect(tests.length).toBe(AT_LEAST[target]!.above);
        expect(tests.filter((_, i) => results[i]!.kind === "fail").map(shortId)).toEqual([]);
        expect(results.filter((o) => o.kind === "verified").length).toBeGreaterThanOrEqual(AT_LEAST[target]!.verified);
      }, 300_000);
    });
  }

  afterAll(async () => {
    for (const target of TARGETS) {
      const results = await Promise.all(testsAbove(all, target).map((t) => outcome(t, target)));
      const n = (k: Outcome["kind"]) => results.filter((o) => o.kind === k).length;
      console.log(
        `op set ${target}: ${results.length} node tests above it; ${n("verified")} verified equal in onnxruntime, ` +
          `${n("ort-gap")} converted but hitting a listed onnxruntime gap, ${n("refused")} refused, ${n("random")} random (not compared), ` +
          `${n("fail")} failed`,
      );
      const reasons = new Map<string, number>();
      for (const o of results) if (o.kind === "refused") reasons.set(o.reason, (reasons.get(o.reason) ?? 0) + 1);
      for (const [r, k] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${String(k).padStart(4)} × ${r}`);
    }
  });
});
