/**
 * ONNX model → OpenVINO-dialect model, rule by rule (onnx-rules.ts). The input should have
 * been through `fix` (static shapes, folded constants) so that rules can rely on shapes.
 * Graph inputs and outputs keep their names; every node that cannot be lowered is reported
 * with its op and the reason, and then nothing is returned.
 */
import { Graph } from "../ir/graph.js";
import { Model, normalizeDomain } from "../ir/model.js";
import { Node } from "../ir/node.js";
import { topologicalOrder } from "../ir/topo.js";
import { Value } from "../ir/value.js";
import { MyriadcError } from "../util/errors.js";
import { uncomputableReason } from "../validate/computable.js";
import { LowerContext, LoweringError, OPENVINO } from "./context.js";
import { ONNX_LOWERING } from "./onnx-rules.js";
import type { LoweringRule } from "./rule-helpers.js";

/**
 * An OpenVINO-dialect node (from an IR, or emitted directly by a frontend) is already
 * lowered: it is copied with its inputs re-pointed, so graphs may mix both dialects.
 */
const keepOpenvinoNode: LoweringRule = (c) => {
  const n = c.node;
  const outs = n.outputs.map((v) => (v ? new Value(c.graph.uniqueName(v.name), v.type) : undefined));
  const attributes = new Map(n.attributes);
  c.graph.appendNode(
    new Node({
      opType: n.opType,
      domain: OPENVINO,
      version: n.version,
      name: c.graph.uniqueNodeName(n.name || n.opType),
      inputs: c.inputs,
      outputs: outs,
      attributes,
    }),
  );
  return outs;
};

/**
 * The lowering rules of each dialect a frontend may produce, by node domain ("" is ONNX's
 * default domain; "ai.onnx" is normalized to it).
 */
const DIALECT_LOWERING: Readonly<Record<string, (opType: string) => LoweringRule | undefined>> = {
  "": (opType) => ONNX_LOWERING[opType],
  [OPENVINO]: () => keepOpenvinoNode,
};

export interface LoweringFailure {
  node: string;
  op: string;
  reason: string;
}

export interface LowerOptions {
  /** Filled with, for every lowered node (by name), the names of the OpenVINO nodes its rule created (the report's lowering trace). */
  trace?: Map<string, string[]>;
}

export function lowerToOpenvino(model: Model, options: LowerOptions = {}): { model: Model; failures: LoweringFailure[] } {
  const src = model.graph;
  const g = new Graph(src.name);
  const map = new Map<Value, Value | undefined>();
  for (const v of src.inputs) {
    if (v.isInitializer) continue;
    const nv = g.addInput(new Value(v.name, v.type));
    map.set(v, nv);
  }
  for (const v of src.initializers.values()) {
    if (!v.initializer) continue;
    map.set(v, g.addInitializer(new Value(v.name, v.type), v.initializer));
  }
  const failures: LoweringFailure[] = [];
  const opset = model.opsetVersion("") ?? 13;
  for (const node of topologicalOrder(src)) {
    const fail = (reason: string) => failures.push({ node: node.name, op: node.qualifiedType, reason });
    const dialect = DIALECT_LOWERING[normalizeDomain(node.domain)];
    if (!dialect) {
      // A frontend that could not translate an op says why and what to do in the doc string.
      if (node.docString) fail(node.docString);
      else
        fail(
          `ops of domain ${JSON.stringify(node.domain)} cannot be lowered (known: ${Object.keys(DIALECT_LOWERING)
            .map((d) => JSON.stringify(d || "ai.onnx"))
            .join(", ")})`,
        );
      continue;
    }
    const untyped = uncomputableReason(node);
    if (untyped) {
      fail(untyped);
      continue;
    }
    const rule = dialect(node.opType);
    if (!rule) {
      fail(`${node.opType} has no OpenVINO lowering here`);
      continue;
    }
    if (node.inputs.some((v) => v && !map.has(v))) continue; // an earlier failure feeds it
    const ctx = new LowerContext(
      g,
      node,
      node.inputs.map((v) => (v ? map.get(v) : undefined)),
      node.inputs,
      node.version ?? opset,
    );
    let outs: (Value | undefined)[];
    // Where this rule's nodes start (a g.nodes snapshot per node would make lowering quadratic).
    const before = g.last;
    try {
      outs = rule(ctx);
    } catch (e) {
      if (!(e instanceof LoweringError)) throw e;
      fail(e.message);
      continue;
    }
    const missing = node.outputs.findIndex((v, i) => v && !outs[i] && (v.uses.length > 0 || v.isGraphOutput()));
    if (missing >= 0) {
      fail(`its output ${missing} (${node.outputs[missing]!.name}) is used but has no OpenVINO equivalent here`);
      continue;
    }
    node.outputs.forEach((v, i) => {
      if (v) map.set(v, outs[i]);
    });
    nameResults(g, node, outs);
    if (options.trace && node.name) {
      const created: string[] = [];
      for (let n = before ? g.nextNode(before) : g.first; n; n = g.nextNode(n)) created.push(n.name);
      options.trace.set(node.name, created);
    }
  }
  if (failures.length) return { model, failures };
  for (const v of src.outputs) {
    const nv = map.get(v);
    if (!nv) throw new Error(`output ${v.name} was not lowered`);
    // The output keeps its ONNX name (what users address); an input passed straight through keeps its own.
    if (nv.name !== v.name && nv.producer && !g.value(v.name)) g.renameValue(nv, v.name);
    if (!nv.type) nv.type = v.type;
    g.addOutput(nv);
  }
  const out = new Model(g, { irVersion: 11, opsetImports: new Map([[OPENVINO, 10]]), producerName: "myriadc" });
  return { model: out, failures };
}

/** Gives a rule's final values the ONNX output names where they are free, so tensor names survive. */
function nameResults(g: Graph, node: Node, outs: readonly (Value | undefined)[]): void {
  node.outputs.forEach((v, i) => {
    const nv = outs[i];
    if (!v || !nv?.producer || nv.name === v.name || g.value(v.name)) return;
    if (nv.producer.graph === g) g.renameValue(nv, v.name);
    nv.type ??= v.type;
  });
}

export function lowerOrThrow(model: Model, file: string, options: LowerOptions = {}): Model {
  const r = lowerToOpenvino(model, options);
  if (r.failures.length) {
    const list = r.failures
      .slice(0, 8)
      .map((f) => `node ${JSON.stringify(f.node)} (${f.op}): ${f.reason}`)
      .join("; ");
    throw new MyriadcError(
      "unsupported",
      `cannot convert to OpenVINO: ${list}${r.failures.length > 8 ? `; and ${r.failures.length - 8} more` : ""}`,
      { file },
    );
  }
  return r.model;
}
