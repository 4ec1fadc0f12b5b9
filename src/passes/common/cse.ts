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
import type { Value } from "../../ir/value.js";
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
function tensorDigest(t: { dtype: string; bytes(): Uint8Array; strings(): string[] }, contents: ContentIds): number {
  return contents.id(t.dtype === "string" ? new TextEncoder().encode(JSON.stringify(t.strings())) : t.bytes());
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

function nodeKey(node: Node, ids: Map<Value, number>, contents: ContentIds): string | undefined {
  if (!mergeable(node)) return undefined;
  const inputs = node.inputs.map((v) => (v ? (ids.get(v) ?? `outer:${v.name}`) : "-")).join(",");
  // Names in code-unit order (localeCompare would load ICU's collator, ~8 ms, for an order
  // nothing depends on but this key).
  const attrs =
    node.attributes.size === 0
      ? ""
      : [...node.attributes]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, a]) => `${k}=${attributeKey(a, contents)}`)
          .join(";");
  return `${node.domain}|${node.opType}|${node.version}|${node.outputs.length}|${inputs}|${attrs}`;
}

export function eliminateCommonSubexpressions(graph: Graph, contents = new ContentIds()): boolean {
  let changed = mergeConstants(graph, contents);
  const ids = new Map<Value, number>();
  let next = 0;
  for (const v of graph.inputs) ids.set(v, next++);
  for (const v of graph.initializers.values()) ids.set(v, next++);
  const seen = new Map<string, Node>();
  for (const node of [...graph.nodes]) {
    for (const sg of node.subgraphs()) changed = eliminateCommonSubexpressions(sg, contents) || changed;
    const key = nodeKey(node, ids, contents);
    const first = key === undefined ? undefined : seen.get(key);
    if (key !== undefined && first && node.outputs.every((v) => !v || !v.isGraphOutput())) {
      node.outputs.forEach((v, i) => {
        const keep = first.outputs[i];
        if (v && keep) v.replaceAllUsesWith(keep);
      });
      if (node.outputs.every((v) => !v || v.uses.length === 0)) graph.removeNode(node);
      changed = true;
      continue;
    }
    if (key !== undefined && !first) seen.set(key, node);
    for (const v of node.outputs) if (v) ids.set(v, next++);
  }
  return changed;
}

export const csePass: Pass = {
  name: "cse",
  run(model: Model): PassResult {
    return { changed: eliminateCommonSubexpressions(model.graph) };
  },
};
