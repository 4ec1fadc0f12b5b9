/**
 * ONNX bytes → Model (files are read by load-model.ts). Decoding is protobufjs reflection over our own schema; the graph is
 * then built in two phases per graph (define every node output, then connect inputs), so
 * files whose nodes are out of topological order still load (and are sorted, with a note).
 */
import type { Attribute, AttributeType } from "../../ir/attribute.js";
import { Graph } from "../../ir/graph.js";
import { type FunctionDef, Model, normalizeDomain } from "../../ir/model.js";
import { Node } from "../../ir/node.js";
import { CycleError, sortTopologically } from "../../ir/topo.js";
import { tensorType } from "../../ir/types.js";
import { Value } from "../../ir/value.js";
import { type ErrorCode, MyriadcError } from "../../util/errors.js";
import type { Companion } from "../companion.js";
import type { UnreadBytes } from "../frontend.js";
import {
  decodeModelProto,
  decodeModelStreamed,
  has,
  type PAttribute,
  type PFunction,
  type PGraph,
  type PModel,
  type PNode,
  type POpsetId,
  type PStringString,
  type PTensor,
  type PValueInfo,
  type StreamedGraph,
  toBigInt,
} from "./proto/codec.js";
import { ATTRIBUTE_TYPE, MAX_KNOWN_IR_VERSION } from "./proto/schema.js";
import { sparseTensorFromProto, type TensorContext, tensorFromProto } from "./tensor-proto.js";
import { typeFromProto } from "./type-proto.js";

export interface LoadBytesOptions {
  /** The files beside the model, where external data is read (none: external data is refused). */
  companion?: Companion;
  /** Payloads of `bytes` left in the file (load-model.ts): their tensors are made deferred. */
  unread?: UnreadBytes;
}

export interface LoadResult {
  model: Model;
  /** Things worth telling the user that did not stop the load. */
  warnings: string[];
  /** External data files the model reads, relative to its folder. */
  externalFiles: string[];
  /** Size of the model file in bytes. */
  fileBytes: number;
}

/** The largest ModelProto protobuf allows. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

/** Loads from memory; `file` names the source in messages. */
export function loadOnnxBytes(bytes: Uint8Array, file = "<buffer>", options: LoadBytesOptions = {}): LoadResult {
  if (bytes.byteLength === 0) throw new MyriadcError("truncated", "is empty (0 bytes), not an ONNX model", { file });
  return loadStreamed(bytes, file, options) ?? loadDecoded(bytes, file, options);
}

/**
 * The usual way for a well-formed file: the graph's nodes, initializers and value_info are
 * decoded one at a time as they become IR, so a decoded message never outlives its turn
 * (at 200k nodes the whole decoded tree is as large as the IR). Any problem, in the bytes or
 * the model, and the file is loaded again by loadDecoded, which reports it exactly as it
 * always has (whichever of several problems comes first in a full decode).
 */
export function loadStreamed(bytes: Uint8Array, file: string, options: LoadBytesOptions = {}): LoadResult | undefined {
  try {
    const streamed = decodeModelStreamed(bytes);
    if (!streamed?.graph) return undefined;
    const loader = new Loader({ file, companion: options.companion, unread: options.unread && { bytes, payloads: options.unread } });
    const model = loader.model(streamed.model, streamedLists(streamed.graph));
    return { model, warnings: loader.warnings, externalFiles: [...loader.externalFiles], fileBytes: bytes.byteLength };
  } catch {
    return undefined;
  }
}

/** The whole ModelProto decoded first, then built (exported for the test that the two ways agree). */
export function loadDecoded(bytes: Uint8Array, file: string, options: LoadBytesOptions = {}): LoadResult {
  let proto: PModel;
  try {
    proto = decodeModelProto(bytes);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/index out of range/.test(msg)) {
      throw new MyriadcError("truncated", "is truncated or corrupt: the protobuf data ends in the middle of a field", { file, cause: e });
    }
    throw new MyriadcError("bad-format", `is not an ONNX model (protobuf decoding failed: ${msg})`, { file, cause: e });
  }
  const loader = new Loader({ file, companion: options.companion, unread: options.unread && { bytes, payloads: options.unread } });
  let model: Model;
  try {
    model = loader.model(proto, proto.graph ? decodedLists(proto.graph) : undefined);
  } catch (e) {
    if (e instanceof MyriadcError) throw e;
    // Structurally corrupt files can trip checks deeper in the IR (a name defined twice by one
    // node, a dimension that is not a size, …): they are still problems of the file.
    throw new MyriadcError("bad-format", `is not a valid ONNX model: ${(e as Error)?.message ?? String(e)}`, { file, cause: e });
  }
  return { model, warnings: loader.warnings, externalFiles: [...loader.externalFiles], fileBytes: bytes.byteLength };
}

/** A GraphProto's repeated messages, by index, however they are held. */
interface GraphLists {
  /** The graph's other fields. */
  readonly message: PGraph;
  readonly initializers: number;
  initializer(i: number): PTensor;
  readonly nodes: number;
  node(i: number): PNode;
  readonly valueInfos: number;
  valueInfo(i: number): PValueInfo;
}

function decodedLists(p: PGraph): GraphLists {
  const initializers = p.initializer ?? [];
  const nodes = p.node ?? [];
  const valueInfo = p.value_info ?? [];
  return {
    message: p,
    initializers: initializers.length,
    initializer: (i) => initializers[i]!,
    nodes: nodes.length,
    node: (i) => nodes[i]!,
    valueInfos: valueInfo.length,
    valueInfo: (i) => valueInfo[i]!,
  };
}

function streamedLists(g: StreamedGraph): GraphLists {
  return {
    message: g.message,
    initializers: g.initializers.length / 2,
    initializer: (i) => g.decodeTensor(g.initializers, i),
    nodes: g.nodes.length / 2,
    node: (i) => g.decodeNode(g.nodes, i),
    valueInfos: g.valueInfo.length / 2,
    valueInfo: (i) => g.decodeValueInfo(g.valueInfo, i),
  };
}

class Loader {
  readonly warnings: string[] = [];
  readonly externalFiles = new Set<string>();
  private opsets = new Map<string, number>();
  private functionKeys = new Set<string>();

  constructor(private readonly ctx: TensorContext) {}

  private fail(message: string, code: ErrorCode = "invalid-graph"): never {
    throw new MyriadcError(code, message, { file: this.ctx.file });
  }

  model(p: PModel, graphLists: GraphLists | undefined): Model {
    if (!has(p, "ir_version") || !graphLists) {
      // Random bytes often decode as a few stray fields; a model needs at least these two.
      this.fail(`is not an ONNX model (${!graphLists ? "no graph" : "no ir_version"} found)`, "bad-format");
    }
    const irVersion = Number(toBigInt(p.ir_version));
    if (!Number.isSafeInteger(irVersion) || irVersion < 1)
      this.fail(`is not an ONNX model (ir_version ${toBigInt(p.ir_version)})`, "bad-format");
    if (irVersion > MAX_KNOWN_IR_VERSION) {
      this.warnings.push(
        `IR version ${irVersion} is newer than the newest this tool knows (${MAX_KNOWN_IR_VERSION}); unknown fields are ignored`,
      );
    }
    this.opsets = this.opsetMap(p.opset_import ?? [], "the model");
    if (this.opsets.size === 0) {
      // IR 3+ requires opset_import; very old files imply opset 1 of the default domain.
      this.warnings.push("the model imports no op set; assuming ai.onnx op set 1");
      this.opsets.set("", 1);
    }
    for (const f of p.functions ?? []) this.functionKeys.add(functionKey(f.domain ?? "", f.name ?? "", f.overload ?? ""));
    const functions = (p.functions ?? []).map((f) => this.function(f));
    const graph = this.graph(graphLists, undefined, this.opsets);
    const model = new Model(graph, {
      irVersion,
      opsetImports: this.opsets,
      producerName: p.producer_name ?? "",
      producerVersion: p.producer_version ?? "",
      domain: p.domain ?? "",
      modelVersion: toBigInt(p.model_version),
      docString: p.doc_string || undefined,
      metadataProps: entries(p.metadata_props),
      functions,
      trainingInfo: p.training_info ?? [],
      configuration: p.configuration ?? [],
    });
    if (model.trainingInfo.length > 0) this.warnings.push("the model has training_info; it is kept but not used");
    return model;
  }

  private opsetMap(list: readonly POpsetId[], owner: string): Map<string, number> {
    const m = new Map<string, number>();
    for (const o of list) {
      const d = normalizeDomain(o.domain ?? "");
      const v = Number(toBigInt(o.version));
      if (m.has(d) && m.get(d) !== v)
        this.fail(`${owner} imports domain ${JSON.stringify(d)} twice (versions ${m.get(d)} and ${v})`, "bad-format");
      m.set(d, v);
    }
    return m;
  }

  private function(f: PFunction): FunctionDef {
    const name = f.name ?? "";
    const opsets = this.opsetMap(f.opset_import ?? [], `function ${JSON.stringify(name)}`);
    const body = new Graph(name);
    for (const inputName of f.input ?? []) body.addInput(new Value(inputName));
    const valueInfo = this.valueInfoMap(f.value_info ?? []);
    const nodes = f.node ?? [];
    this.nodes(body, nodes.length, (i) => nodes[i]!, opsets);
    for (const outName of f.output ?? []) {
      const v = body.lookup(outName);
      if (!v) this.fail(`function ${JSON.stringify(name)} output ${JSON.stringify(outName)} is not defined in its body`);
      body.addOutput(v);
    }
    this.applyValueInfo(body, valueInfo);
    const attributeDefaults = new Map<string, Attribute>();
    for (const a of f.attribute_proto ?? []) attributeDefaults.set(a.name ?? "", this.attribute(a, undefined, opsets));
    return {
      name,
      domain: f.domain ?? "",
      overload: f.overload ?? "",
      attributeNames: [...(f.attribute ?? [])],
      attributeDefaults,
      opsetImports: opsets,
      body,
      docString: f.doc_string || undefined,
      metadataProps: f.metadata_props?.length ? entries(f.metadata_props) : undefined,
    };
  }

  private valueInfoMap(list: readonly PValueInfo[]): Map<string, PValueInfo> {
    const m = new Map<string, PValueInfo>();
    for (const vi of list) if (vi.name) m.set(vi.name, vi);
    return m;
  }

  private graph(lists: GraphLists, parent: Node | undefined, opsets: Map<string, number>): Graph {
    const p = lists.message;
    const g = new Graph(p.name ?? "");
    g.parent = parent;
    g.docString = p.doc_string || undefined;
    if (p.metadata_props?.length) g.metadataProps = entries(p.metadata_props);
    if (p.quantization_annotation?.length) {
      g.quantizationAnnotation = p.quantization_annotation.map((q) => ({
        tensorName: q.tensor_name ?? "",
        params: entries(q.quant_parameter_tensor_names),
      }));
    }
    const where = parent ? ` in a subgraph of ${parent.describe()}` : "";

    for (let i = 0; i < lists.initializers; i++) {
      const tp = lists.initializer(i);
      if (!tp.name) this.fail(`an initializer${where} has no name`, "bad-format");
      if (g.value(tp.name)) this.fail(`initializer ${JSON.stringify(tp.name)}${where} is defined twice`);
      const t = tensorFromProto(tp, this.ctx);
      if (t.external) this.externalFiles.add(t.external.location);
      const v = new Value(tp.name, tensorType(t.dtype, t.dims));
      g.addInitializer(v, t);
    }
    for (const sp of p.sparse_initializer ?? []) {
      const s = sparseTensorFromProto(sp, this.ctx);
      const name = s.values.name ?? "";
      if (!name) this.fail(`a sparse initializer${where} has no name`, "bad-format");
      if (g.value(name)) this.fail(`initializer ${JSON.stringify(name)}${where} is defined twice`);
      const v = new Value(name, { kind: "tensor", dtype: s.values.dtype, shape: s.dims });
      v.sparseInitializer = s;
      g.addInitializer(v);
    }
    for (const vi of p.input ?? []) {
      const name = vi.name ?? "";
      const type = typeFromProto(vi.type, `input ${JSON.stringify(name)}`, this.ctx.file);
      const init = g.initializers.get(name);
      if (init) {
        // IR < 4 style: an initializer also listed as an input is an input with a default.
        if (type) init.type = type;
        this.copyInfo(init, vi);
        g.addInput(init);
        continue;
      }
      if (g.value(name)) this.fail(`graph input ${JSON.stringify(name)}${where} is listed twice`);
      const v = new Value(name, type);
      this.copyInfo(v, vi);
      g.addInput(v);
    }

    this.nodes(g, lists.nodes, (i) => lists.node(i), opsets);

    for (const vi of p.output ?? []) {
      const name = vi.name ?? "";
      const v = g.lookup(name);
      if (!v) this.fail(`graph output ${JSON.stringify(name)}${where} is not produced by any node, input or initializer`);
      const type = typeFromProto(vi.type, `output ${JSON.stringify(name)}`, this.ctx.file);
      if (type) v.type = type;
      this.copyInfo(v, vi);
      g.addOutput(v);
    }
    const valueInfo = new Map<string, PValueInfo>();
    for (let i = 0; i < lists.valueInfos; i++) {
      const vi = lists.valueInfo(i);
      if (vi.name) valueInfo.set(vi.name, vi);
    }
    this.applyValueInfo(g, valueInfo);
    return g;
  }

  /** Attaches value_info types; entries naming nothing here are kept aside for saving. */
  private applyValueInfo(g: Graph, valueInfo: Map<string, PValueInfo>): void {
    for (const [name, vi] of valueInfo) {
      const type = typeFromProto(vi.type, `value_info ${JSON.stringify(name)}`, this.ctx.file);
      const v = g.value(name);
      if (v && !v.isGraphInput() && !v.isGraphOutput() && !v.isInitializer) {
        if (type) v.type = type;
        this.copyInfo(v, vi);
      } else if (!v) {
        const extra = new Value(name, type);
        this.copyInfo(extra, vi);
        g.extraValueInfo.push(extra);
      }
    }
  }

  private copyInfo(v: Value, vi: PValueInfo): void {
    if (vi.doc_string) v.docString = vi.doc_string;
    if (vi.metadata_props?.length) v.metadataProps = entries(vi.metadata_props);
  }

  /**
   * Phase 1: create nodes and define their outputs. Phase 2: subgraphs and inputs. A node
   * whose inputs are all defined here already and whose attributes hold no graph is finished
   * at once, as long as every node before it was, which gives the same graph (the same
   * use-list order too) without keeping its decoded message for phase 2.
   */
  private nodes(g: Graph, count: number, nodeAt: (i: number) => PNode, opsets: Map<string, number>): void {
    const where = g.parent ? ` in a subgraph of ${g.parent.describe()}` : "";
    const deferred: [Node, PNode][] = [];
    for (let i = 0; i < count; i++) {
      const pn = nodeAt(i);
      const domain = pn.domain ?? "";
      const node = new Node({
        opType: pn.op_type ?? "",
        domain,
        name: pn.name ?? "",
        overload: pn.overload ?? "",
        docString: pn.doc_string || undefined,
      });
      if (!node.opType) this.fail(`a node${where} (${JSON.stringify(node.name)}) has no op_type`, "bad-format");
      const v = opsets.get(normalizeDomain(domain));
      if (v !== undefined) node.version = v;
      else if (!this.functionKeys.has(functionKey(domain, node.opType, node.overload))) {
        this.warnings.push(`${node.describe()} uses domain ${JSON.stringify(domain)}, which the model does not import`);
      }
      if (pn.metadata_props?.length) node.metadataProps = entries(pn.metadata_props);
      if (pn.device_configurations?.length) node.deviceConfigurations = pn.device_configurations;
      const outputs = (pn.output ?? []).map((outName, i, all) => {
        if (outName === "") return undefined;
        if (g.lookup(outName) || all.indexOf(outName) !== i)
          this.fail(`value ${JSON.stringify(outName)}${where} is produced twice (again by ${node.describe()})`);
        return new Value(outName);
      });
      node.appendOutputs(outputs);
      g.appendNode(node);
      if (deferred.length === 0 && this.finishNow(g, node, pn, opsets)) continue;
      deferred.push([node, pn]);
    }
    for (const [node, pn] of deferred) {
      for (const a of pn.attribute ?? []) {
        const name = a.name ?? "";
        if (!name) this.fail(`${node.describe()} has an attribute without a name`, "bad-format");
        node.setAttribute(name, this.attribute(a, node, opsets));
      }
      const inputs = (pn.input ?? []).map((inName) => {
        if (inName === "") return undefined;
        const v = g.lookup(inName);
        if (!v) this.fail(`${node.describe()} reads ${JSON.stringify(inName)}, which no input, initializer or node defines${where}`);
        return v;
      });
      node.appendInputs(inputs);
    }
    try {
      if (sortTopologically(g))
        this.warnings.push(`the nodes of graph ${JSON.stringify(g.name)} were not in topological order; they were sorted`);
    } catch (e) {
      if (e instanceof CycleError) this.fail(`${e.message}${where}`);
      throw e;
    }
  }

  /** Phase 2 for one node right away, when nothing it needs is missing; false (and nothing done) otherwise. */
  private finishNow(g: Graph, node: Node, pn: PNode, opsets: Map<string, number>): boolean {
    const list = pn.attribute ?? [];
    for (const a of list)
      if (!a.name || a.g || a.graphs?.length || a.type === ATTRIBUTE_TYPE.GRAPH || a.type === ATTRIBUTE_TYPE.GRAPHS) return false;
    const names = pn.input ?? [];
    const inputs: (Value | undefined)[] = [];
    for (const name of names) {
      // Defined in this graph so far; anything else (a later node, an enclosing graph) waits for phase 2.
      const v = name === "" ? undefined : g.value(name);
      if (name !== "" && !v) return false;
      inputs.push(v);
    }
    let attributes: [string, Attribute][];
    try {
      attributes = list.map((a) => [a.name!, this.attribute(a, node, opsets)]);
    } catch {
      return false; // phase 2 reports it, after every node's phase 1 as always
    }
    for (const [name, a] of attributes) node.setAttribute(name, a);
    node.appendInputs(inputs);
    return true;
  }

  private attribute(a: PAttribute, owner: Node | undefined, opsets: Map<string, number>): Attribute {
    const name = a.name ?? "";
    const what = owner ? `attribute ${JSON.stringify(name)} of ${owner.describe()}` : `attribute ${JSON.stringify(name)}`;
    const type = attributeType(a);
    if (type === undefined) this.fail(`${what} has no value and no type`, "bad-format");
    const doc = a.doc_string ? { docString: a.doc_string } : {};
    if (a.ref_attr_name) return { type, ref: a.ref_attr_name, ...doc };
    const dec = new TextDecoder();
    const tensor = (t: NonNullable<PAttribute["t"]>) => {
      const out = tensorFromProto(t, this.ctx);
      if (out.external) this.externalFiles.add(out.external.location);
      return out;
    };
    const graph = (pg: NonNullable<PAttribute["g"]>) => {
      if (!owner) this.fail(`${what}: function attribute defaults cannot hold graphs`, "unsupported");
      return this.graph(decodedLists(pg), owner, opsets);
    };
    switch (type) {
      case "float":
        return { type, value: a.f ?? 0, ...doc };
      case "int":
        return { type, value: toBigInt(a.i), ...doc };
      case "string":
        return { type, value: dec.decode(a.s ?? new Uint8Array()), ...doc };
      case "tensor":
        if (!a.t) this.fail(`${what} is a tensor attribute without a tensor`, "bad-format");
        return { type, value: tensor(a.t), ...doc };
      case "graph":
        if (!a.g) this.fail(`${what} is a graph attribute without a graph`, "bad-format");
        return { type, value: graph(a.g), ...doc };
      case "sparse_tensor":
        if (!a.sparse_tensor) this.fail(`${what} is a sparse-tensor attribute without a value`, "bad-format");
        return { type, value: sparseTensorFromProto(a.sparse_tensor, this.ctx), ...doc };
      case "type_proto": {
        const t = typeFromProto(a.tp ?? undefined, what, this.ctx.file);
        if (!t) this.fail(`${what} is a type attribute without a type`, "bad-format");
        return { type, value: t, ...doc };
      }
      case "floats":
        return { type, value: [...(a.floats ?? [])], ...doc };
      case "ints":
        return { type, value: (a.ints ?? []).map(toBigInt), ...doc };
      case "strings":
        return { type, value: (a.strings ?? []).map((s) => dec.decode(s)), ...doc };
      case "tensors":
        return { type, value: (a.tensors ?? []).map(tensor), ...doc };
      case "graphs":
        return { type, value: (a.graphs ?? []).map(graph), ...doc };
      case "sparse_tensors":
        return { type, value: (a.sparse_tensors ?? []).map((s) => sparseTensorFromProto(s, this.ctx)), ...doc };
      case "type_protos":
        return {
          type,
          value: (a.type_protos ?? []).map(
            (tp) => typeFromProto(tp, what, this.ctx.file) ?? this.fail(`${what} holds an empty type`, "bad-format"),
          ),
          ...doc,
        };
    }
  }
}

const TYPE_BY_NUMBER = new Map<number, AttributeType>([
  [ATTRIBUTE_TYPE.FLOAT, "float"],
  [ATTRIBUTE_TYPE.INT, "int"],
  [ATTRIBUTE_TYPE.STRING, "string"],
  [ATTRIBUTE_TYPE.TENSOR, "tensor"],
  [ATTRIBUTE_TYPE.GRAPH, "graph"],
  [ATTRIBUTE_TYPE.SPARSE_TENSOR, "sparse_tensor"],
  [ATTRIBUTE_TYPE.TYPE_PROTO, "type_proto"],
  [ATTRIBUTE_TYPE.FLOATS, "floats"],
  [ATTRIBUTE_TYPE.INTS, "ints"],
  [ATTRIBUTE_TYPE.STRINGS, "strings"],
  [ATTRIBUTE_TYPE.TENSORS, "tensors"],
  [ATTRIBUTE_TYPE.GRAPHS, "graphs"],
  [ATTRIBUTE_TYPE.SPARSE_TENSORS, "sparse_tensors"],
  [ATTRIBUTE_TYPE.TYPE_PROTOS, "type_protos"],
]);

export const ATTRIBUTE_TYPE_NUMBER = new Map<AttributeType, number>([...TYPE_BY_NUMBER].map(([n, t]) => [t, n]));

/** The attribute's type: its `type` field, or (files before IR 2) whichever value field is set. */
function attributeType(a: PAttribute): AttributeType | undefined {
  if (a.type) return TYPE_BY_NUMBER.get(a.type);
  if (has(a, "f")) return "float";
  if (has(a, "i")) return "int";
  if (has(a, "s")) return "string";
  if (a.t) return "tensor";
  if (a.g) return "graph";
  if (a.sparse_tensor) return "sparse_tensor";
  if (a.tp) return "type_proto";
  if (a.floats?.length) return "floats";
  if (a.ints?.length) return "ints";
  if (a.strings?.length) return "strings";
  if (a.tensors?.length) return "tensors";
  if (a.graphs?.length) return "graphs";
  if (a.sparse_tensors?.length) return "sparse_tensors";
  if (a.type_protos?.length) return "type_protos";
  return undefined;
}

function functionKey(domain: string, name: string, overload: string): string {
  return `${normalizeDomain(domain)}\u0000${name}\u0000${overload}`;
}

function entries(list: readonly PStringString[] | undefined): { key: string; value: string }[] {
  return (list ?? []).map((e) => ({ key: e.key ?? "", value: e.value ?? "" }));
}
