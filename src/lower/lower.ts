/**
 * ONNX model → OpenVINO-dialect model, rule by rule (onnx-rules.ts). The input should have
 * been through `fix` (static shapes, folded constants) so that rules can rely on shapes.
 * Graph inputs and outputs keep their names; every node that cannot be lowered is reported
 * with its op and the reason, and then nothing is returned. What a rule wants the user to
 * know about how it lowered a node (an If computed as both branches and a Select, a quantized
 * op computed in float) comes back as notes.
 */
import { Graph } from "../ir/graph.js";
import { Model, normalizeDomain } from "../ir/model.js";
import { Node } from "../ir/node.js";
import { topologicalOrder } from "../ir/topo.js";
import type { ValueType } from "../ir/types.js";
import { Value } from "../ir/value.js";
import { MyriadcError } from "../util/errors.js";
import { formatNodeFailures, type NodeFailure } from "../util/node-failures.js";
import { uncomputableReason } from "../validate/computable.js";
import { LowerContext, LoweringError, type LoweringSession, OPENVINO, type Operand } from "./context.js";
import { MICROSOFT_LOWERING } from "./onnx/quantization.js";
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
 * default domain; "ai.onnx" is normalized to it). com.microsoft holds the quantized
 * operators onnxruntime's quantizer writes next to ONNX ops.
 */
const DIALECT_LOWERING: Readonly<Record<string, (opType: string) => LoweringRule | undefined>> = {
  "": (opType) => ONNX_LOWERING[opType],
  "com.microsoft": (opType) => MICROSOFT_LOWERING[opType],
  [OPENVINO]: () => keepOpenvinoNode,
};

export type LoweringFailure = NodeFailure;

/** Something a rule tells the user about how it lowered a node (not a failure). */
export interface LoweringNote {
  node: string;
  op: string;
  /** The rule id lint reports it under (e.g. "myriad/if-both-branches"). */
  rule: string;
  message: string;
  suggestion?: string;
}

export interface LowerOptions {
  /**
   * Drop activation quantization: quantized ops compute on the float values their inputs
   * were quantized from, with dequantized weights (`--dequantize`); outputs may differ
   * slightly from the quantized model's.
   */
  dequantize?: boolean;
  /** Filled with, for every lowered node (by name), the names of the OpenVINO nodes its rule created (the report's lowering trace). */
  trace?: Map<string, string[]>;
}

export interface Lowered {
  model: Model;
  failures: LoweringFailure[];
  notes: LoweringNote[];
}

/** One lowering run: the graph being built, the ONNX → OpenVINO value map, and what rules report. */
class Session implements LoweringSession {
  readonly map = new Map<Value, Value | undefined>();
  readonly failures: LoweringFailure[] = [];
  readonly notes: LoweringNote[] = [];
  /** Rules that earlier rules gave for later nodes (a chain lowered as one). */
  private readonly overrides = new Map<Node, LoweringRule>();

  constructor(
    readonly graph: Graph,
    readonly source: Model,
    readonly options: LowerOptions,
  ) {}

  private opsetOf(node: Node): number {
    return node.version ?? this.source.opsetVersion(node.domain) ?? (normalizeDomain(node.domain) === "" ? 13 : 1);
  }

  /** Lowers the nodes of `src` (the main graph or a subgraph) into the session's graph. */
  lowerNodes(src: Graph, failures: LoweringFailure[]): void {
    for (const v of src.initializers.values()) {
      if (!v.initializer || this.map.has(v)) continue;
      this.map.set(v, this.graph.addInitializer(new Value(this.graph.uniqueName(v.name), v.type), v.initializer));
    }
    for (const node of topologicalOrder(src)) this.lowerNode(node, failures);
  }

  private lowerNode(node: Node, failures: LoweringFailure[]): void {
    const fail = (reason: string) => failures.push({ node: node.name, op: node.qualifiedType, reason });
    const dialect = DIALECT_LOWERING[normalizeDomain(node.domain)];
    const override = this.overrides.get(node);
    if (!dialect && !override) {
      // A frontend that could not translate an op says why and what to do in the doc string.
      if (node.docString) fail(node.docString);
      else
        fail(
          `ops of domain ${JSON.stringify(node.domain)} cannot be lowered (known: ${Object.keys(DIALECT_LOWERING)
            .map((d) => JSON.stringify(d || "ai.onnx"))
            .join(", ")})`,
        );
      return;
    }
    const untyped = uncomputableReason(node);
    if (untyped) {
      fail(untyped);
      return;
    }
    const rule = override ?? dialect!(node.opType);
    if (!rule) {
      fail(`${node.opType} has no OpenVINO lowering here`);
      return;
    }
    if (node.inputs.some((v) => v && !this.map.has(v))) {
      // An earlier failure feeds it; what the rule knows from the ONNX node alone is still said.
      const why = rule.precheck?.(node);
      if (why) fail(why);
      return;
    }
    const ctx = new LowerContext(
      this.graph,
      node,
      node.inputs.map((v) => (v ? this.map.get(v) : undefined)),
      node.inputs,
      this.opsetOf(node),
      this,
    );
    let outs: (Value | undefined)[];
    // Where this rule's nodes start (a graph.nodes snapshot per node would make lowering quadratic).
    const before = this.graph.last;
    try {
      outs = rule(ctx);
    } catch (e) {
      if (!(e instanceof LoweringError)) throw e;
      fail(e.message);
      return;
    }
    const missing = node.outputs.findIndex((v, i) => v && !outs[i] && (v.uses.length > 0 || v.isGraphOutput()));
    if (missing >= 0) {
      fail(`its output ${missing} (${node.outputs[missing]!.name}) is used but has no OpenVINO equivalent here`);
      return;
    }
    node.outputs.forEach((v, i) => {
      if (v) this.map.set(v, outs[i]);
    });
    nameResults(this.graph, node, outs);
    if (this.options.trace && node.name) {
      const g = this.graph;
      const created: string[] = [];
      for (let n = before ? g.nextNode(before) : g.first; n; n = g.nextNode(n)) created.push(n.name);
      this.options.trace.set(node.name, created);
    }
  }

  lowerSubgraph(sg: Graph, what: string): Value[] {
    const failures: LoweringFailure[] = [];
    this.lowerNodes(sg, failures);
    if (failures.length) {
      const f = failures[0]!;
      throw new LoweringError(
        `${what} node ${JSON.stringify(f.node)} (${f.op}): ${f.reason}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ""}`,
      );
    }
    return sg.outputs.map((v) => this.map.get(v) ?? fail(`${what} output ${v.name} was not lowered`));
  }

  lowerLater(node: Node, rule: LoweringRule): void {
    this.overrides.set(node, rule);
  }

  note(node: Node, rule: string, message: string, suggestion?: string): void {
    this.notes.push({ node: node.name, op: node.qualifiedType, rule, message, ...(suggestion ? { suggestion } : {}) });
  }

  lowerAs(c: LowerContext, opType: string, operands: readonly (Operand | undefined)[], outputs = 1): (Value | undefined)[] {
    const rule = ONNX_LOWERING[opType];
    if (!rule) throw new Error(`lowerAs: no rule for ${opType}`);
    // Stand-in ONNX values: the rule sees their types and constants; the real graph's use lists stay untouched.
    const stand = (o: Operand | undefined, i: number) => {
      if (!o) return undefined;
      const v = new Value(`${c.node.name}/${opType}_in${i}`, o.type as ValueType | undefined);
      v.initializer = o.constant;
      return v;
    };
    const source = operands.map(stand);
    const node = new Node({
      opType,
      version: c.opset,
      name: c.node.name,
      inputs: source,
      outputs: Array.from({ length: outputs }, (_, k) => new Value(`${c.node.name}/${opType}_out${k}`)),
      attributes: new Map(c.node.attributes),
    });
    const inputs = operands.map((o) => o?.value);
    return rule(new LowerContext(this.graph, node, inputs, source, c.opset, this));
  }
}

function fail(reason: string): never {
  throw new LoweringError(reason);
}

export function lowerToOpenvino(model: Model, options: LowerOptions = {}): Lowered {
  const src = model.graph;
  const g = new Graph(src.name);
  const session = new Session(g, model, options);
  for (const v of src.inputs) {
    if (v.isInitializer) continue;
    session.map.set(v, g.addInput(new Value(v.name, v.type)));
  }
  session.lowerNodes(src, session.failures);
  const { failures, notes } = session;
  if (failures.length) return { model, failures, notes };
  for (const v of src.outputs) {
    const nv = session.map.get(v);
    if (!nv) throw new Error(`output ${v.name} was not lowered`);
    // The output keeps its ONNX name (what users address); an input passed straight through keeps its own.
    if (nv.name !== v.name && nv.producer && !g.value(v.name)) g.renameValue(nv, v.name);
    if (!nv.type) nv.type = v.type;
    g.addOutput(nv);
  }
  const out = new Model(g, { irVersion: 11, opsetImports: new Map([[OPENVINO, 10]]), producerName: "myriadc" });
  return { model: out, failures, notes };
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

/** The lowered model and the rules' notes, or an error naming every node that cannot be lowered. */
export function lowerOrThrow(model: Model, file: string, options: LowerOptions = {}): { model: Model; notes: LoweringNote[] } {
  const r = lowerToOpenvino(model, options);
  if (r.failures.length) throw new MyriadcError("unsupported", `cannot convert to OpenVINO: ${formatNodeFailures(r.failures)}`, { file });
  return { model: r.model, notes: r.notes };
}
