/**
 * A RuleTester in the manner of typescript-eslint's, for MYRIAD lint rules on small
 * OpenVINO-dialect graphs: `valid` cases the rule must accept and `invalid` cases with the
 * findings it must report, one `it` per case. An invalid case names, per finding, the rule
 * id, the node, the message and whether it is fixable (and why not). Every invalid case is
 * then legalized as convert would: a finding called fixable must be gone and one called not
 * fixable must still be there (so lint and the passes agree), and when something was fixed
 * the legalized graph must compute what the original did (our interpreter, before vs after).
 * A model legalization refuses with a MyriadcError (as convert would) promises no fix.
 */
import { describe, expect, it } from "vitest";
import type { DTypeName } from "../../src/ir/dtype.js";
import { Graph } from "../../src/ir/graph.js";
import { Model } from "../../src/ir/model.js";
import type { Dim } from "../../src/ir/shape.js";
import { Tensor } from "../../src/ir/tensor.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";
import type { Finding } from "../../src/lint/finding.js";
import { lintOpenvino, valueTypes } from "../../src/lint/lint.js";
import type { LintRule } from "../../src/lint/rule.js";
import { OvBuilder } from "../../src/lower/builder.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { legalizeForMyriad } from "../../src/targets/myriad/legalize.js";
import { isMyriadcError } from "../../src/util/errors.js";
import { diff, withinFp32 } from "./compare.js";

export type InputSpec = [name: string, dtype: DTypeName, dims: Dim[]];

/** A one-graph OpenVINO model: `body` gets a builder (node names start with "n/") and the inputs, returns the outputs. */
export function ovModel(inputs: InputSpec[], body: (b: OvBuilder, x: Value[]) => Value[]): Model {
  const g = new Graph("t");
  const xs = inputs.map(([n, d, s]) => g.addInput(new Value(n, tensorType(d, s))));
  const b = new OvBuilder(g, "n");
  for (const y of body(b, xs)) g.addOutput(y);
  return new Model(g, { opsetImports: new Map([["openvino", 10]]) });
}

export interface ValidCase {
  readonly name: string;
  readonly model: () => Model;
}

export interface ExpectedFinding {
  readonly rule: string;
  readonly node: string;
  /** The whole message, or a pattern it must match. */
  readonly message: string | RegExp;
  readonly fixable: boolean;
  /** When not fixable although the rule has a fix: the pass's reason (or a pattern). */
  readonly whyNotFixable?: string | RegExp;
}

export interface InvalidCase {
  readonly name: string;
  readonly model: () => Model;
  readonly errors: readonly ExpectedFinding[];
}

function lintWith(rule: LintRule, m: Model): Finding[] {
  return lintOpenvino(m, valueTypes(m, "test"), [rule]);
}

/** Deterministic input values: floats in [-4, 4), small integers, bytes. */
export function feedsFor(m: Model, seed = 1): Map<string, Tensor> {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 2 ** 32) * 8 - 4;
  };
  return new Map(
    m.graph.inputs.map((v) => {
      const dims = v.shape as number[];
      const n = dims.reduce((a, b) => a * b, 1);
      if (v.dtype === "float32") return [v.name, Tensor.fromArray("float32", dims, Float32Array.from({ length: n }, rnd))];
      if (v.dtype === "uint8")
        return [
          v.name,
          Tensor.fromArray(
            "uint8",
            dims,
            Uint8Array.from({ length: n }, () => Math.abs(Math.round(rnd() * 30))),
          ),
        ];
      return [
        v.name,
        Tensor.fromArray(
          "int32",
          dims,
          Int32Array.from({ length: n }, () => Math.round(rnd() * 10)),
        ),
      ];
    }),
  );
}

const matches = (actual: string | undefined, expected: string | RegExp | undefined) =>
  expected === undefined
    ? actual === undefined
    : typeof expected === "string"
      ? actual === expected
      : actual !== undefined && expected.test(actual);

/** The findings as comparable lines, so a failure shows every difference at once. */
function describeFinding(f: Finding): string {
  return `${f.rule} at ${f.node}: ${f.message} [${f.fixable ? "fixable" : "not fixable"}${f.whyNotFixable ? `: ${f.whyNotFixable}` : ""}]`;
}

export function runRuleTests(name: string, rule: LintRule, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
  const ids = rule.meta.map((m) => m.id);
  describe(name, () => {
    describe("valid", () => {
      for (const c of cases.valid) {
        it(c.name, () => {
          expect(lintWith(rule, c.model()).map(describeFinding)).toEqual([]);
        });
      }
    });
    describe("invalid", () => {
      for (const c of cases.invalid) {
        it(c.name, () => {
          const m = c.model();
          const found = lintWith(rule, m);
          expect(
            found.map((f) => f.rule).filter((r) => !ids.includes(r)),
            "ids outside the rule's meta",
          ).toEqual([]);
          for (const f of found) expect(f.severity, f.rule).toBe(rule.meta.find((x) => x.id === f.rule)!.severity);
          expect(found.length, found.map(describeFinding).join("\n")).toBe(c.errors.length);
          c.errors.forEach((e, i) => {
            const f = found[i]!;
            const shown = describeFinding(f);
            expect({ rule: f.rule, node: f.node, fixable: f.fixable }, shown).toEqual({ rule: e.rule, node: e.node, fixable: e.fixable });
            expect(matches(f.message, e.message), `message: ${shown}`).toBe(true);
            expect(matches(f.whyNotFixable, e.whyNotFixable), `whyNotFixable: ${shown}`).toBe(true);
          });
          // What lint promises is what legalization does.
          const anyFixable = found.some((f) => f.fixable);
          const feeds = anyFixable ? feedsFor(m) : new Map<string, Tensor>();
          const before = anyFixable ? [...runOpenvinoModel(m, feeds).values()] : [];
          try {
            legalizeForMyriad(m, "test");
          } catch (e) {
            // convert refuses such a model outright (e.g. no static shape): nothing was promised.
            if (anyFixable || !isMyriadcError(e)) throw e;
            return;
          }
          const after = lintWith(rule, m).map((f) => `${f.rule} ${f.node}`);
          for (const f of found) {
            const still = after.includes(`${f.rule} ${f.node}`);
            expect(still, `${describeFinding(f)} — ${still ? "still there" : "gone"} after legalization`).toBe(!f.fixable);
          }
          if (!anyFixable) return;
          const outs = [...runOpenvinoModel(m, feeds).values()];
          for (const [i, b] of before.entries()) expect(withinFp32(diff(outs[i]!, b)), `output ${i}`).toBe(true);
        });
      }
    });
  });
}
