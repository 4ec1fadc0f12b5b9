/**
 * `--input-shape name=[1,3,224,224]`: fixes the shapes of dynamic graph inputs. Symbolic
 * dims bound this way are substituted everywhere they appear (value types across the
 * graph), so shape inference and folding can finish the job.
 */
import type { Model } from "../../ir/model.js";
import { type Dim, formatShape } from "../../ir/shape.js";
import { MyriadcError } from "../../util/errors.js";
import type { PassResult } from "../pass.js";

export type InputShapes = ReadonlyMap<string, readonly number[]>;

/** Parses `name=[1,3,224,224]` or `name=1,3,224,224` (the name may itself contain "="). */
export function parseInputShape(spec: string): [string, number[]] {
  const m = /^(.*)=\[?\s*([\d\s,]*)\]?$/.exec(spec);
  if (!m || m[1] === "")
    throw new MyriadcError("usage", `--input-shape ${JSON.stringify(spec)}: expected name=[d0,d1,...] with whole numbers`);
  const dims = m[2]!
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new MyriadcError("usage", `--input-shape ${JSON.stringify(spec)}: dimensions must be whole numbers`);
  return [m[1]!, dims];
}

export function setInputShapes(model: Model, shapes: InputShapes): PassResult {
  const g = model.graph;
  const bindings = new Map<string, number>();
  const reshaped: string[] = [];
  for (const [name, dims] of shapes) {
    const v = g.inputs.find((i) => i.name === name && !i.isInitializer);
    if (!v) {
      const names = g.inputs.filter((i) => !i.isInitializer).map((i) => i.name);
      throw new MyriadcError("usage", `--input-shape: the model has no input ${JSON.stringify(name)} (inputs: ${names.join(", ")})`);
    }
    const old = v.shape;
    // Like Model Optimizer's --input_shape, fixed sizes (even the rank) may be overridden; then
    // every shape derived from the inputs is forgotten and inferred again.
    if (old && (old.length !== dims.length || old.some((d, i) => typeof d === "number" && d !== dims[i]))) {
      reshaped.push(`${name}: ${formatShape(old)} → ${formatShape(dims)}`);
    }
    if (old?.length === dims.length)
      old.forEach((d, i) => {
        if (typeof d === "string") {
          const prior = bindings.get(d);
          if (prior !== undefined && prior !== dims[i])
            throw new MyriadcError("usage", `--input-shape: symbolic dim ${JSON.stringify(d)} given both ${prior} and ${dims[i]}`);
          bindings.set(d, dims[i]!);
        }
      });
    // Dim denotations (which axis is the channel) stay when the rank does.
    const kept =
      v.type?.kind === "tensor" && v.type.dimDenotations?.length === dims.length ? { dimDenotations: v.type.dimDenotations } : {};
    v.type = { kind: "tensor", dtype: v.dtype, shape: dims, ...kept };
  }
  // Substitute bound symbols in every typed value (including outputs and nested graphs).
  const subst = (s: readonly Dim[]): Dim[] => s.map((d) => (typeof d === "string" && bindings.has(d) ? bindings.get(d)! : d));
  const visit = (graph: typeof g): void => {
    const values = [...graph.values(), ...graph.outputs];
    for (const v of values) {
      if (v.type?.kind === "tensor" && v.type.shape) v.type = { ...v.type, shape: subst(v.type.shape) };
    }
    for (const n of graph.nodes) for (const sg of n.subgraphs()) visit(sg);
  };
  if (bindings.size) visit(g);
  if (reshaped.length) {
    const forget = (graph: typeof g): void => {
      for (const v of [...graph.values(), ...graph.outputs]) {
        if (v.isGraphInput() || v.isInitializer || v.type?.kind !== "tensor") continue;
        v.type = { kind: "tensor", dtype: v.type.dtype, shape: undefined };
      }
      for (const n of graph.nodes) for (const sg of n.subgraphs()) forget(sg);
    };
    forget(g);
  }
  return { changed: shapes.size > 0, notes: reshaped.map((r) => `input reshaped: ${r}`) };
}
