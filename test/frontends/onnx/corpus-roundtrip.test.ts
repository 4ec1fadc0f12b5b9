/**
 * Every model of the shared corpus loads; load → save gives a file that onnxruntime runs
 * with bitwise-identical outputs to the original on the model's own test data.
 *
 * Models onnxruntime itself cannot run (ops newer than it, inputs it cannot take from JS)
 * are still loaded and saved, and then only checked to load again identically; the count
 * of each outcome is printed.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../../src/frontends/load-model.js";
import { loadOnnxBytes } from "../../../src/frontends/onnx/load.js";
import { encodeOnnx } from "../../../src/frontends/onnx/save.js";
import { readNpy } from "../../../src/io/npy.js";
import { readTensorPb } from "../../../src/io/tensor-pb.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { backendModels, type CorpusModel, corpusAvailable, lightModels, warnIfCorpusMissing, zooModels } from "../../support/corpus.js";
import { bitwiseEqual, ortSupports, runOrt } from "../../support/ort.js";

const tally = { compared: 0, ortCannotRun: 0, nondeterministic: 0, nonTensorInputs: 0 };
const reasons = new Map<string, number>();

function readInput(path: string): Tensor | undefined {
  if (path.endsWith(".npy")) {
    const a = readNpy(path);
    return Tensor.fromBytes(a.dtype, a.dims, a.data);
  }
  try {
    return readTensorPb(path);
  } catch {
    // Sequence/Optional/Map test inputs are other protobuf messages: not a TensorProto.
    return undefined;
  }
}

async function checkModel(m: CorpusModel): Promise<void> {
  const original = new Uint8Array(readFileSync(m.model));
  const loaded = loadOnnxFile(m.model);
  const saved = encodeOnnx(loaded.model);
  // The saved file must load again into the same structure.
  const again = loadOnnxBytes(saved, `${m.id} (saved)`).model;
  expect(again.graph.nodes.map((n) => `${n.domain}:${n.opType}:${n.name}`)).toEqual(
    loaded.model.graph.nodes.map((n) => `${n.domain}:${n.opType}:${n.name}`),
  );
  expect(again.graph.inputs.map((v) => v.name)).toEqual(loaded.model.graph.inputs.map((v) => v.name));
  expect(again.graph.outputs.map((v) => v.name)).toEqual(loaded.model.graph.outputs.map((v) => v.name));
  expect([...again.opsetImports]).toEqual([...loaded.model.opsetImports]);
  expect(again.metadataProps).toEqual(loaded.model.metadataProps);
  // Saving is deterministic and idempotent.
  expect(Buffer.compare(Buffer.from(encodeOnnx(again)), Buffer.from(saved))).toBe(0);

  const feeds = m.inputs.map(readInput);
  // onnxruntime-node crashes the process (not an exception) when it hands back tensor types it
  // has no JS form for (float8, float4, int4), so such models are not run.
  const outputsOk = loaded.model.graph.outputs.every((v) => v.type?.kind === "tensor" && v.dtype !== undefined && ortSupports(v.dtype));
  if (!outputsOk || feeds.some((t) => t === undefined || !ortSupports(t.dtype))) {
    tally.nonTensorInputs++;
    return;
  }
  let reference: Tensor[];
  try {
    reference = await runOrt(original, feeds as Tensor[]);
  } catch (e) {
    tally.ortCannotRun++;
    const key = String((e as Error).message)
      .split("\n")[0]!
      .replace(/\[.*?\]/g, "")
      .slice(0, 90);
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
    return;
  }
  const ours = await runOrt(saved, feeds as Tensor[]);
  expect(ours.length).toBe(reference.length);
  if (ours.every((t, i) => bitwiseEqual(t, reference[i]!))) {
    tally.compared++;
    return;
  }
  // Random ops differ from run to run: confirm by running the original twice.
  const second = await runOrt(original, feeds as Tensor[]);
  if (!second.every((t, i) => bitwiseEqual(t, reference[i]!))) {
    tally.nondeterministic++;
    return;
  }
  for (const [i, t] of ours.entries())
    expect(bitwiseEqual(t, reference[i]!), `output ${i} of ${m.id} differs after load → save`).toBe(true);
}

describe.skipIf(!corpusAvailable)("corpus load → save → onnxruntime", () => {
  const groups: [string, CorpusModel[]][] = [
    ["node", backendModels("node")],
    ["pytorch-converted", backendModels("pytorch-converted")],
    ["pytorch-operator", backendModels("pytorch-operator")],
    ["simple", backendModels("simple")],
    ["light", lightModels()],
    ["zoo", zooModels()],
  ];

  it("finds the corpus models", () => {
    expect(groups.find(([g]) => g === "node")![1].length).toBeGreaterThan(1500);
    expect(groups.find(([g]) => g === "zoo")![1].length).toBeGreaterThan(5);
  });

  for (const [group, models] of groups) {
    describe(group, () => {
      it.each(models.map((m) => [m.id, m] as const))("%s", async (_id, m) => {
        await checkModel(m);
      });
    });
  }

  afterAll(() => {
    console.log(
      `corpus round trip: ${tally.compared} compared bitwise with onnxruntime, ${tally.ortCannotRun} onnxruntime cannot run, ` +
        `${tally.nonTensorInputs} with inputs/outputs onnxruntime-node cannot exchange (load/save checked only), ${tally.nondeterministic} nondeterministic`,
    );
    for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  onnxruntime refused ${n}×: ${r}`);
    // Guard against a silent collapse of coverage (e.g. every session failing to start).
    expect(tally.compared).toBeGreaterThan(1000);
  });
});

warnIfCorpusMissing();
