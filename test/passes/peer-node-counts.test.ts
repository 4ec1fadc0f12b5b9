/**
 * `fix` leaves no more nodes than onnxscript's optimizer does on each zoo model. The peer's
 * counts are a committed fixture (bench/peers/onnxscript-node-counts.json, written by
 * bench/peers/onnxscript_node_counts.py), not computed here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { runPipeline } from "../../src/passes/manager.js";
import { fixPipeline } from "../../src/passes/pipelines.js";
import { CORPUS, corpusAvailable, REPO_ROOT, warnIfCorpusMissing } from "../support/corpus.js";

warnIfCorpusMissing();

const peer = JSON.parse(readFileSync(join(REPO_ROOT, "bench/peers/onnxscript-node-counts.json"), "utf8")) as {
  models: Record<string, { before: number; after: number }>;
};

describe.skipIf(!corpusAvailable)("node counts vs onnxscript's optimizer", () => {
  it.each(Object.entries(peer.models))("%s", (name, counts) => {
    const { model } = loadOnnxFile(join(CORPUS, "zoo", name, "model.onnx"));
    expect(model.graph.nodes.length).toBe(counts.before);
    runPipeline(model, fixPipeline());
    expect(model.graph.nodes.length).toBeLessThanOrEqual(counts.after);
  });
});
