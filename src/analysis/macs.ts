/**
 * Multiply-accumulate counts per node, from static shapes. One table, keyed by the op type of
 * either dialect (ONNX ops after shape inference; OpenVINO layers with their port shapes):
 * each entry says how the op's MACs follow from its input and output shapes.
 *
 * The convention is the one torchvision, fvcore and the YOLO projects publish: a MAC is one
 * multiply-add of a convolution, a matrix product or a recurrent cell's gate products. Bias
 * additions, activations, normalization, pooling and element-wise ops count 0 — they are
 * memory-bound and small next to the products, and published figures leave them out too.
 */
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";

type Dims = readonly number[];

/** The static dims of a value, or undefined when any is unknown. */
export type DimsOf = (v: Value | undefined) => Dims | undefined;

/** What a formula sees: the node (for attributes) and the dims of its inputs and outputs. */
interface Shapes {
  node: Node;
  input(i: number): Dims | undefined;
  output(i: number): Dims | undefined;
}

type MacFormula = (s: Shapes) => number | undefined;

const product = (d: Dims, from = 0, to = d.length): number => {
  let p = 1;
  for (let i = from; i < to; i++) p *= d[i]!;
  return p;
};

/**
 * Convolution: every output element sums over the weight's dims after the first `skip`
 * (ONNX Conv and OpenVINO Convolution [Cout, Cin/g, k…]: skip 1; GroupConvolution
 * [G, Cout/G, Cin/G, k…]: skip 2).
 */
const convolution =
  (skip: number): MacFormula =>
  (s) => {
    const out = s.output(0);
    const w = s.input(1);
    return out && w && w.length > skip ? product(out) * product(w, skip) : undefined;
  };

/**
 * Transposed convolution: every *input* element is spread over the weight's dims after the
 * first `skip` (ONNX ConvTranspose and ConvolutionBackpropData [Cin, Cout/g, k…]: skip 1;
 * GroupConvolutionBackpropData [G, Cin/G, Cout/G, k…]: skip 2).
 */
const transposedConvolution =
  (skip: number): MacFormula =>
  (s) => {
    const x = s.input(0);
    const w = s.input(1);
    return x && w && w.length > skip ? product(x) * product(w, skip) : undefined;
  };

/** A matrix product: output elements × the reduced length K, read from input A. */
const matmul =
  (kOfA: (a: Dims, node: Node) => number | undefined): MacFormula =>
  (s) => {
    const a = s.input(0);
    const out = s.output(0);
    if (!a || !out) return undefined;
    const k = kOfA(a, s.node);
    return k === undefined ? undefined : product(out) * k;
  };

/** ONNX MatMul (numpy semantics): K is A's last dim. */
const onnxMatmulK = (a: Dims): number | undefined => a.at(-1);
/** Gemm: K is A's second dim, or its first with transA. */
const gemmK = (a: Dims, node: Node): number | undefined => (node.getInt("transA", 0) ? a[0] : a[1]);
/** OpenVINO MatMul: K is A's last dim, or the one before with transpose_a (1-D A has only one). */
const openvinoMatmulK = (a: Dims, node: Node): number | undefined =>
  a.length >= 2 && node.getString("transpose_a", "false") === "true" ? a.at(-2) : a.at(-1);

/**
 * Recurrent layers: per time step and batch row, the gate products W·x and R·h, i.e. the
 * element counts of W [dirs, gates·H, in] and R [dirs, gates·H, H]. X is [seq, batch, in]
 * (ONNX, layout 0) or [batch, seq, in] (ONNX layout 1, OpenVINO *Sequence): either way the
 * first two dims multiply to steps × rows.
 */
const recurrent =
  (w: number, r: number): MacFormula =>
  (s) => {
    const x = s.input(0);
    const wd = s.input(w);
    const rd = s.input(r);
    return x && wd && rd && x.length === 3 ? x[0]! * x[1]! * (product(wd) + product(rd)) : undefined;
  };

/** Op type → formula. Ops not listed count 0 MACs. */
export const MAC_FORMULAS: ReadonlyMap<string, MacFormula> = new Map([
  // ONNX
  ["Conv", convolution(1)],
  ["ConvInteger", convolution(1)],
  ["QLinearConv", (s: Shapes) => convolution(1)({ ...s, input: (i) => s.input(i === 1 ? 3 : i) })],
  ["ConvTranspose", transposedConvolution(1)],
  ["MatMul", matmul(onnxMatmulK)],
  ["MatMulInteger", matmul(onnxMatmulK)],
  ["QLinearMatMul", matmul(onnxMatmulK)],
  ["Gemm", matmul(gemmK)],
  ["LSTM", recurrent(1, 2)],
  ["GRU", recurrent(1, 2)],
  ["RNN", recurrent(1, 2)],
  // OpenVINO (port shapes of the IR, or observed by the interpreter)
  ["Convolution", convolution(1)],
  ["GroupConvolution", convolution(2)],
  ["ConvolutionBackpropData", transposedConvolution(1)],
  ["GroupConvolutionBackpropData", transposedConvolution(2)],
  ["LSTMSequence", recurrent(4, 5)],
  ["GRUSequence", recurrent(3, 4)],
  ["RNNSequence", recurrent(3, 4)],
]);

/** OpenVINO's MatMul shares its name with ONNX's but not its attributes. */
const OPENVINO_FORMULAS: ReadonlyMap<string, MacFormula> = new Map([["MatMul", matmul(openvinoMatmulK)]]);

export interface MacCount {
  total: number;
  /** Op type → MACs, largest first; only ops that have a formula and counted something. */
  byOp: Record<string, number>;
  /** MACs of each node that has a formula and known shapes. */
  perNode: Map<Node, number>;
  /** Nodes with a formula whose shapes are not static (their MACs are missing from the total). */
  unknown: Node[];
}

/** The static dims a value's own type declares (ONNX after shape inference; IR ports). */
export const declaredDims: DimsOf = (v) => {
  const s = v?.shape;
  return s && s.every((d): d is number => typeof d === "number") ? s : undefined;
};

export function formulaFor(node: Node): MacFormula | undefined {
  return (node.domain === "openvino" ? OPENVINO_FORMULAS.get(node.opType) : undefined) ?? MAC_FORMULAS.get(node.opType);
}

/** MACs of the top-level graph's nodes. */
export function countMacs(graph: Graph, dimsOf: DimsOf = declaredDims): MacCount {
  const byOp = new Map<string, number>();
  const perNode = new Map<Node, number>();
  const unknown: Node[] = [];
  let total = 0;
  for (const node of graph.nodes) {
    const formula = formulaFor(node);
    if (!formula) continue;
    const macs = formula({ node, input: (i) => dimsOf(node.inputs[i]), output: (i) => dimsOf(node.outputs[i]) });
    if (macs === undefined || !Number.isFinite(macs)) {
      unknown.push(node);
      continue;
    }
    perNode.set(node, macs);
    total += macs;
    byOp.set(node.opType, (byOp.get(node.opType) ?? 0) + macs);
  }
  const sorted = [...byOp].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { total, byOp: Object.fromEntries(sorted), perNode, unknown };
}
