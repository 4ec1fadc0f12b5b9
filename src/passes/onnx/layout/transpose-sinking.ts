/**
 * Transpose sinking: moves Transposes down past the ops of SINK_RULES so that the pairs a
 * naive NHWC ↔ NCHW translation creates (a Transpose out of one convolution, its inverse
 * into the next) meet and cancel. One sweep in topological order carries a Transpose down a
 * whole chain (the moved Transpose is visited again at its new place), so the pass is linear
 * in the graph. Also: Transpose of a Transpose is composed (and dropped when the identity),
 * and a Transpose that only moves axes of size 1 becomes a Reshape.
 */
import { type Attribute, attr } from "../../../ir/attribute.js";
import type { Graph } from "../../../ir/graph.js";
import type { Model } from "../../../ir/model.js";
import { Node } from "../../../ir/node.js";
import { isStaticShape } from "../../../ir/shape.js";
import { Tensor } from "../../../ir/tensor.js";
import { sortTopologically, topologicalOrder } from "../../../ir/topo.js";
import { tensorType } from "../../../ir/types.js";
import { Value } from "../../../ir/value.js";
import type { Pass, PassResult } from "../../pass.js";
import { constantOf, isOnnxDomain } from "../op-context.js";
import { composePerms, invertPerm, isIdentityPerm, isPermutation, movesOnlyUnitAxes, transposeTensor } from "./perm.js";
import { SINK_RULES, type SinkRule } from "./sink-rules.js";

/** The perm of a Transpose node, when it has an explicit, valid one. */
function permOf(node: Node | undefined): number[] | undefined {
  if (!node || node.opType !== "Transpose" || !isOnnxDomain(node)) return undefined;
  const perm = node.getInts("perm");
  return isPermutation(perm) ? perm : undefined;
}

/** Readers into which a reshape-like Transpose folds. */
const RESHAPING = new Set(["Reshape", "Flatten", "Squeeze", "Unsqueeze"]);

class Sinker {
  changed = false;
  /**
   * Every name in use, gathered on the first fresh name, so fresh names cost O(1) (no graph
   * scan per name) and a graph with nothing to sink (most of them) builds no set at all.
   */
  private usedNames: Set<string> | undefined;

  constructor(private readonly graph: Graph) {}

  private namesInUse(): Set<string> {
    if (!this.usedNames) {
      const used = new Set<string>();
      for (const v of this.graph.values()) used.add(v.name);
      for (const n of this.graph.nodes) used.add(n.name);
      this.usedNames = used;
    }
    return this.usedNames;
  }

  private fresh(base: string): string {
    const used = this.namesInUse();
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  }

  private constant(name: string, t: Tensor): Value {
    const v = new Value(this.fresh(name), tensorType(t.dtype, t.dims));
    t.name = v.name;
    return this.graph.addInitializer(v, t);
  }

  private ints(name: string, values: readonly number[]): Value {
    return this.constant(
      name,
      Tensor.fromArray(
        "int64",
        [values.length],
        BigInt64Array.from(values, (v) => BigInt(v)),
      ),
    );
  }

  /** Transpose(Transpose(x, p), q) → Transpose(x, p∘q), or x when that is the identity. */
  private compose(node: Node, perm: number[]): void {
    const inner = node.inputs[0]?.producer;
    const p = permOf(inner);
    if (!p || p.length !== perm.length) {
      this.asReshape(node, perm);
      return;
    }
    const x = inner!.inputs[0]!;
    const composed = composePerms(p, perm);
    const out = node.outputs[0]!;
    if (isIdentityPerm(composed) && (!out.isGraphOutput() || this.graph.canTakeOverName(x))) {
      // The rename below changes the names in use: fresh names avoid the names from before it.
      this.namesInUse();
      // The node is left without readers; dead-code elimination removes it.
      this.graph.replaceValue(out, x);
    } else {
      node.setAttribute("perm", attr.ints(composed));
      node.setInput(0, x);
    }
    this.changed = true;
  }

  /**
   * A Transpose that moves only unit axes is a Reshape to its (static) output shape; done when
   * its readers are reshapes (which then fuse with it) or it makes a graph output (where it
   * cannot sink further: an NCHW → NHWC output of one channel, a mask or a heatmap, needs no
   * Transpose layer), never where it could still sink.
   */
  private asReshape(node: Node, perm: number[]): void {
    const out = node.outputs[0]!;
    const reshaped = out.uses.length > 0 && out.uses.every((u) => RESHAPING.has(u.node.opType) && u.index === 0);
    if (!(out.isGraphOutput() ? out.uses.length === 0 : reshaped)) return;
    const dims = node.inputs[0]?.shape;
    if (!isStaticShape(dims) || dims.length !== perm.length || !movesOnlyUnitAxes(perm, dims)) return;
    const shape = this.ints(
      `${node.name || "transpose"}/shape`,
      perm.map((p) => dims[p]!),
    );
    node.opType = "Reshape";
    node.attributes.clear();
    node.appendInput(shape);
    this.changed = true;
  }

  /**
   * Moves the Transposes on a node's data inputs to its outputs. Every data input must be a
   * Transpose with one perm P, or a constant (permuted here by P⁻¹ after broadcasting).
   */
  private sink(node: Node, rule: SinkRule): void {
    const data = this.dataInputs(node, rule);
    const perms = data.map((i) => permOf(node.inputs[i]?.producer));
    const perm = perms.find((p) => p);
    if (!perm) return;
    const rank = perm.length;
    const inv = invertPerm(perm);
    const inputs: (Value | undefined)[] = [...node.inputs];
    const extra: [number, Value][] = [];
    for (const [k, i] of data.entries()) {
      const v = node.inputs[i];
      if (!v) continue;
      const p = perms[k];
      if (p) {
        if (p.length !== rank || p.some((x, j) => x !== perm[j])) return;
        inputs[i] = v.producer!.inputs[0];
        continue;
      }
      const t = constantOf(v);
      if (
        !t &&
        rule.kind === "elementwise" &&
        isStaticShape(v.shape) &&
        v.shape.length === rank &&
        v.shape.filter((d) => d !== 1).length <= 1
      ) {
        // A value with at most one non-unit axis transposes for free (a Reshape).
        extra.push([i, v]);
        continue;
      }
      if (!t || rule.kind !== "elementwise" || t.rank > rank) return;
      if (t.size === 1 && t.rank === 0) continue;
      const full = Tensor.fromBytes(t.dtype, [...new Array<number>(rank - t.rank).fill(1), ...t.dims], t.bytes());
      inputs[i] = this.constant(`${v.name}/permuted`, transposeTensor(full, inv));
    }
    // Non-data inputs of elementwise ops (Clip bounds, scales) must be scalars.
    if (rule.kind === "elementwise")
      for (let i = 0; i < node.inputs.length; i++) {
        const v = node.inputs[i];
        if (!v || data.includes(i)) continue;
        const t = constantOf(v);
        if (!t || t.size !== 1) return;
      }
    if (extra.length && extra.length >= perms.filter((p) => p).length) return;
    for (const [i, v] of extra) {
      const t = new Value(this.fresh(`${v.name}/untransposed`));
      this.graph.appendNode(
        new Node({
          opType: "Transpose",
          version: node.version,
          name: this.fresh(`${v.name}/Transpose`),
          inputs: [v],
          outputs: [t],
          attributes: { perm: attr.ints(inv) },
        }),
      );
      inputs[i] = t;
    }
    const attributes = new Map(node.attributes);
    let outPerm = perm;
    switch (rule.kind) {
      case "elementwise":
        break;
      case "axis": {
        if ((node.opType === "Softmax" || node.opType === "LogSoftmax") && (node.version ?? 13) < 13) return;
        const axis = node.getInt("axis", node.opType === "Split" ? 0 : node.opType === "Concat" ? 0 : -1);
        attributes.set("axis", attr.int(perm[axis < 0 ? axis + rank : axis]!));
        break;
      }
      case "reduce": {
        const axesFromInput = node.inputs[1] !== undefined;
        let axes = rule.single ? [node.getInt("axis", 0)] : axesFromInput ? constantOf(node.inputs[1])?.toIntegers() : node.getInts("axes");
        if (!axes) {
          if (axesFromInput || (rule.axesInput && node.getInt("noop_with_empty_axes", 0) === 1)) return;
          axes = Array.from({ length: rank }, (_, i) => i);
        }
        const positive = axes.map((a) => (a < 0 ? a + rank : a));
        const mapped = positive.map((a) => perm[a]!);
        if (rule.single) attributes.set("axis", attr.int(mapped[0]!));
        else if (axesFromInput) inputs[1] = this.ints(`${node.name || node.opType}/axes`, mapped);
        else attributes.set("axes", attr.ints(mapped));
        if (node.getInt("keepdims", 1) === 0) {
          const kept = perm.filter((_, k) => !positive.includes(k));
          const order = [...kept].sort((a, b) => a - b);
          outPerm = kept.map((p) => order.indexOf(p));
        }
        break;
      }
      case "pad": {
        const pads = constantOf(node.inputs[1])?.toIntegers();
        if (!pads || pads.length !== 2 * rank || node.inputs[3]) return;
        const begin = inv.map((k) => pads[k]!);
        const end = inv.map((k) => pads[k + rank]!);
        inputs[1] = this.ints(`${node.name || "pad"}/pads`, [...begin, ...end]);
        break;
      }
      case "slice": {
        const starts = constantOf(node.inputs[1]);
        const axes = node.inputs[3] ? constantOf(node.inputs[3])?.toIntegers() : Array.from({ length: starts?.size ?? 0 }, (_, i) => i);
        if (!axes || !starts) return;
        inputs[3] = this.ints(
          `${node.name || "slice"}/axes`,
          axes.map((a) => perm[a < 0 ? a + rank : a]!),
        );
        break;
      }
    }
    this.rebuild(node, inputs, attributes, outPerm, rule);
  }

  private dataInputs(node: Node, rule: SinkRule): number[] {
    if (rule.kind === "elementwise") return rule.data ? [...rule.data] : node.inputs.map((_, i) => i);
    if (rule.kind === "axis" && rule.allInputsData) return node.inputs.map((_, i) => i);
    return [0];
  }

  /**
   * Re-points the node at the untransposed inputs and puts a Transpose after each of its
   * data outputs; the readers (and graph-output slots) of each output move to the Transpose.
   * Nodes are appended and the graph sorted once at the end, so no step scans the graph.
   */
  private rebuild(node: Node, inputs: (Value | undefined)[], attributes: Map<string, Attribute>, outPerm: number[], rule: SinkRule): void {
    inputs.forEach((v, i) => {
      node.setInput(i, v);
    });
    node.attributes.clear();
    for (const [k, a] of attributes) node.attributes.set(k, a);
    const base = node.name || node.opType;
    node.outputs.forEach((out, k) => {
      if (!out || (k > 0 && !(rule.kind === "axis" && rule.splitOutputs))) return;
      const readers = [...out.uses];
      const t = new Value(this.fresh(`${out.name}/transposed`), out.type);
      const transpose = new Node({
        opType: "Transpose",
        version: node.version,
        name: this.fresh(`${base}/Transpose`),
        inputs: [out],
        outputs: [t],
        attributes: { perm: attr.ints(outPerm) },
      });
      for (const use of readers) use.node.setInput(use.index, t);
      this.graph.appendNode(transpose);
      if (out.isGraphOutput()) {
        const slot = this.graph.outputs.indexOf(out);
        this.graph.setOutput(slot, t);
        const name = out.name;
        this.graph.renameValue(out, this.fresh(`${name}/untransposed`));
        this.graph.renameValue(t, name);
      }
      // The node's own result now has the untransposed shape: shape inference works it out again.
      out.type = tensorType(out.dtype, undefined);
    });
    this.changed = true;
  }

  run(): boolean {
    for (const node of topologicalOrder(this.graph)) {
      if (!node.graph || !isOnnxDomain(node)) continue;
      // Nodes left without readers by an earlier step wait for dead-code elimination.
      if (node.outputs.every((o) => !o || (o.uses.length === 0 && !o.isGraphOutput()))) continue;
      const perm = permOf(node);
      if (perm) {
        this.compose(node, perm);
        continue;
      }
      const rule = SINK_RULES[node.opType];
      if (rule) this.sink(node, rule);
    }
    if (this.changed) sortTopologically(this.graph);
    return this.changed;
  }
}

export function sinkTransposes(model: Model): PassResult {
  return { changed: new Sinker(model.graph).run() };
}

export const transposeSinkingPass: Pass = {
  name: "transpose-sinking",
  run: sinkTransposes,
};
