/**
 * TFLite model → ONNX-dialect Model at one op set (ONNX_OPSET), so everything downstream
 * (fix, lint, convert, run, compile) works unchanged. Each operator is translated by the
 * translator its name finds in the op table; operators compute in NCHW inside and leave
 * NHWC values between them (the layout pass cancels the Transposes that creates).
 *
 * Quantized tensors: activations are kept in their integer form between ops and each op
 * works on DequantizeLinear of its inputs and QuantizeLinear of its results (the QDQ form);
 * quantized weights become float constants. An operator with no translation becomes a node
 * of the "tflite" domain with the reason, so inspect and lint still see the whole model.
 */
import { attr } from "../../ir/attribute.js";
import { byteLengthOf, type DTypeName } from "../../ir/dtype.js";
import { Graph } from "../../ir/graph.js";
import { Model } from "../../ir/model.js";
import { Node } from "../../ir/node.js";
import { type Dim, shapeSize } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import { type TensorType, tensorType } from "../../ir/types.js";
import { Value } from "../../ir/value.js";
import { isMyriadcError } from "../../util/errors.js";
import { NameTable, ONNX_OPSET, OpContext, opLabel, type SubgraphScope, signatureShape, TranslateError } from "./context.js";
import { FlatError } from "./flat.js";
import { floatHybridWarning } from "./ops/hybrid.js";
import { TFLITE_OPS } from "./ops/table.js";
import type { TfliteModel, TfliteSubgraph, TfliteTensor } from "./schema.js";
import { constantTensor, dequantizeConstant, dtypeOfTflite, isQuantized } from "./tensors.js";

/** Domain of the nodes that stand for operators with no translation. */
export const TFLITE_DOMAIN = "tflite";
const MAX_INLINE_DEPTH = 16;

export interface UntranslatedOp {
  subgraph: number;
  index: number;
  op: string;
  reason: string;
}

interface Shared {
  model: TfliteModel;
  graph: Graph;
  names: NameTable;
  /** Constants by (subgraph, tensor, form), shared by every inlined copy of a subgraph. */
  constants: Map<string, Value>;
  warnings: string[];
  untranslated: UntranslatedOp[];
  /** Subgraphs being inlined, to refuse recursion. */
  stack: number[];
}

function dtypeOf(t: TfliteTensor): DTypeName {
  const d = dtypeOfTflite(t.type);
  if (!d) throw new FlatError(`tensor ${t.index} (${t.name}) has type ${t.type}, which has no tensor form here`);
  return d;
}

/** The element type of a quantized activation: int8 or uint8 (others are refused). */
function quantizedDtype(t: TfliteTensor): "int8" | "uint8" {
  const dtype = dtypeOf(t);
  if (dtype !== "int8" && dtype !== "uint8")
    throw new TranslateError(`${t.type} quantized activations (tensor ${t.index}, ${t.name}) are not supported; only int8 and uint8`);
  return dtype;
}

class SubgraphTranslation implements SubgraphScope {
  readonly model: TfliteModel;
  readonly graph: Graph;
  readonly names: NameTable;
  private readonly values = new Map<number, Value>();
  private readonly reals = new Map<number, Value>();
  /** Values already named after their tensor. */
  private readonly named = new Set<Value>();

  constructor(
    private readonly shared: Shared,
    readonly subgraph: TfliteSubgraph,
    readonly prefix: string,
  ) {
    this.model = shared.model;
    this.graph = shared.graph;
    this.names = shared.names;
  }

  warn(message: string): void {
    if (!this.shared.warnings.includes(message)) this.shared.warnings.push(message);
  }

  bindInput(index: number, v: Value): void {
    this.values.set(index, v);
  }

  private data(t: TfliteTensor): Uint8Array | undefined {
    const b = this.model.buffers[t.buffer];
    return b && b.byteLength > 0 ? b : undefined;
  }

  private tensor(index: number): TfliteTensor {
    const t = this.subgraph.tensors[index];
    if (!t) throw new FlatError(`tensor ${index} does not exist in subgraph ${this.subgraph.index}`);
    return t;
  }

  constant(index: number, options: { stored?: boolean } = {}): Tensor | undefined {
    const t = this.tensor(index);
    const bound = this.values.get(index);
    if (bound) return bound.initializer && !bound.isGraphInput() ? bound.initializer : undefined;
    const data = this.data(t);
    if (!data) return undefined;
    const raw = constantTensor(t, data);
    return !options.stored && isQuantized(t) ? dequantizeConstant(t, raw) : raw;
  }

  private constantValue(index: number, real: boolean): Value {
    const t = this.tensor(index);
    const key = `${this.subgraph.index}:${index}:${real ? "real" : "stored"}`;
    let v = this.shared.constants.get(key);
    if (!v) {
      const tensor = this.constant(index, { stored: !real })!;
      v = new Value(this.names.take(t.name), tensorType(tensor.dtype, tensor.dims));
      tensor.name = v.name;
      this.graph.addInitializer(v, tensor);
      this.shared.constants.set(key, v);
    }
    return v;
  }

  stored(index: number): Value {
    const v = this.values.get(index);
    if (v) return v;
    const t = this.tensor(index);
    if (this.data(t)) return this.constantValue(index, false);
    if (t.isVariable) return this.zeros(t);
    throw new FlatError(
      `tensor ${index} (${t.name}) of subgraph ${this.subgraph.index} is read before any operator writes it (a cycle, or operators out of order)`,
    );
  }

  /** A variable tensor without data (an RNN state) starts at zero. */
  private zeros(t: TfliteTensor): Value {
    const key = `${this.subgraph.index}:${t.index}:zeros`;
    let v = this.shared.constants.get(key);
    if (!v) {
      const dtype = dtypeOf(t);
      const tensor = Tensor.fromBytes(dtype, t.shape, new Uint8Array(byteLengthOf(dtype, shapeSize(t.shape))));
      v = new Value(this.names.take(t.name), tensorType(dtype, t.shape));
      tensor.name = v.name;
      this.graph.addInitializer(v, tensor);
      this.shared.constants.set(key, v);
    }
    return v;
  }

  real(index: number): Value {
    const t = this.tensor(index);
    if (!isQuantized(t)) return this.stored(index);
    if (!this.values.has(index) && this.data(t)) return this.constantValue(index, true);
    let r = this.reals.get(index);
    if (!r) {
      const [scale, zeroPoint, axis] = this.quantParams(t);
      r = new Value(this.names.take(`${t.name}/dequantized`));
      this.graph.appendNode(
        new Node({
          opType: "DequantizeLinear",
          version: ONNX_OPSET,
          name: this.names.take(`${t.name}/DequantizeLinear`),
          inputs: [this.stored(index), scale, zeroPoint],
          outputs: [r],
          attributes: axis === undefined ? {} : { axis: attr.int(axis) },
        }),
      );
      this.reals.set(index, r);
    }
    return r;
  }

  /** Scale and zero point constants of a quantized tensor (per axis when it has several). */
  quantParams(t: TfliteTensor): [Value, Value, number | undefined] {
    const q = t.quantization!;
    const dtype = quantizedDtype(t);
    const perAxis = q.scale.length > 1;
    const dims = perAxis ? [q.scale.length] : [];
    const scale = new Value(this.names.take(`${t.name}/scale`), tensorType("float32", dims));
    this.graph.addInitializer(scale, Tensor.fromArray("float32", dims, Float32Array.from(q.scale)));
    const zps = q.scale.map((_, i) => Number(q.zeroPoint[i] ?? q.zeroPoint[0] ?? 0n));
    const zp = new Value(this.names.take(`${t.name}/zero_point`), tensorType(dtype, dims));
    this.graph.addInitializer(zp, Tensor.fromArray(dtype, dims, dtype === "int8" ? Int8Array.from(zps) : Uint8Array.from(zps)));
    return [scale, zp, perAxis ? q.quantizedDimension : undefined];
  }

  inline(subgraph: number, inputs: readonly Value[], prefix: string): Value[] {
    const sg = this.model.subgraphs[subgraph];
    if (!sg) throw new TranslateError(`subgraph ${subgraph} does not exist (the model has ${this.model.subgraphs.length})`);
    if (this.shared.stack.includes(subgraph) || this.shared.stack.length >= MAX_INLINE_DEPTH)
      throw new FlatError(`subgraph ${subgraph} calls itself (a cycle between subgraphs ${[...this.shared.stack, subgraph].join(" → ")})`);
    if (inputs.length !== sg.inputs.length)
      throw new TranslateError(`subgraph ${subgraph} takes ${sg.inputs.length} inputs, ${inputs.length} given`);
    const inner = new SubgraphTranslation(this.shared, sg, prefix);
    sg.inputs.forEach((ti, i) => {
      inner.bindInput(ti, inputs[i]!);
    });
    this.shared.stack.push(subgraph);
    try {
      inner.run();
    } finally {
      this.shared.stack.pop();
    }
    return sg.outputs.map((ti) => inner.stored(ti));
  }

  /** Translates every operator in order. */
  run(): void {
    for (const op of this.subgraph.operators) {
      const label = opLabel(op);
      const translate = TFLITE_OPS[label];
      let outs: (Value | undefined)[] | undefined;
      let reason = "";
      if (!translate) reason = unsupportedReason(label, op.opcode.customCode !== undefined || op.opcode.name === "CUSTOM");
      else {
        try {
          const c = new OpContext(this, op);
          const hybrid = floatHybridWarning(c);
          if (hybrid) this.warn(hybrid);
          outs = translate(c);
          const missing = op.outputs.findIndex((ti, k) => ti >= 0 && !outs![k]);
          if (missing >= 0) c.fail(`the operator has ${op.outputs.length} outputs; output ${missing} has no translation`);
          op.outputs.forEach((_, k) => {
            if (op.outputs[k]! >= 0 && c.quantizedOutput(k)) quantizedDtype(c.outTensor(k));
          });
        } catch (e) {
          // Bad structure is the file's problem (the loader names it); anything else stays with this operator.
          if (e instanceof FlatError || isMyriadcError(e)) throw e;
          outs = undefined;
          reason =
            e instanceof TranslateError ? e.message : `could not be translated (${(e as Error)?.message ?? String(e)}; please report this)`;
        }
      }
      if (!outs) {
        this.placeholder(op.index, label, reason);
        continue;
      }
      op.outputs.forEach((ti, k) => {
        if (ti >= 0) this.bindOutput(ti, outs[k]!, `${this.prefix}${label}#${op.index}`);
      });
    }
  }

  private bindOutput(index: number, real: Value, base: string): void {
    const t = this.tensor(index);
    if (this.values.has(index)) throw new FlatError(`tensor ${index} (${t.name}) is written by two operators`);
    let v = real;
    if (isQuantized(t)) {
      const [scale, zeroPoint, axis] = this.quantParams(t);
      v = new Value(this.names.take(`${base}/quantized`));
      this.graph.appendNode(
        new Node({
          opType: "QuantizeLinear",
          version: ONNX_OPSET,
          name: this.names.take(`${base}/QuantizeLinear`),
          inputs: [real, scale, zeroPoint],
          outputs: [v],
          attributes: axis === undefined ? {} : { axis: attr.int(axis) },
        }),
      );
    }
    if (v.producer && !this.named.has(v)) {
      this.graph.renameValue(v, this.names.take(`${this.prefix}${t.name}`));
      this.named.add(v);
    }
    this.values.set(index, v);
  }

  private placeholder(opIndex: number, label: string, reason: string): void {
    const op = this.subgraph.operators[opIndex]!;
    this.shared.untranslated.push({ subgraph: this.subgraph.index, index: opIndex, op: label, reason });
    const inputs: (Value | undefined)[] = op.inputs.map((ti) => {
      if (ti < 0) return undefined;
      try {
        return this.stored(ti);
      } catch (e) {
        if (e instanceof TranslateError) return undefined;
        throw e;
      }
    });
    const outputs = op.outputs.map((ti) => {
      if (ti < 0) return undefined;
      const t = this.tensor(ti);
      return new Value(this.names.take(`${this.prefix}${t.name}`), tensorType(dtypeOf(t), toDims(t)));
    });
    const node = new Node({
      opType: label,
      domain: TFLITE_DOMAIN,
      version: 1,
      name: this.names.take(`${this.prefix}${label}#${opIndex}`),
      inputs,
      outputs,
      docString: `TFLite operator ${opIndex} (${label}): ${reason}`,
    });
    this.graph.appendNode(node);
    op.outputs.forEach((ti, k) => {
      if (ti >= 0) {
        this.values.set(ti, outputs[k]!);
        this.named.add(outputs[k]!);
      }
    });
  }
}

/** What to do about an operator with no translation. */
function unsupportedReason(label: string, custom: boolean): string {
  if (label === "TFLite_Detection_PostProcess")
    return (
      "the SSD box decoding and NMS custom op has no MYRIAD equivalent here: cut the graph before it " +
      "(--outputs with the raw box and score tensors) and decode the boxes and run NMS on the host"
    );
  if (custom) return `custom op "${label}" is not known here: cut the graph before it with --outputs and run it on the host`;
  return `the TFLite builtin ${label} has no translation here: cut the graph before it with --outputs and run it on the host`;
}

/** Dims of a tensor's type: −1 in the shape signature becomes a symbolic dim ("batch" for axis 0). */
function toDims(t: TfliteTensor, symbolic = false): Dim[] {
  return signatureShape(t).map((d, i) => (d >= 0 ? d : symbolic ? (i === 0 ? "batch" : `${t.name}:${i}`) : null));
}

/** A graph input's type; 4-D inputs are NHWC, which the dim denotations say (preprocessing reads them). */
function inputType(t: TfliteTensor): TensorType {
  const type = tensorType(dtypeOf(t), toDims(t, true));
  if (t.shape.length !== 4) return type;
  return { ...type, dimDenotations: ["DATA_BATCH", "DATA_FEATURE", "DATA_FEATURE", "DATA_CHANNEL"] };
}

export interface Translated {
  model: Model;
  warnings: string[];
  untranslated: UntranslatedOp[];
}

/** Translates subgraph 0 (the model); other subgraphs are inlined where WHILE/IF call them. */
export function translateTflite(model: TfliteModel): Translated {
  const graph = new Graph(model.subgraphs[0]!.name || "main");
  const shared: Shared = {
    model,
    graph,
    names: new NameTable(),
    constants: new Map(),
    warnings: [],
    untranslated: [],
    stack: [0],
  };
  const main = new SubgraphTranslation(shared, model.subgraphs[0]!, "");
  for (const ti of main.subgraph.inputs) {
    const t = main.subgraph.tensors[ti]!;
    const v = new Value(shared.names.take(t.name), inputType(t));
    graph.addInput(v);
    main.bindInput(ti, v);
  }
  main.run();
  for (const ti of main.subgraph.outputs) {
    const t = main.subgraph.tensors[ti]!;
    let v = main.stored(ti);
    if (v.isGraphInput() || v.isInitializer || graph.outputs.includes(v) || !v.producer) {
      const copy = new Value(shared.names.take(`${t.name}/output`));
      graph.appendNode(
        new Node({ opType: "Identity", version: ONNX_OPSET, name: shared.names.take(`${t.name}/Identity`), inputs: [v], outputs: [copy] }),
      );
      v = copy;
    }
    v.type = tensorType(dtypeOf(t), toDims(t));
    graph.addOutput(v);
  }
  const result = new Model(graph, {
    irVersion: 8,
    opsetImports: new Map([["", ONNX_OPSET]]),
    producerName: "TFLite",
    producerVersion: `schema ${model.version}`,
    docString: model.description || undefined,
  });
  if (shared.untranslated.length) result.opsetImports.set(TFLITE_DOMAIN, 1);
  return { model: result, warnings: shared.warnings, untranslated: shared.untranslated };
}
