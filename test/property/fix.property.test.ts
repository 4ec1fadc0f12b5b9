/**
 * Property: folding + simplification never change what onnxruntime computes. Random small
 * graphs mix input-dependent and all-constant subexpressions (elementwise ops, Shape→Reshape
 * chains, Identity, Constant nodes, dead branches); the fixed model must produce the same
 * outputs (fp32 tolerance: folding computes in double and rounds once).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeOnnx } from "../../src/frontends/onnx/save.js";
import { attr } from "../../src/ir/attribute.js";
import { Tensor } from "../../src/ir/tensor.js";
import type { Value } from "../../src/ir/value.js";
import { verifyModel } from "../../src/ir/verify.js";
import { runPipeline } from "../../src/passes/manager.js";
import { fixPipeline } from "../../src/passes/pipelines.js";
import { GraphBuilder } from "../support/build.js";
import { diff, withinFp32 } from "../support/compare.js";
import { runOrt } from "../support/ort.js";

const UNARY = ["Relu", "Neg", "Abs", "Sigmoid", "Identity", "Floor", "Tanh"] as const;
const BINARY = ["Add", "Sub", "Mul", "Max", "Min"] as const;

const stepArb = fc.oneof(
  fc.record({ kind: fc.constant("unary" as const), op: fc.constantFrom(...UNARY), a: fc.nat() }),
  fc.record({ kind: fc.constant("binary" as const), op: fc.constantFrom(...BINARY), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant("reshape-by-shape" as const), a: fc.nat() }),
  fc.record({ kind: fc.constant("transpose-pair" as const), a: fc.nat() }),
  fc.record({ kind: fc.constant("reshape-pair" as const), a: fc.nat() }),
  fc.record({
    kind: fc.constant("constant" as const),
    values: fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), { minLength: 3, maxLength: 3 }),
  }),
);

describe("fix preserves onnxruntime outputs", () => {
  it("on random graphs (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 10 }),
        fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 6, maxLength: 6 }),
        async (steps, xs) => {
          const b = new GraphBuilder(13);
          const x = b.input("x", "float32", [2, 3]);
          // Values and whether each is [2,3] (input-derived) or [3] (constant-only).
          const pool: Value[] = [x, b.floats("c0", [0.5, -1, 2])];
          steps.forEach((s, i) => {
            const pick = (k: number) => pool[k % pool.length]!;
            if (s.kind === "unary") pool.push(b.op(s.op, [pick(s.a)])[0]!);
            else if (s.kind === "binary") pool.push(b.op(s.op, [pick(s.a), pick(s.b)])[0]!);
            else if (s.kind === "reshape-by-shape") {
              const v = pick(s.a);
              const [shape] = b.op("Shape", [v]);
              pool.push(b.op("Reshape", [v, shape])[0]!);
            } else if (s.kind === "transpose-pair" || s.kind === "reshape-pair") {
              // There and back again: fusion and no-op removal should leave nothing of it.
              // Adding x first makes the value [2,3] whatever it was (constants here are [3]).
              const [v] = b.op("Add", [pick(s.a), x]);
              if (s.kind === "transpose-pair") {
                const [t] = b.op("Transpose", [v], { perm: attr.ints([1, 0]) });
                pool.push(b.op("Transpose", [t], { perm: attr.ints([1, 0]) })[0]!);
              } else {
                const [r] = b.op("Reshape", [v, b.ints(`flat${i}`, [-1])]);
                pool.push(b.op("Reshape", [r, b.ints(`back${i}`, [2, 3])])[0]!);
              }
            } else {
              pool.push(
                b.op("Constant", [], { value: attr.tensor(Tensor.fromArray("float32", [3], Float32Array.from(s.values))) })[0]!,
                b.floats(`k${i}`, s.values),
              );
            }
          });
          // The last value is the output; add x so the output always depends on the input.
          const [out] = b.op("Add", [pool[pool.length - 1]!, x]);
          b.output(out!);
          const m = b.model();
          const input = Tensor.fromArray("float32", [2, 3], Float32Array.from(xs));
          const before = await runOrt(encodeOnnx(m), [input]);
          const report = runPipeline(m, fixPipeline());
          expect(report.hitCap).toBe(false);
          expect(verifyModel(m).filter((p) => p.severity === "error")).toEqual([]);
          const after = await runOrt(encodeOnnx(m), [input]);
          const d = diff(after[0]!, before[0]!);
          expect(withinFp32(d), `max-abs ${d.maxAbs}`).toBe(true);
          expect(m.graph.nodes.some((n) => n.opType === "Identity" || n.opType === "Constant" || n.opType === "Shape")).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});
