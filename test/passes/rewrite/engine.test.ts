/**
 * The rewrite driver: one run reaches the rules' fixed point (chains, rewrites that enable
 * other rules), it walks nested graphs, it reports skipped nodes with their reasons, a rule
 * that declines after building is caught, and the manager does not sweep again over passes
 * that nothing changed for.
 */
import { describe, expect, it } from "vitest";
import { attr } from "../../../src/ir/attribute.js";
import { Graph } from "../../../src/ir/graph.js";
import { Node } from "../../../src/ir/node.js";
import { tensorType } from "../../../src/ir/types.js";
import { Value } from "../../../src/ir/value.js";
import { identityPass } from "../../../src/passes/common/identity.js";
import { runPipeline } from "../../../src/passes/manager.js";
import { inferShapes } from "../../../src/passes/onnx/shape-inference.js";
import { fuseTransposeReshapePass } from "../../../src/passes/onnx/simplify/fuse-transpose-reshape.js";
import { noopPass } from "../../../src/passes/onnx/simplify/noop.js";
import type { Pass } from "../../../src/passes/pass.js";
import { rewriteGraph } from "../../../src/passes/rewrite/engine.js";
import { rewritePass } from "../../../src/passes/rewrite/pass.js";
import { defineRule } from "../../../src/passes/rewrite/rule.js";
import { GraphBuilder, preservesOutputs, randomTensor } from "../../support/build.js";

const perm = (...p: number[]) => ({ perm: attr.ints(p) });

describe("rewrite driver", () => {
  it("fuses a chain of four Transposes in one run, and the identity they compose to goes in the same pipeline round", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3, 4]);
    let t: Value = x;
    for (const p of [
      [1, 0, 2],
      [1, 0, 2],
      [2, 0, 1],
      [1, 2, 0],
    ])
      t = b.op("Transpose", [t], perm(...p))[0]!;
    const [y] = b.op("Relu", [t]);
    b.output(y!);
    const m = b.model();
    inferShapes(m);
    expect(fuseTransposeReshapePass.run(m).changes).toBe(3);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(["Transpose", "Relu"]);
    expect(m.graph.nodes[0]!.getInts("perm")).toEqual([0, 1, 2]);
    // noop turns the identity permutation into an Identity and identity removes it: one driver run, one round.
    const { ops } = await preservesOutputs(m, [randomTensor([2, 3, 4])], (mm) => {
      const r = runPipeline(mm, [noopPass, identityPass]);
      expect(r.rounds).toBe(1);
      expect(r.passes.map((p) => [p.name, p.changes])).toEqual([
        ["noop", 1],
        ["identity", 1],
      ]);
      return r.changed;
    });
    expect(ops).toEqual(["Relu"]);
  });

  it("rewrites inside nested graphs", () => {
    const b = new GraphBuilder(13);
    const c = b.input("c", "bool", []);
    const x = b.input("x", "float32", [2]);
    const branch = (name: string) => {
      const g = new Graph(name);
      const mid = new Value(`${name}_mid`, tensorType("float32", [2]));
      const out = new Value(`${name}_out`, tensorType("float32", [2]));
      g.appendNode(new Node({ opType: "Identity", version: 13, name: `${name}_id`, inputs: [x], outputs: [mid] }));
      g.appendNode(new Node({ opType: "Relu", version: 13, name: `${name}_relu`, inputs: [mid], outputs: [out] }));
      g.addOutput(out);
      return g;
    };
    const [y] = b.op("If", [c], { then_branch: attr.graph(branch("then")), else_branch: attr.graph(branch("else")) });
    b.output(y!);
    const m = b.model();
    const report = rewriteGraph(m.graph, identityPass.rules);
    expect(report.rewrites).toBe(2);
    const inner = m.graph.nodes[0]!.subgraphs().map((g) => g.nodes.map((n) => `${n.opType}(${n.inputs[0]!.name})`));
    expect(inner).toEqual([["Relu(x)"], ["Relu(x)"]]);
  });

  it("reports a node a rule matched but could not rewrite, with the reason, and leaves it as it was", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [3]);
    const [y] = b.op("Identity", [x]);
    b.output(y!);
    const report = rewriteGraph(b.graph, identityPass.rules);
    expect(report.rewrites).toBe(0);
    expect(report.skipped.map((s) => [s.node.opType, s.rule, s.reason])).toEqual([
      ["Identity", "identity", "its input and its output are both named parts of the graph's interface"],
    ]);
    expect(b.graph.nodes).toHaveLength(1);
  });

  it("drops the skip of a node that a later rewrite made possible", () => {
    // Pad's pads come from a node another rule folds later in the run: first skipped, then done.
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2]);
    const [a] = b.op("Neg", [x]);
    const [y] = b.op("Relu", [a]);
    b.output(y!);
    let negDone = false;
    const reluAfterNeg = defineRule({
      name: "relu-after-neg",
      opTypes: ["Relu"],
      match: () => true,
      check: (node) => (node.inputs[0]!.producer?.opType === "Neg" ? "its input is still a Neg" : undefined),
      rewrite: (node) => ({ replaceWith: [node.inputs[0]] }),
    });
    const negToAbs = defineRule({
      name: "neg-to-abs",
      opTypes: ["Neg"],
      match: () => (negDone ? undefined : true),
      rewrite(node) {
        negDone = true;
        node.opType = "Abs";
        return { inPlace: true };
      },
    });
    const report = rewriteGraph(b.graph, [reluAfterNeg, negToAbs]);
    expect(report.counts).toEqual(
      new Map([
        ["neg-to-abs", 1],
        ["relu-after-neg", 1],
      ]),
    );
    expect(report.skipped).toEqual([]);
    expect(b.graph.nodes.map((n) => n.opType)).toEqual(["Abs"]);
  });

  it("catches a rule that declines after it changed the graph", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2]);
    const [y] = b.op("Relu", [x]);
    b.output(y!);
    const sloppy = defineRule({
      name: "sloppy",
      opTypes: ["Relu"],
      match: () => true,
      rewrite(node, _m, ctx) {
        ctx.constant("junk", randomTensor([1]));
        return `changed its mind about ${node.opType}`;
      },
    });
    expect(() => rewriteGraph(b.graph, [sloppy])).toThrow(/declined .* after changing the graph/);
  });

  it("stops rules that undo each other at its budget and says so", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2]);
    const [y] = b.op("Relu", [x]);
    b.output(y!);
    const flip = (from: string, to: string) =>
      defineRule({
        name: `${from}-to-${to}`,
        opTypes: [from],
        match: () => true,
        rewrite(node) {
          node.opType = to;
          return { inPlace: true };
        },
      });
    const pass = rewritePass({ name: "flip", rules: [flip("Relu", "Abs"), flip("Abs", "Relu")] });
    const r = pass.run(b.model());
    expect(r.notes).toEqual([expect.stringMatching(/^stopped after \d+ rewrites: two rules undo each other$/)]);
  });
});

describe("pass manager", () => {
  const counting = (runs: string[], name: string, changes: () => boolean, reachesFixedPoint = false): Pass => ({
    name,
    reachesFixedPoint,
    run() {
      runs.push(name);
      return { changed: changes() };
    },
  });

  it("re-runs a pass only when another changed the model since it last ran", () => {
    const runs: string[] = [];
    let once = true;
    const report = runPipeline(new GraphBuilder().model(), [
      counting(runs, "a", () => false),
      counting(runs, "b", () => false),
      counting(
        runs,
        "last",
        () => {
          const r = once;
          once = false;
          return r;
        },
        true,
      ),
    ]);
    // "last" changed the model in round 1, so a and b look again; "last" itself is at its fixed point.
    expect(runs).toEqual(["a", "b", "last", "a", "b"]);
    expect(report.rounds).toBe(2);
    expect(report.passes.map((p) => [p.name, p.changedRounds])).toEqual([
      ["a", 0],
      ["b", 0],
      ["last", 1],
    ]);
    expect(report.hitCap).toBe(false);
  });

  it("runs a pass that does not reach its own fixed point again after it changed something", () => {
    const runs: string[] = [];
    let budget = 2;
    const report = runPipeline(new GraphBuilder().model(), [counting(runs, "p", () => budget-- > 0)]);
    expect(runs).toEqual(["p", "p", "p"]);
    expect(report.passes[0]!.changedRounds).toBe(2);
  });

  it("reports the cap when passes keep changing the model", () => {
    const report = runPipeline(new GraphBuilder().model(), [counting([], "forever", () => true)], { maxRounds: 3 });
    expect(report).toMatchObject({ rounds: 3, hitCap: true });
  });
});
