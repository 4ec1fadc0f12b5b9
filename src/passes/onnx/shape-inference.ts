/**
 * Shape and type inference over ONNX ops from the op table, in topological order, into
 * nested graphs too. Inferred facts refine what is known: a known size replaces a symbolic
 * or unknown one, an unknown type or rank is filled in; a known size is never overwritten
 * (a disagreement is reported as a note instead).
 */
import type { Graph } from "../../ir/graph.js";
import type { Model } from "../../ir/model.js";
import type { Dim, Shape } from "../../ir/shape.js";
import { formatShape } from "../../ir/shape.js";
import type { TensorType } from "../../ir/types.js";
import type { Value } from "../../ir/value.js";
import type { OutputType } from "../../ops/onnx/op-def.js";
import { onnxOp } from "../../ops/onnx/registry.js";
import type { Pass, PassResult } from "../pass.js";
import { inferContext, isOnnxDomain } from "./op-context.js";

function mergeShape(
  old: Shape | undefined,
  inferred: Shape | undefined,
  conflict: () => void,
): { shape: Shape | undefined; changed: boolean } {
  if (inferred === undefined) return { shape: old, changed: false };
  if (old === undefined) return { shape: inferred, changed: true };
  if (old.length !== inferred.length) {
    conflict();
    return { shape: old, changed: false };
  }
  let changed = false;
  const out: Dim[] = old.map((d, i) => {
    const n = inferred[i] ?? null;
    if (typeof d === "number") {
      if (typeof n === "number" && n !== d) conflict();
      return d;
    }
    if (typeof n === "number" || (d === null && typeof n === "string")) {
      changed = true;
      return n;
    }
    return d;
  });
  return { shape: changed ? out : old, changed };
}

/** Applies an inferred type to a value; returns whether anything became more precise. */
export function refineType(v: Value, inferred: OutputType, notes: string[]): boolean {
  const old = v.type;
  if (inferred.type && inferred.type.kind !== "tensor") {
    // Container types are filled in when unknown, never changed.
    if (old !== undefined) return false;
    v.type = inferred.type;
    return true;
  }
  if (old && old.kind !== "tensor") return false;
  const oldT = old as TensorType | undefined;
  let changed = false;
  let dtype = oldT?.dtype;
  if (dtype === undefined && inferred.dtype !== undefined) {
    dtype = inferred.dtype;
    changed = true;
  } else if (dtype !== undefined && inferred.dtype !== undefined && dtype !== inferred.dtype) {
    notes.push(`${v.name}: declared ${dtype} but inferred ${inferred.dtype}`);
  }
  const merged = mergeShape(oldT?.shape, inferred.shape, () =>
    notes.push(`${v.name}: declared shape ${formatShape(oldT?.shape)} disagrees with inferred ${formatShape(inferred.shape)}`),
  );
  if (!changed && !merged.changed) return false;
  v.type = { kind: "tensor", dtype, shape: merged.shape };
  return true;
}

function inferGraph(model: Model, graph: Graph, notes: string[], unknownOps: Set<string>): boolean {
  let changed = false;
  for (const node of graph.nodes) {
    for (const sg of node.subgraphs()) changed = inferGraph(model, sg, notes, unknownOps) || changed;
    const def = onnxOp(node.opType, node.domain);
    if (!def?.infer) {
      if (isOnnxDomain(node)) unknownOps.add(node.opType);
      continue;
    }
    let outs: (OutputType | undefined)[];
    try {
      outs = def.infer(inferContext(model, node));
    } catch (e) {
      notes.push(`${node.describe()}: shape inference failed (${(e as Error).message})`);
      continue;
    }
    node.outputs.forEach((v, i) => {
      const t = outs[i];
      if (v && t) changed = refineType(v, t, notes) || changed;
    });
  }
  return changed;
}

export function inferShapes(model: Model): PassResult {
  const notes: string[] = [];
  const unknown = new Set<string>();
  const changed = inferGraph(model, model.graph, notes, unknown);
  if (unknown.size) notes.push(`no shape inference for: ${[...unknown].sort().join(", ")}`);
  return { changed, notes };
}

export const shapeInferencePass: Pass = {
  name: "shape-inference",
  run: inferShapes,
};
