/**
 * Issue 16 §1: a 200-byte model that asks for a 1e9–1e12-element tensor (ConstantOfShape,
 * Expand, Tile, Range, Resize sizes, a huge declared input) must not make the tool allocate
 * it. The executable runs in a child process with a bounded heap and address space, so a run
 * that tries dies visibly instead of swapping the machine. `lint`, `fix` and `inspect` work on
 * shapes and must stay bounded; `convert` and `run` still allocate in the interpreter's
 * shape pass (the runtime engineer's allocation guard, follow-up) and are not run here.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOnnxBytes } from "../../src/frontends/onnx/load.js";
import { runPipeline } from "../../src/passes/manager.js";
import { foldConstants } from "../../src/passes/onnx/constant-folding.js";
import { shapeInferencePass } from "../../src/passes/onnx/shape-inference.js";
import { DEFAULT_MAX_TENSOR_BYTES, setMaxTensorBytes } from "../../src/util/limits.js";
import { reluModel } from "./cases.js";
import { HUGE_OPS, hugeShapeArb } from "./generators.js";
import { buildCli, expectNoCrash, runChild, workspace } from "./harness.js";

const ws = workspace();
afterAll(ws.done);
let main = "";
let n = 0;

beforeAll(() => {
  main = buildCli();
}, 180_000);

describe("huge shapes stay shapes", () => {
  it("lint, fix and inspect of huge-shape models finish in bounded memory (fast-check, child process)", () => {
    fc.assert(
      fc.property(hugeShapeArb, fc.constantFrom("lint", "fix", "inspect"), (c, cmd) => {
        const f = join(ws.dir, `huge${n++}.onnx`);
        writeFileSync(f, c.bytes);
        const args = cmd === "fix" ? ["fix", f, "-o", join(ws.dir, `fixed${n}.onnx`)] : [cmd, f];
        expectNoCrash(runChild(main, args, ws.dir));
      }),
      // Each run is a process start: a few per op keep the file under a minute on two cores.
      { numRuns: 2 * HUGE_OPS.length },
    );
  }, 600_000);

  it("a huge input is too large for the device: lint says so, and convert says so too, on shapes alone (child process)", () => {
    const f = join(ws.dir, `huge${n++}.onnx`);
    writeFileSync(f, reluModel([1024, 1024, 1024]));
    const rules = (out: string, key: string) => JSON.parse(out)[key].map((x: { rule: string }) => x.rule);
    const lint = runChild(main, ["lint", f, "--format", "json"], ws.dir);
    expectNoCrash(lint);
    expect(lint.code, lint.err).toBe(1);
    expect(rules(lint.out, "findings")).toContain("myriad/device-memory");
    const convert = runChild(main, ["convert", f, "-o", join(ws.dir, `huge${n++}.xml`), "--json"], ws.dir);
    expectNoCrash(convert);
    expect(convert.code, convert.err).toBe(0);
    expect(rules(convert.out, "remaining")).toContain("myriad/device-memory");
  }, 120_000);

  it("the constant folder never folds past the per-tensor limit, whatever the fold limit", () => {
    fc.assert(
      fc.property(hugeShapeArb, (c) => {
        const { model } = loadOnnxBytes(c.bytes);
        runPipeline(model, [shapeInferencePass]);
        try {
          setMaxTensorBytes(1024 * 1024);
          const r = foldConstants(model, { expandLimitBytes: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER });
          for (const v of model.graph.initializers.values()) expect(v.initializer!.byteLength).toBeLessThanOrEqual(1024 * 1024);
          expect(r.stats.bytes).toBeLessThanOrEqual(1024 * 1024);
        } finally {
          setMaxTensorBytes(DEFAULT_MAX_TENSOR_BYTES);
        }
      }),
      { numRuns: 30 },
    );
  });
});
