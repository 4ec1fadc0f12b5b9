/**
 * `--input-shape name=[1,3,224,224]`: fixes the shapes of dynamic graph inputs. Symbolic
 * dims bound this way are substituted everywhere they appear (value types across the
 * graph), so shape inference and folding can finish the job.
 */
import type { Model } from "../../ir/model.js";
import { type Dim, formatShape } from "../../ir/shape.js";
import type { Value } from "../../ir/value.js";
import { MyriadcError } from "../../util/errors.js";
import type { PassResult } from "../pass.js";
import { findDataInput } from "./graph-inputs.js";

export type InputShapes = ReadonlyMap<string, readonly number[]>;

/**
 * Parses `name=[1,3,224,224]` or `name=1,3,224,224` (the name may itself contain "="). Every
 * entry must be a whole number: `[1,,3]`, `[1,3` and an empty list are refused, never
 * quietly read as something else.
 */
export function parseInputShape(spec: string): [string, number[]] {
  const bad = (why: string): never => {
    throw new MyriadcError("usage", `--input-shape ${JSON.stringify(spec)}: ${why}; expected name=[d0,d1,...] with whole numbers`);
  };
  const m = /^(.*)=\s*(\[?)([^[\]]*)(\]?)\s*$/.exec(spec);
  if (!m || m[1] === "") return bad("no name=dims");
  if ((m[2] !== "") !== (m[4] !== "")) bad("the brackets do not match");
  if (m[3]!.trim() === "") bad("the shape is empty");
  const dims = m[3]!.split(",").map((s) => {
    const t = s.trim();
    if (t === "") return bad("a dimension is missing between commas");
    if (!/^\d+$/.test(t)) return bad(`${JSON.stringify(t)} is not a whole number`);
    const d = Number(t);
    if (!Number.isSafeInteger(d)) return bad(`${t} is too large`);
    return d;
  });
  return [m[1]!, dims];
}

export interface InputShapeOptions {
  /**
   * Let a shape change an input's rank, as Model Optimizer's --input_shape does. Off by default
   * (and on the command line): a model's ops were built for the rank it declares.
   */
  allowRankChange?: boolean;
}

export function setInputShapes(model: Model, shapes: InputShapes, options: InputShapeOptions = {}): PassResult {
  const g = model.graph;
  const bindings = new Map<string, number>();
  const reshaped: string[] = [];
  for (const [name, dims] of shapes) {
    const v = findDataInput(g, name, "--input-shape");
    const old = v.shape;
    // A rank the model does not have cannot be right (its ops were built for the declared one).
    if (old && old.length !== dims.length && !options.allowRankChange)
      throw new MyriadcError(
        "usage",
        `--input-shape ${name}=${formatShape(dims)}: input ${JSON.stringify(name)} has rank ${old.length} (${formatShape(old)}), not ${dims.length}`,
      );
    // Like Model Optimizer's --input_shape, fixed sizes may be overridden; then every shape
    // derived from the inputs is forgotten and inferred again.
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

/** `x=[1,3,<height>,<width>]`: the --input-shape argument to fill in for an input. */
export function inputShapeTemplate(v: Value): string {
  const dims = (v.shape ?? []).map((d, i) => (typeof d === "number" ? String(d) : `<${d ?? `d${i}`}>`));
  return `${v.name}=[${dims.join(",")}]`;
}
