/**
 * Lowering + interpreter across the ONNX backend node tests: every test whose op has a
 * lowering rule is fixed (integer inputs frozen, as shapes and axes are constants in real
 * models), lowered, run by our OpenVINO interpreter, and compared with the test's expected
 * outputs. One `it` per node test: a crash anywhere (fix, lowering, interpreter) or an output
 * that differs fails it; a test is left out only for a stated reason (an op without a
 * lowering rule, data types MYRIAD has no form for, a lowering refusal that names why).
 * The totals `it` asserts at least today's pass count on its own.
 */

import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { readTensorPb } from "../../src/io/tensor-pb.js";
import { dtypeInfo } from "../../src/ir/dtype.js";
import type { Tensor } from "../../src/ir/tensor.js";
import { lowerToOpenvino } from "../../src/lower/lower.js";
import { ONNX_LOWERING } from "../../src/lower/onnx-rules.js";
import { runPipeline } from "../../src/passes/manager.js";
import { fixPipeline } from "../../src/passes/pipelines.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { matchesNodeTest as matches } from "../support/compare.js";
import { backendModels, type CorpusModel, corpusAvailable, warnIfCorpusMissing } from "../support/corpus.js";
import { freezeIntegerInputs } from "../support/freeze.js";

warnIfCorpusMissing();

/** Today's figures (a regression fails; an improvement raises them). */
const AT_LEAST_PASSED = 1167;

type Outcome = { kind: "pass"; ops: string[] } | { kind: "skip"; why: string; missingOps?: string[] } | { kind: "fail"; why: string };

const message = (e: unknown) => String((e as Error)?.message ?? e).slice(0, 160);

function evaluate(t: CorpusModel): Outcome {
  let inputs: Tensor[];
  let expected: Tensor[];
  try {
    inputs = t.inputs.map((p) => readTensorPb(p));
    expected = t.outputs.map((p) => readTensorPb(p));
  } catch {
    return { kind: "skip", why: "non-tensor test data" };
  }
  if ([...inputs, ...expected].some((x) => x.dtype === "string" || dtypeInfo(x.dtype).bits < 8 || dtypeInfo(x.dtype).kind === "complex"))
    return { kind: "skip", why: "string, complex or sub-byte data" };
  const model = loadOnnxFile(t.model).model;
  const g = model.graph;
  const frozen = freezeIntegerInputs(model, inputs);
  const feeds = new Map(frozen.names.map((n, i) => [n, frozen.feeds[i]!]));
  try {
    runPipeline(model, fixPipeline());
  } catch (e) {
    return { kind: "fail", why: `fix crashed: ${message(e)}` };
  }
  // What is left after fix (Constant nodes become initializers, constant parts fold) is what must be lowered.
  const missingOps = [...new Set(g.nodes.map((n) => n.opType).filter((op) => !ONNX_LOWERING[op]))];
  if (missingOps.length) return { kind: "skip", why: "an op without a lowering rule", missingOps };
  let lowered: ReturnType<typeof lowerToOpenvino>;
  try {
    lowered = lowerToOpenvino(model);
  } catch (e) {
    return { kind: "fail", why: `lowering crashed: ${message(e)}` };
  }
  // A rule that refuses says why (an attribute value or type with no opset1–10 equivalent).
  if (lowered.failures.length) return { kind: "skip", why: `not lowered: ${lowered.failures[0]!.reason.slice(0, 60)}` };
  let out: Map<string, Tensor>;
  try {
    out = runOpenvinoModel(lowered.model, feeds);
  } catch (e) {
    // Modes the lowering writes but the interpreter does not implement are named as such.
    if (/not supported by the interpreter/.test(message(e)))
      return { kind: "skip", why: `interpreter: ${message(e).replace(/^.*: /, "").slice(0, 60)}` };
    return { kind: "fail", why: `interpreter error: ${message(e)}` };
  }
  // By position: an output that is an input passed straight through keeps the input's name.
  const results = [...out.values()];
  const bad = g.outputs.findIndex((_v, i) => !results[i] || !matches(results[i]!, expected[i]!));
  if (bad >= 0) {
    const e = expected[bad]!;
    const o = results[bad];
    return { kind: "fail", why: `output ${bad} differs (${o ? `${o.dtype}[${o.dims}]` : "missing"} vs ${e.dtype}[${e.dims}])` };
  }
  return { kind: "pass", ops: [...new Set(g.nodes.map((n) => n.opType))] };
}

/** Each node test is evaluated once, by whichever `it` asks first; the result does not depend on which that is. */
const outcomes = new Map<string, Outcome>();
function outcome(t: CorpusModel): Outcome {
  let o = outcomes.get(t.id);
  if (!o) {
    try {
      o = evaluate(t);
    } catch (e) {
      o = { kind: "fail", why: `crashed: ${message(e)}` };
    }
    outcomes.set(t.id, o);
  }
  return o;
}

describe.skipIf(!corpusAvailable)("convert + run on the ONNX node tests", () => {
  const tests = backendModels("node");

  it.each(tests.map((t) => [t.id.replace(/^node\//, ""), t] as const))("%s", (_id, t) => {
    const o = outcome(t);
    expect(o.kind === "fail" ? o.why : "ok").toBe("ok");
  });

  it("totals: at least today's passes, no failures, every lowering rule proven", () => {
    const all = tests.map(outcome);
    const failed = tests.filter((_, i) => all[i]!.kind === "fail").map((t) => t.id);
    expect(failed).toEqual([]);
    expect(all.filter((o) => o.kind === "pass").length).toBeGreaterThanOrEqual(AT_LEAST_PASSED);
    // Every rule of the lowering table is proven by at least one node test.
    const proven = new Set(all.flatMap((o) => (o.kind === "pass" ? o.ops : [])));
    expect(Object.keys(ONNX_LOWERING).filter((op) => !proven.has(op))).toEqual([]);
  });

  afterAll(() => {
    const all = [...outcomes.values()];
    const count = (k: Outcome["kind"]) => all.filter((o) => o.kind === k).length;
    console.log(`node tests through convert + run: ${count("pass")} passed, ${count("fail")} failed, ${count("skip")} left out`);
    const reasons = new Map<string, number>();
    const missing = new Map<string, number>();
    for (const o of all) {
      if (o.kind !== "skip") continue;
      reasons.set(o.why, (reasons.get(o.why) ?? 0) + 1);
      for (const op of o.missingOps ?? []) missing.set(op, (missing.get(op) ?? 0) + 1);
    }
    for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.MYRIADC_SKIP_REASONS ?? 10)))
      console.log(`    left out ${String(n).padStart(4)} × ${why}`);
    const sorted = [...missing].sort((a, b) => b[1] - a[1]);
    console.log(`    ops without a lowering rule (${sorted.length}): ${sorted.map(([op, n]) => `${op} ${n}`).join(", ")}`);
  });
});
