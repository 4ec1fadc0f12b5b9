/**
 * Linear growth of inspect, fix, convert and lint, without timing: each command runs as the
 * CLI runs it (file in, files out) on the Add/Relu chain of the bench at 10k and 20k nodes,
 * and the IR's visit counter (elements handed out by graph, node and value collections)
 * must grow about twofold. A pass that rescans the graph or a use-list per node — even with
 * a native `includes` or `indexOf` — makes it grow fourfold, which fails here long before
 * anyone notices a slow watch loop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addReluChain } from "../../bench/models/chain.js";
import { convertCommand } from "../../src/cli/commands/convert.js";
import { fixCommand } from "../../src/cli/commands/fix.js";
import { inspectCommand } from "../../src/cli/commands/inspect.js";
import { lintCommand } from "../../src/cli/commands/lint.js";
import { memoryIO } from "../../src/cli/io.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import type { Graph } from "../../src/ir/graph.js";
import { irVisits } from "../../src/ir/visit-counter.js";

const SMALL = 10_000;
const LARGE = 20_000;
/** Linear work doubles (a little less, with fixed costs); a per-node rescan quadruples. */
const MAX_GROWTH = 2.2;
const MIN_GROWTH = 1.8;

const dir = mkdtempSync(join(tmpdir(), "myriadc-linearity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = new Map<number, string>();
/** The chain of `nodes` nodes as an ONNX file, written on first use. */
function chain(nodes: number): string {
  let file = files.get(nodes);
  if (!file) {
    file = join(dir, `chain-${nodes}.onnx`);
    saveOnnxFile(addReluChain(nodes), file);
    files.set(nodes, file);
  }
  return file;
}

function visitsOf(work: () => void): number {
  const before = irVisits();
  work();
  return irVisits() - before;
}

/** Visits at both sizes of a command that returns its exit code. */
function growth(command: (file: string, nodes: number) => number): { small: number; large: number; ratio: number } {
  const run = (nodes: number) =>
    visitsOf(() => {
      expect(command(chain(nodes), nodes)).toBe(0);
    });
  const small = run(SMALL);
  const large = run(LARGE);
  return { small, large, ratio: large / small };
}

function expectLinear(g: { small: number; large: number; ratio: number }): void {
  // At least one visit per node: the counter sees the command's work at all.
  expect(g.small).toBeGreaterThan(SMALL);
  expect(g.ratio).toBeGreaterThan(MIN_GROWTH);
  expect(g.ratio).toBeLessThan(MAX_GROWTH);
}

describe("visits grow linearly with the graph (Add/Relu chain, 10k → 20k nodes)", () => {
  it("inspect", () => {
    expectLinear(growth((file) => inspectCommand(file, {}, memoryIO())));
  });

  it("fix", () => {
    expectLinear(growth((file, n) => fixCommand(file, { output: join(dir, `fixed-${n}.onnx`) }, memoryIO())));
  });

  it("convert (FP16)", () => {
    expectLinear(growth((file, n) => convertCommand(file, { output: join(dir, `ir-${n}.xml`), dataType: "FP16" }, memoryIO())));
  });

  it("lint --target myriad", () => {
    expectLinear(growth((file) => lintCommand(file, { target: "myriad" }, memoryIO())));
  });

  it("the counter itself shows a per-node rescan as fourfold growth", () => {
    // What a quadratic pass looks like: for each node, search the node list for it.
    const rescan = (g: Graph) => {
      for (const n of g.nodes) if (!g.nodes.includes(n)) throw new Error("lost a node");
    };
    const small = visitsOf(() => rescan(addReluChain(SMALL / 10).graph));
    const large = visitsOf(() => rescan(addReluChain(LARGE / 10).graph));
    expect(large / small).toBeGreaterThan(3.5);
  });
});
