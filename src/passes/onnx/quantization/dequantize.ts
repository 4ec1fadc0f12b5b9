/**
 * `--dequantize`: a QDQ model (ONNX QDQ, or a quantized TFLite model translated to QDQ) run in
 * float. Every activation QuantizeLinear → DequantizeLinear pair loses its rounding: readers of
 * the dequantized value read the float value before quantization, clamped to the pair's range
 * (one Clip) when its parameters are constants, and constant weights are dequantized into
 * float constants. Quantization at the graph's integer inputs and outputs
 * stays (the model still takes and gives its integers). Faster on MYRIAD (no rounding
 * arithmetic between layers); outputs differ from the quantized model's by about its
 * quantization noise, so the summary says so.
 */
import { attr } from "../../../ir/attribute.js";
import type { Graph } from "../../../ir/graph.js";
import type { Model } from "../../../ir/model.js";
import { Node } from "../../../ir/node.js";
import { Tensor } from "../../../ir/tensor.js";
import { tensorType } from "../../../ir/types.js";
import { Value } from "../../../ir/value.js";
import type { Pass, PassResult } from "../../pass.js";
import { constantOf, isOnnxDomain } from "../op-context.js";
import { activationPairs, foldConstantDequantize, QUANTIZED_RANGE, quantizedType } from "./qdq.js";

export interface DequantizeReport {
  /** Activation quantize/dequantize pairs removed. */
  pairs: number;
  /** Constant weights dequantized into float constants. */
  weights: number;
}

/** The two inputs of v's producer when it is an ONNX `opType` node. */
function operands(v: Value | undefined, opType: string): [Value | undefined, Value | undefined] | undefined {
  const n = v?.producer;
  return n && n.opType === opType && isOnnxDomain(n) ? [n.inputs[0], n.inputs[1]] : undefined;
}

/**
 * The readers of v (the pair's result) that compute a normalized round trip (v − z)·s of
 * u = x/s + z (or v·s of u = x/s, u the pair's input), and x: without the rounding between,
 * each of them is x. This is how the TFLite frontend writes the run-time input quantization of
 * hybrid kernels.
 */
function roundTrips(u: Value, v: Value): { x: Value; outs: Value[] } | undefined {
  const add = operands(u, "Add");
  const scaled = operands(add ? add[0] : u, "Div");
  if (!scaled?.[0]) return undefined;
  const [x, s] = scaled;
  const z = add?.[1];
  const outs: Value[] = [];
  for (const use of v.uses) {
    let y = use.node;
    if (z) {
      if (y.opType !== "Sub" || y.inputs[0] !== v || y.inputs[1] !== z) return undefined;
      const next = y.outputs[0]?.uses;
      if (next?.length !== 1) return undefined;
      y = next[0]!.node;
    }
    if (y.opType !== "Mul" || !y.inputs.includes(s) || !y.outputs[0]) return undefined;
    outs.push(y.outputs[0]);
  }
  return { x: x!, outs };
}

/** The saturation bounds (qmin − zp)·s and (qmax − zp)·s of a per-tensor pair with constant parameters. */
function saturation(q: Node): [number, number] | undefined {
  const s = constantOf(q.inputs[1]);
  const zp = constantOf(q.inputs[2]);
  if (!s || s.size !== 1 || (q.inputs[2] && (!zp || zp.size !== 1))) return undefined;
  const range = QUANTIZED_RANGE[quantizedType(q)]!;
  const scale = s.toFloat32()[0]!;
  const z = zp ? zp.toFloat32()[0]! : 0;
  const bounds = [(range[0] - z) * scale, (range[1] - z) * scale];
  return [Math.min(...bounds), Math.max(...bounds)];
}

/**
 * x clamped to the pair's range: removing the rounding keeps the saturation, which QDQ models
 * rely on (onnxruntime's quantizer drops a Relu whose output range starts at 0).
 */
function clamped(graph: Graph, q: Node, x: Value, [lo, hi]: [number, number]): Value {
  const dtype = q.inputs[1]?.dtype === "float16" ? "float16" : "float32";
  const bound = (v: number) => {
    const t = Tensor.fromArray("float32", [], Float32Array.of(v));
    const c = graph.addInitializer(new Value(graph.uniqueName(`${q.name || "qdq"}/bound`), tensorType("float32", [])), t);
    t.name = c.name;
    if (dtype === "float32") return c;
    const h = new Value(graph.uniqueName(`${c.name}/fp16`));
    graph.insertAfter(q, new Node({ opType: "Cast", version: q.version, inputs: [c], outputs: [h], attributes: { to: attr.int(10) } }));
    return h;
  };
  const out = new Value(graph.uniqueName(`${q.name || "qdq"}/saturate`));
  const version = q.version ?? 13;
  const node =
    version >= 11
      ? new Node({ opType: "Clip", version, inputs: [x, bound(lo), bound(hi)], outputs: [out] })
      : new Node({ opType: "Clip", version, inputs: [x], outputs: [out], attributes: { min: attr.float(lo), max: attr.float(hi) } });
  node.name = graph.uniqueNodeName(`${q.name || "qdq"}/saturate`);
  graph.insertAfter(q, node);
  return out;
}

function removePairs(graph: Graph): number {
  let removed = 0;
  const replacement = new Map<Node, Value>();
  for (const { quantize, dequantize } of activationPairs(graph)) {
    const x = quantize.inputs[0]!;
    const y = dequantize.outputs[0];
    if (!y) continue;
    let r = replacement.get(quantize);
    if (!r) {
      const bounds = roundTrips(x, y) ? undefined : saturation(quantize);
      r = bounds ? clamped(graph, quantize, x, bounds) : x;
      replacement.set(quantize, r);
    }
    // A graph output keeps its name: the float value takes it over when it can.
    if (y.isGraphOutput() && !graph.canTakeOverName(r)) continue;
    const trips = r === x ? roundTrips(x, y) : undefined;
    graph.replaceValue(y, r);
    graph.removeNode(dequantize, { force: true });
    const q = quantize.outputs[0];
    if (q && q.uses.length === 0 && !q.isGraphOutput()) graph.removeNode(quantize);
    for (const out of trips?.outs ?? []) if (!out.isGraphOutput() || graph.canTakeOverName(trips!.x)) graph.replaceValue(out, trips!.x);
    removed++;
  }
  return removed;
}

/** Removes the activation pairs and folds the weights of a graph and of its subgraphs. */
export function dequantizeGraph(graph: Graph): DequantizeReport {
  const report: DequantizeReport = { pairs: 0, weights: 0 };
  for (const node of graph.nodes)
    for (const sg of node.subgraphs()) {
      const inner = dequantizeGraph(sg);
      report.pairs += inner.pairs;
      report.weights += inner.weights;
    }
  report.pairs += removePairs(graph);
  report.weights += foldConstantDequantize(graph);
  return report;
}

export const dequantizePass: Pass = {
  name: "dequantize",
  reachesFixedPoint: true,
  run(model: Model): PassResult {
    const { pairs, weights } = dequantizeGraph(model.graph);
    if (pairs === 0 && weights === 0) return { changed: false };
    return {
      changed: true,
      notes: [
        `removed ${pairs} activation quantize/dequantize pair${pairs === 1 ? "" : "s"} and dequantized ${weights} weight tensor${weights === 1 ? "" : "s"}: ` +
          "outputs may differ slightly from the quantized model's",
      ],
    };
  },
};
