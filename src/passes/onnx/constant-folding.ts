/**
 * Constant folding with our own kernels (src/ops/onnx): a node whose inputs are all
 * constants is computed now and replaced by initializers, one per output, so multi-output
 * ops fold whole (Split in both its forms, TopK, Unique, DynamicQuantizeLinear, …: tf2onnx
 * computes Pad's pads with a Split of a constant). `Shape`/`Size` fold from static input
 * shapes, which is what collapses `Shape → Gather → Unsqueeze → Concat → Reshape` chains
 * once shapes are known. `Constant` nodes become initializers.
 *
 * Size guards: ops that expand data (ConstantOfShape, Expand, Tile, Range) fold only when the
 * result is at most `expandLimitBytes` (default 1 MiB); anything else only up to
 * `maxBytes` (default 64 MiB). Nodes with subgraphs, random ops and graph outputs are left
 * alone (a graph output keeps its producing node so the interface is unchanged).
 */

import { dtypeInfo } from "../../ir/dtype.js";
import type { Graph } from "../../ir/graph.js";
import type { Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import { isStaticShape, shapeSize } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import { tensorType } from "../../ir/types.js";
import { Value } from "../../ir/value.js";
import { type NdArray, ndFromTensor, ndToTensor } from "../../ops/ndarray.js";
import { onnxOp } from "../../ops/onnx/registry.js";
import { maxTensorBytes, tensorBytes } from "../../util/limits.js";
import type { Pass, PassResult } from "../pass.js";
import { constantOf, isOnnxDomain } from "./op-context.js";

export interface FoldOptions {
  /** Largest result an expanding op may fold to, in bytes. */
  expandLimitBytes?: number;
  /** Largest result any op may fold to, in bytes. */
  maxBytes?: number;
}

const EXPANDING = new Set(["ConstantOfShape", "Expand", "Tile", "Range"]);
/** Ops whose result size comes from their input values (not their input sizes): folded only with a known output shape. */
const SIZED_BY_VALUES = new Set([...EXPANDING, "Resize", "Upsample", "Pad", "OneHot", "EyeLike", "CenterCropPad"]);
const NEVER_FOLD = new Set([
  "RandomNormal",
  "RandomUniform",
  "RandomNormalLike",
  "RandomUniformLike",
  "Multinomial",
  "Bernoulli",
  "Dropout",
]);

export interface FoldStats {
  folded: number;
  bytes: number;
}

/** Replaces a node's outputs with initializers holding `results`, then removes the node. */
function replaceWithConstants(graph: Graph, node: Node, results: readonly Tensor[]): void {
  const replacements: [Value, Tensor][] = [];
  node.outputs.forEach((out, i) => {
    if (!out) return;
    const t = results[i]!;
    // The constant keeps the output's name, so value_info and later references stay valid.
    const c = new Value(out.name, tensorType(t.dtype, t.dims));
    c.docString = out.docString;
    t.name = out.name;
    out.replaceAllUsesWith(c);
    replacements.push([c, t]);
  });
  graph.removeNode(node, { force: true });
  for (const [c, t] of replacements) graph.addInitializer(c, t);
}

function shapeFold(node: Node): Tensor | undefined {
  const s = node.inputs[0]?.shape;
  if (!isStaticShape(s)) return undefined;
  if (node.opType === "Size") return Tensor.fromArray("int64", [], BigInt64Array.of(BigInt(shapeSize(s))));
  const rank = s.length;
  const clamp = (v: number) => Math.max(0, Math.min(rank, v < 0 ? v + rank : v));
  const start = clamp(node.getInt("start", 0));
  const end = clamp(node.getInt("end", rank));
  const dims = s.slice(start, Math.max(start, end));
  return Tensor.fromArray(
    "int64",
    [dims.length],
    BigInt64Array.from(dims, (d) => BigInt(d)),
  );
}

function foldGraph(model: Model, graph: Graph, options: Required<FoldOptions>, stats: FoldStats, notes: string[]): boolean {
  let changed = false;
  for (const node of [...graph.nodes]) {
    if (!node.graph) continue;
    for (const sg of node.subgraphs()) changed = foldGraph(model, sg, options, stats, notes) || changed;
    if (!isOnnxDomain(node) || NEVER_FOLD.has(node.opType) || node.subgraphs().length > 0) continue;
    if (node.outputs.some((o) => o && graph.outputs.includes(o))) continue;
    if (node.outputs.every((o) => !o || o.uses.length === 0)) continue; // dead: left to dead-code
    let results: Tensor[] | undefined;
    if (node.opType === "Shape" || node.opType === "Size") {
      const t = shapeFold(node);
      if (t) results = [t];
    } else {
      const def = onnxOp(node.opType);
      if (!def?.fold) continue;
      const present = node.inputs.filter((v) => v !== undefined);
      if (present.some((v) => !constantOf(v))) continue;
      // Guard before computing: the inferred output size must be known and within limits.
      // Never above the per-tensor limit (src/util/limits.ts), whatever the fold limits say.
      const limit = Math.min(EXPANDING.has(node.opType) ? options.expandLimitBytes : options.maxBytes, maxTensorBytes());
      const tooBig = node.outputs.some((o) => {
        if (!o) return false;
        const s = o.shape;
        const d = o.dtype;
        if (!isStaticShape(s) || !d || d === "string") return SIZED_BY_VALUES.has(node.opType);
        return tensorBytes(d, s) > limit;
      });
      if (tooBig) {
        notes.push(`${node.describe()} not folded: its result would exceed ${limit} bytes (raise the fold limit to allow it)`);
        continue;
      }
      if (node.inputs.some((v) => v && (v.dtype === "string" || dtypeInfo(constantOf(v)!.dtype).kind === "complex"))) continue;
      try {
        const nd = node.inputs.map((v) => (v ? ndFromTensor(constantOf(v)!) : undefined));
        const out: NdArray[] = def.fold(nd, { node, opset: node.version ?? model.opsetVersion("") ?? 1 });
        results = out.map((a) => ndToTensor(a));
      } catch (e) {
        notes.push(`${node.describe()} not folded: ${(e as Error).message}`);
        continue;
      }
      if (results.some((t) => t.byteLength > limit)) {
        notes.push(`${node.describe()} not folded: its result would exceed ${limit} bytes`);
        continue;
      }
    }
    if (!results) continue;
    stats.folded++;
    stats.bytes += results.reduce((n, t) => n + t.byteLength, 0);
    replaceWithConstants(graph, node, results);
    changed = true;
  }
  return changed;
}

export function foldConstants(model: Model, options: FoldOptions = {}): PassResult & { stats: FoldStats } {
  const opts = { expandLimitBytes: options.expandLimitBytes ?? 1 << 20, maxBytes: options.maxBytes ?? 64 << 20 };
  const stats = { folded: 0, bytes: 0 };
  const notes: string[] = [];
  const changed = foldGraph(model, model.graph, opts, stats, notes);
  return { changed, notes, stats };
}

export function constantFoldingPass(options: FoldOptions = {}): Pass {
  return {
    name: "constant-folding",
    run: (model) => foldConstants(model, options),
  };
}
