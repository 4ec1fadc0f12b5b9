/**
 * Common-subexpression elimination: two nodes of the same op, domain, attributes and inputs
 * compute the same thing, so the later one's readers move to the earlier one. Identical
 * constants (same dtype, shape and bytes) are merged first so that equal subexpressions over
 * equal weights are found too. Random ops and nodes with subgraphs are never merged. A
 * whole-graph analysis rather than a rewrite rule: two nodes are equal only by comparison
 * with every node before them.
 */

import { OPENVINO_DOMAIN } from "../../frontends/openvino/to-graph.js";
import { type Attribute, isAttributeRef } from "../../ir/attribute.js";
import type { Graph } from "../../ir/graph.js";
import type { Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import type { Tensor } from "../../ir/tensor.js";
import { nextValueStamp, type Value } from "../../ir/value.js";
import { onnxOp } from "../../ops/onnx/registry.js";
import { ContentIds } from "../../util/content-ids.js";
import type { Pass, PassResult } from "../pass.js";

const NEVER_MERGE = new Set(["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"]);

/**
 * An op we know nothing about (a custom op, a TFLite op left untranslated) may keep state or
 * have side effects, and merging two of them would also hide one from lint, so it is never merged.
 */
function mergeable(node: Node): boolean {
  if (NEVER_MERGE.has(node.opType) || node.subgraphs().length > 0) return false;
  // OpenVINO-dialect ops are pure functions of their inputs.
  return node.domain === OPENVINO_DOMAIN || onnxOp(node.opType, node.domain) !== undefined;
}

function attributeKey(a: Attribute, contents: ContentIds): string {
  if (isAttributeRef(a)) return `ref:${a.ref}`;
  switch (a.type) {
    case "int":
      return `i:${a.value}`;
    case "ints":
      return `is:${a.value.join(",")}`;
    case "float":
      return `f:${Object.is(a.value, -0) ? "-0" : a.value}`;
    case "floats":
      return `fs:${a.value.join(",")}`;
    case "string":
      return `s:${JSON.stringify(a.value)}`;
    case "strings":
      return `ss:${JSON.stringify(a.value)}`;
    case "tensor":
      return `t:${a.value.dtype}:${a.value.dims.join(",")}:${tensorDigest(a.value, contents)}`;
    default:
      return `${a.type}:unique:${Math.random()}`; // graphs etc.: never equal
  }
}

/** The content id of a tensor's bytes (its strings' JSON for a string tensor). */
function tensorDigest(t: Tensor, contents: ContentIds): number {
  // Weights still in the model file are compared there, not read into memory.
  return contents.id(t.dtype === "string" ? new TextEncoder().encode(JSON.stringify(t.strings())) : (t.deferred ?? t.bytes()));
}

/** Merges initializers with identical content (not graph inputs: those may be overridden). */
function mergeConstants(graph: Graph, contents: ContentIds): boolean {
  let changed = false;
  // Group by dtype and shape first; content is hashed only where two constants could be equal.
  const groups = new Map<string, Value[]>();
  for (const v of graph.initializers.values()) {
    const t = v.initializer;
    if (!t || v.isGraphInput() || v.isGraphOutput()) continue;
    const key = `${t.dtype}|${t.dims.join(",")}`;
    const list = groups.get(key);
    if (list) list.push(v);
    else groups.set(key, [v]);
  }
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    const seen = new Map<number, Value>();
    for (const v of list) {
      const digest = tensorDigest(v.initializer!, contents);
      const first = seen.get(digest);
      if (!first) {
        seen.set(digest, v);
        continue;
      }
      v.replaceAllUsesWith(first);
      graph.removeInitializer(v);
      changed = true;
    }
  }
  return changed;
}

/** FNV-1a step over a number's low 32 bits. */
function mix(h: number, x: number): number {
  return Math.imul(h ^ x, 0x01000193);
}

function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return mix(h, s.length);
}

/** A node's attributes as `name=key` in name order (code-unit order: localeCompare would load ICU's collator for nothing). */
function attributeKeys(node: Node, contents: ContentIds): string[] {
  return [...node.attributeMap].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, a]) => `${k}=${attributeKey(a, contents)}`);
}

/**
 * What two nodes must share to be merged: op, domain, version, output count, the same input
 * values (a value of an enclosing graph by name) and equal attributes. Candidates are found
 * by a numeric hash of the same, then compared, so no per-node key string is built.
 */
class NodeTable {
  /**
   * Local values (inputs, initializers, outputs of nodes kept) get a stamp of this run: at
   * least `first`. A value of an enclosing graph has an older one (its table started first),
   * and values of nested graphs, stamped in between, are never read here.
   */
  private readonly first = nextValueStamp();
  private readonly byHash = new Map<number, Node | Node[]>();
  /** Attribute keys of the nodes in the table that have attributes. */
  private readonly attributes = new Map<Node, string[]>();

  constructor(private readonly contents: ContentIds) {}

  define(v: Value): void {
    v.stamp = nextValueStamp();
  }

  private isLocal(v: Value): boolean {
    return v.stamp >= this.first;
  }

  private inputHash(h: number, v: Value | undefined): number {
    if (!v) return mix(h, 0x2d);
    return this.isLocal(v) ? mix(mix(h, 0x69), v.stamp) : mixString(mix(h, 0x6f), v.name);
  }

  private sameInput(a: Value | undefined, b: Value | undefined): boolean {
    if (a === b) return true;
    if (!a || !b) return false;
    // Values of enclosing graphs compare by name; local ones by identity.
    return !this.isLocal(a) && !this.isLocal(b) && a.name === b.name;
  }

  private hash(node: Node, attrs: readonly string[] | undefined): number {
    let h = mixString(mixString(0x811c9dc5, node.domain), node.opType);
    h = mix(mix(h, node.version ?? -1), node.outputs.length);
    const inputs = node.inputs;
    h = mix(h, inputs.length);
    for (const v of inputs) h = this.inputHash(h, v);
    if (attrs) for (const a of attrs) h = mixString(h, a);
    return h >>> 0;
  }

  private same(a: Node, b: Node, attrs: readonly string[] | undefined): boolean {
    if (a.opType !== b.opType || a.domain !== b.domain || a.version !== b.version) return false;
    if (a.outputs.length !== b.outputs.length || a.inputs.length !== b.inputs.length) return false;
    const ai = a.inputs;
    const bi = b.inputs;
    for (let i = 0; i < ai.length; i++) if (!this.sameInput(ai[i], bi[i])) return false;
    const other = this.attributes.get(a);
    if (!attrs || !other) return !attrs && !other;
    return attrs.length === other.length && attrs.every((k, i) => k === other[i]);
  }

  /** The earlier equal node; when there is none, `node` is recorded as the first of its kind. */
  matchOrAdd(node: Node): Node | undefined {
    const attrs = node.attributeMap.size ? attributeKeys(node, this.contents) : undefined;
    const h = this.hash(node, attrs);
    const entry = this.byHash.get(h);
    if (entry === undefined) this.byHash.set(h, node);
    else {
      const list = Array.isArray(entry) ? entry : [entry];
      for (const first of list) if (this.same(first, node, attrs)) return first;
      if (Array.isArray(entry)) entry.push(node);
      else this.byHash.set(h, [entry, node]);
    }
    if (attrs) this.attributes.set(node, attrs);
    return undefined;
  }
}

export function eliminateCommonSubexpressions(graph: Graph, contents = new ContentIds()): boolean {
  let changed = mergeConstants(graph, contents);
  const table = new NodeTable(contents);
  for (const v of graph.inputs) table.define(v);
  for (const v of graph.initializers.values()) table.define(v);
  // graph.nodes is a snapshot: removing nodes while walking it is safe.
  for (const node of graph.nodes) {
    for (const sg of node.subgraphs()) changed = eliminateCommonSubexpressions(sg, contents) || changed;
    const first = mergeable(node) ? table.matchOrAdd(node) : undefined;
    if (first && node.outputs.every((v) => !v || !v.isGraphOutput())) {
      node.outputs.forEach((v, i) => {
        const keep = first.outputs[i];
        if (v && keep) v.replaceAllUsesWith(keep);
      });
      if (node.outputs.every((v) => !v || v.uses.length === 0)) graph.removeNode(node);
      changed = true;
      continue;
    }
    for (const v of node.outputs) if (v) table.define(v);
  }
  return changed;
}

export const csePass: Pass = {
  name: "cse",
  run(model: Model): PassResult {
    return { changed: eliminateCommonSubexpressions(model.graph) };
  },
};
