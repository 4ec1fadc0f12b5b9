/**
 * Runtime shapes of every intermediate value, observed by running onnxruntime on a copy of
 * the model in which each node output is also a graph output (declared without a type, so
 * onnxruntime's own inference is not constrained by ours).
 */
import { loadOnnxBytes } from "../../src/frontends/onnx/load.js";
import { encodeOnnx } from "../../src/frontends/onnx/save.js";
import type { Model } from "../../src/ir/model.js";
import type { Tensor } from "../../src/ir/tensor.js";
import { runOrt } from "./ort.js";

export async function runtimeShapes(model: Model, feeds: readonly Tensor[]): Promise<Map<string, readonly number[]>> {
  const copy = loadOnnxBytes(encodeOnnx(model), "copy").model;
  const g = copy.graph;
  const names: string[] = [];
  for (const n of g.nodes) {
    for (const v of n.outputs) {
      if (!v || g.outputs.includes(v)) continue;
      v.type = undefined;
      g.addOutput(v);
    }
  }
  for (const v of g.outputs) names.push(v.name);
  const outs = await runOrt(encodeOnnx(copy), feeds);
  return new Map(names.map((n, i) => [n, outs[i]!.dims]));
}
