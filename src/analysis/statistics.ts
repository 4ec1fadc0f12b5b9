/**
 * Model statistics for static shapes: MACs per op type and per node, parameters, the bytes
 * the weights take in an FP16 IR, and the OAK speed estimate. No float activation is
 * computed: ONNX shapes come from shape inference (and, where sizes are computed by the graph
 * itself, from the fix pipeline's constant folding), an IR's from its ports (or, when
 * `--input-shape` changes them, from the interpreter's shape-only run).
 */
import type { GraphDialect } from "../frontends/frontend.js";
import type { Model } from "../ir/model.js";
import { isStaticShape } from "../ir/shape.js";
import type { Value } from "../ir/value.js";
import { runPipeline } from "../passes/manager.js";
import { type InputShapes, setInputShapes } from "../passes/onnx/input-shapes.js";
import { shapeInferencePass } from "../passes/onnx/shape-inference.js";
import { fixPipeline } from "../passes/pipelines.js";
import { observeTypes } from "../runtime/observe-types.js";
import { isMyriadcError } from "../util/errors.js";
import { countMacs, type DimsOf, declaredDims } from "./macs.js";
import { estimateOakFps, type OakEstimate } from "./oak-estimate.js";

export interface ModelStatistics {
  /** Every graph input has a static shape (MACs and the estimate need it). */
  staticShapes: boolean;
  /** Total MACs of the top-level graph; null without static input shapes. */
  macs: number | null;
  /** Op type → MACs, largest first. */
  macsByOp: Record<string, number>;
  /** Nodes whose MACs could not be counted (shapes unknown after inference). */
  macsUnknown: string[];
  /** Stored elements of every initializer (as `inspect`'s `parameters`). */
  parameters: number;
  /** Bytes of the weights in an FP16 IR: float initializers at 2 bytes an element, others as stored. */
  weightBytesFp16: number;
  /** Top-level nodes (layers of an IR, without Parameters, Consts and Results). */
  layers: number;
  /** The OAK (RVC2) frame-rate estimate; null without MACs. */
  oakEstimate: OakEstimate | null;
}

export interface Statistics extends ModelStatistics {
  /** MACs per node name, for per-layer tables. */
  perNode: Map<string, number>;
}

const FLOAT_TYPES = new Set(["float32", "float64", "float16", "bfloat16"]);

function weights(model: Model): { parameters: number; weightBytesFp16: number } {
  let parameters = 0;
  let weightBytesFp16 = 0;
  const visit = (graph: Model["graph"]): void => {
    for (const v of graph.initializers.values()) {
      const t = v.initializer ?? v.sparseInitializer?.values;
      if (!t) continue;
      parameters += t.size;
      weightBytesFp16 += FLOAT_TYPES.has(t.dtype) ? t.size * 2 : t.byteLength;
    }
    for (const n of graph.nodes) for (const sg of n.subgraphs()) visit(sg);
  };
  visit(model.graph);
  return { parameters, weightBytesFp16 };
}

/** The dims to count MACs with, after applying `inputShapes`; the model is changed in place (types only). */
function staticDims(model: Model, dialect: GraphDialect, file: string, inputShapes: InputShapes | undefined): DimsOf | undefined {
  const g = model.graph;
  if (inputShapes?.size) setInputShapes(model, inputShapes);
  if (!g.inputs.every((v) => v.isInitializer || isStaticShape(v.shape))) return undefined;
  if (dialect === "onnx") {
    runPipeline(model, [shapeInferencePass]);
    return declaredDims;
  }
  // An IR declares every port's dims; new input shapes need them found again (shapes only).
  if (!inputShapes?.size) return declaredDims;
  let observed: ReadonlyMap<Value, { dims: readonly number[] }>;
  try {
    observed = observeTypes(model, file);
  } catch (e) {
    // An op the interpreter lacks: the new shapes are unknown, and so are the MACs that need them.
    if (!isMyriadcError(e)) throw e;
    observed = new Map();
  }
  return (v: Value | undefined) => (v ? observed.get(v)?.dims : undefined);
}

/**
 * Statistics of a loaded model. The model is changed in place: shape inference refines its
 * value types, and when a size still depends on constants computed in the graph (a Pad of
 * computed pads), the fix pipeline folds them.
 */
export function modelStatistics(model: Model, dialect: GraphDialect, file: string, inputShapes?: InputShapes): Statistics {
  const { parameters, weightBytesFp16 } = weights(model);
  const layers = model.graph.nodes.filter((n) => n.opType !== "Constant").length;
  const dims = staticDims(model, dialect, file, inputShapes);
  if (!dims)
    return {
      staticShapes: false,
      macs: null,
      macsByOp: {},
      macsUnknown: [],
      parameters,
      weightBytesFp16,
      layers,
      oakEstimate: null,
      perNode: new Map(),
    };
  let macs = countMacs(model.graph, dims);
  if (macs.unknown.length && dialect === "onnx") {
    runPipeline(model, fixPipeline());
    macs = countMacs(model.graph, dims);
  }
  const perNode = new Map<string, number>();
  for (const [n, m] of macs.perNode) if (n.name) perNode.set(n.name, m);
  return {
    staticShapes: true,
    macs: macs.total,
    macsByOp: macs.byOp,
    macsUnknown: macs.unknown.map((n) => n.name || n.describe()),
    parameters,
    weightBytesFp16,
    layers,
    oakEstimate: estimateOakFps(macs.total, parameters) ?? null,
    perNode,
  };
}

/** The JSON-able part (without the per-node map). */
export function statisticsJson(s: Statistics): ModelStatistics {
  const { perNode: _perNode, ...rest } = s;
  return rest;
}
