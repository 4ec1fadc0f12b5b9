/**
 * Lowering + interpreter across the ONNX backend node tests: every test whose op has a
 * lowering rule is fixed (integer inputs frozen, as shapes and axes are constants in real
 * models), lowered, run by our OpenVINO interpreter, and compared with the test's expected
 * outputs. Skips are counted by reason; a test that lowers but computes something else fails.
 */

import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { readTensorPb } from "../../src/io/tensor-pb.js";
import { dtypeInfo } from "../../src/ir/dtype.js";
import type { Model } from "../../src/ir/model.js";
import type { Tensor } from "../../src/ir/tensor.js";
import { lowerToOpenvino } from "../../src/lower/lower.js";
import { ONNX_LOWERING } from "../../src/lower/onnx-rules.js";
import { runPipeline } from "../../src/passes/manager.js";
import { fixPipeline } from "../../src/passes/pipelines.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { matchesNodeTest as matches } from "../support/compare.js";
import { backendModels, corpusAvailable, warnIfCorpusMissing } from "../support/corpus.js";
import { freezeIntegerInputs } from "../support/freeze.js";

warnIfCorpusMissing();

const tally = { passed: 0, failed: 0, skipped: new Map<string, number>() };
const failures: string[] = [];
/** Lowering rules by the number of node tests that ran through them and passed. */
const passedByOp = new Map<string, number>();
/** ONNX ops without a lowering rule, by the number of node tests they keep out. */
const missingOps = new Map<string, number>();
const skip = (why: string) => tally.skipped.set(why, (tally.skipped.get(why) ?? 0) + 1);

describe.skipIf(!corpusAvailable)("convert + run on the ONNX node tests", () => {
  it("every lowered node test computes the expected outputs", () => {
    for (const t of backendModels("node")) {
      let model: Model;
      let inputs: Tensor[];
      let expected: Tensor[];
      try {
        model = loadOnnxFile(t.model).model;
        inputs = t.inputs.map((p) => readTensorPb(p));
        expected = t.outputs.map((p) => readTensorPb(p));
      } catch {
        skip("non-tensor test data");
        continue;
      }
      if (
        [...inputs, ...expected].some((x) => x.dtype === "string" || dtypeInfo(x.dtype).bits < 8 || dtypeInfo(x.dtype).kind === "complex")
      ) {
        skip("string, complex or sub-byte data");
        continue;
      }
      const g = model.graph;
      const frozen = freezeIntegerInputs(model, inputs);
      const feeds = new Map(frozen.names.map((n, i) => [n, frozen.feeds[i]!]));
      try {
        runPipeline(model, fixPipeline());
      } catch {
        skip("fix failed");
        continue;
      }
      // What is left after fix (Constant nodes become initializers, constant parts fold) is
      // what must be lowered.
      const unlowered = g.nodes.map((n) => n.opType).filter((op) => !ONNX_LOWERING[op]);
      if (unlowered.length) {
        for (const op of new Set(unlowered)) missingOps.set(op, (missingOps.get(op) ?? 0) + 1);
        skip("an op without a lowering rule");
        continue;
      }
      const lowered = lowerToOpenvino(model);
      if (lowered.failures.length) {
        skip(`not lowered: ${lowered.failures[0]!.reason.slice(0, 60)}`);
        continue;
      }
      let out: Map<string, Tensor>;
      try {
        out = runOpenvinoModel(lowered.model, feeds);
      } catch (e) {
        // Features the lowering writes but the interpreter does not implement (cubic) are skips.
        if (/not supported by the interpreter/.test((e as Error).message)) {
          skip(`interpreter: ${(e as Error).message.replace(/^.*: /, "").slice(0, 60)}`);
          continue;
        }
        failures.push(`${t.id}: interpreter error: ${(e as Error).message.slice(0, 120)}`);
        tally.failed++;
        continue;
      }
      // By position: an output that is an input passed straight through keeps the input's name.
      const results = [...out.values()];
      const bad = g.outputs.findIndex((_v, i) => !matches(results[i]!, expected[i]!));
      if (bad >= 0) {
        const e = expected[bad]!;
        const o = results[bad]!;
        failures.push(`${t.id}: output ${bad} differs (${o.dtype}[${o.dims}] vs ${e.dtype}[${e.dims}])`);
        tally.failed++;
      } else {
        tally.passed++;
        for (const op of new Set(g.nodes.map((n) => n.opType))) passedByOp.set(op, (passedByOp.get(op) ?? 0) + 1);
      }
    }
    expect(failures).toEqual([]);
    expect(tally.passed).toBeGreaterThan(1000);
    // Every rule of the lowering table is proven by at least one node test.
    expect(Object.keys(ONNX_LOWERING).filter((op) => !passedByOp.has(op))).toEqual([]);
  }, 600_000);

  afterAll(() => {
    console.log(
      `node tests through convert + run: ${tally.passed} passed, ${tally.failed} failed, ${[...tally.skipped.values()].reduce((a, b) => a + b, 0)} skipped`,
    );
    for (const [why, n] of [...tally.skipped].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.MYRIADC_SKIP_REASONS ?? 10)))
      console.log(`    skipped ${String(n).padStart(4)} × ${why}`);
    const untested = Object.keys(ONNX_LOWERING).filter((op) => !passedByOp.has(op));
    console.log(`    lowering rules no node test passed through (${untested.length}): ${untested.join(", ")}`);
    const missing = [...missingOps].sort((a, b) => b[1] - a[1]);
    console.log(`    ops without a lowering rule (${missing.length}): ${missing.map(([op, n]) => `${op} ${n}`).join(", ")}`);
    for (const f of failures) console.log(`    FAILED ${f}`);
  });
});
