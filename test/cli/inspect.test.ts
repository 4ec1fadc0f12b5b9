/**
 * `myriadc inspect --json` against facts that do not come from our code: the corpus's
 * index.tsv (written by onnx's Python tooling), hand-checked fixtures, and architecture facts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ModelSummary } from "../../src/analysis/summary.js";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { CORPUS, corpusAvailable, REPO_ROOT, warnIfCorpusMissing } from "../support/corpus.js";

warnIfCorpusMissing();

async function inspectJson(file: string): Promise<ModelSummary> {
  const io = memoryIO();
  const code = await runCli(["inspect", file, "--json"], io);
  expect(io.err, `stderr of inspect ${file}`).toBe("");
  expect(code).toBe(0);
  return JSON.parse(io.out) as ModelSummary;
}

interface IndexRow {
  path: string;
  irVersion: number;
  opsets: Record<string, number>;
  nInputs: number;
  nOutputs: number;
  opTypes: string[];
}

function readIndex(): IndexRow[] {
  const lines = readFileSync(join(CORPUS, "onnx-backend", "index.tsv"), "utf8")
    .trim()
    .split("\n")
    .slice(1);
  return lines.map((line) => {
    const [path, ir, opsets, nIn, nOut, ops] = line.split("\t");
    return {
      path: path!,
      irVersion: Number(ir),
      opsets: JSON.parse(opsets!) as Record<string, number>,
      nInputs: Number(nIn),
      nOutputs: Number(nOut),
      opTypes: ops ? ops.split(",") : [],
    };
  });
}

/** index.tsv writes the default domain as "ai.onnx" and op types as "domain::Op". */
function normalizeOp(op: string): string {
  return op.startsWith("ai.onnx::") ? op.slice("ai.onnx::".length) : op;
}

describe.skipIf(!corpusAvailable)("inspect agrees with the corpus index (onnx's own reading)", () => {
  const rows = corpusAvailable ? readIndex() : [];

  it("covers the whole index", () => {
    expect(rows.length).toBeGreaterThan(1900);
  });

  it.each(rows.map((r) => [r.path, r] as const))("%s", async (_p, row) => {
    const s = await inspectJson(join(CORPUS, "onnx-backend", row.path));
    expect(s.irVersion).toBe(row.irVersion);
    const opsets = Object.fromEntries(Object.entries(row.opsets).map(([d, v]) => [d === "ai.onnx" ? "" : d, v]));
    expect(s.opsets).toEqual(opsets);
    expect(Object.keys(s.ops).sort()).toEqual(row.opTypes.map(normalizeOp).sort());
    // The "light" rows record no inputs/outputs in the index (their tool counted test data).
    if (!row.path.startsWith("light/")) {
      expect(s.inputs.length).toBe(row.nInputs);
      expect(s.outputs.length).toBe(row.nOutputs);
    }
  });
});

describe.skipIf(!corpusAvailable)("inspect on hand-checked models", () => {
  it("seed_catimgs_op12 matches its hand-read bytes", async () => {
    const expected = JSON.parse(readFileSync(join(REPO_ROOT, "test/fixtures/inspect/seed_catimgs_op12.expected.json"), "utf8"));
    delete expected._comment;
    const s = await inspectJson(join(CORPUS, "zoo/seed_catimgs_op12/model.onnx"));
    for (const [k, v] of Object.entries(expected)) expect(s[k as keyof ModelSummary], k).toEqual(v);
  });

  it("squeezenet1_1 has torchvision's 1,235,496 parameters and its layer counts", async () => {
    const s = await inspectJson(join(CORPUS, "zoo/squeezenet1_1_op11/model.onnx"));
    // torchvision squeezenet1_1: conv1 + 8 Fire modules × (squeeze, expand1x1, expand3x3) + final conv.
    // torchvision counts 1,235,496 parameters. Its conv biases start at zero and the exporter
    // stores identical initializers once: the 2,944 zero-bias elements (conv1 64, squeeze 320,
    // expand 2,560) collapse to one tensor per size {16,32,48,64,128,192,256} = 736, so the
    // file holds 2,208 fewer elements.
    expect(s.parameters).toBe(1_235_496 - 2_208);
    expect(s.parameterBytes).toBe((1_235_496 - 2_208) * 4);
    expect(s.ops.Conv).toBe(26);
    expect(s.ops.Relu).toBe(26);
    expect(s.ops.Concat).toBe(8);
    expect(s.ops.MaxPool).toBe(3);
    expect(s.inputs).toEqual([{ name: "input_0", dtype: "float32", shape: [1, 3, 224, 224] }]);
    expect(s.outputs.map((o) => o.name)).toEqual(["117"]);
  });

  it("test_if reports its two branches as subgraphs, counted apart from the top level", async () => {
    const s = await inspectJson(join(CORPUS, "onnx-backend/node/test_if/model.onnx"));
    expect(s.ops).toEqual({ If: 1 });
    expect(s.nodes).toBe(1);
    expect(s.subgraphs).toBe(2);
    expect(s.subgraphNodes).toBeGreaterThanOrEqual(2);
  });

  it("text output names inputs, outputs and ops", async () => {
    const io = memoryIO();
    expect(await runCli(["inspect", join(CORPUS, "zoo/seed_catimgs_op12/model.onnx")], io)).toBe(0);
    expect(io.out).toMatch(/ir version\s+7/);
    expect(io.out).toMatch(/input_0\s+float32\[1, 3, 300, 300\]/);
    expect(io.out).toMatch(/1\s+Concat/);
  });
});
