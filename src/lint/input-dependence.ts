/**
 * Which model inputs a value depends on, and how: through their data, or only through their
 * shapes (behind a Shape/ShapeOf). The difference decides the advice: a value that depends
 * on shapes only becomes a constant with --input-shape; one that depends on data needs the
 * input frozen (--freeze) or that part run on the host. Works on both dialects.
 */
import type { Graph } from "../ir/graph.js";
import type { Value } from "../ir/value.js";

const SHAPE_READERS = new Set(["Shape", "ShapeOf", "Size"]);

export interface InputDependence {
  /** Inputs whose values reach it, in input order. */
  readonly data: Value[];
  /** Inputs whose shapes only reach it, in input order. */
  readonly shape: Value[];
}

export function inputDependence(graph: Graph, v: Value): InputDependence {
  const data = new Set<Value>();
  const shape = new Set<Value>();
  // Each value is walked at most twice: once reached through data, once through a shape.
  const seen = new Map<Value, number>();
  const stack: [Value, boolean][] = [[v, false]];
  while (stack.length) {
    const [x, viaShape] = stack.pop()!;
    const bit = viaShape ? 2 : 1;
    const had = seen.get(x) ?? 0;
    if (had & bit) continue;
    seen.set(x, had | bit);
    if (x.isGraphInput() && !x.isInitializer) (viaShape ? shape : data).add(x);
    const p = x.producer;
    if (!p) continue;
    const next = viaShape || SHAPE_READERS.has(p.opType);
    for (const i of p.inputs) if (i) stack.push([i, next]);
  }
  const ordered = (s: Set<Value>) => graph.inputs.filter((i) => s.has(i));
  return { data: ordered(data), shape: ordered(shape).filter((i) => !data.has(i)) };
}
