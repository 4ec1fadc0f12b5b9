/**
 * What an op translator works with: the TFLite operator, its options, its tensors' shapes,
 * its inputs as ONNX values (quantized activations dequantized, constant weights as float
 * constants), and a builder that appends ONNX nodes named after the operator. A translator
 * returns the real-valued ONNX value of each output; the driver quantizes outputs whose
 * tensors are quantized and names them after the TFLite tensors.
 */
import { type AttributeValue, attr } from "../../ir/attribute.js";
import { type DTypeName, dtypeToOnnx } from "../../ir/dtype.js";
import type { Graph } from "../../ir/graph.js";
import { Node } from "../../ir/node.js";
import { Tensor } from "../../ir/tensor.js";
import { tensorType } from "../../ir/types.js";
import { Value } from "../../ir/value.js";
import { ndFromTensor, ndToTensor } from "../../ops/ndarray.js";
import { onnxOp } from "../../ops/onnx/registry.js";
import { type Options, readOptions } from "./options.js";
import type { TfliteModel, TfliteOperator, TfliteSubgraph, TfliteTensor } from "./schema.js";
import { isQuantized } from "./tensors.js";

const INTEGER_TYPES: ReadonlySet<DTypeName> = new Set<DTypeName>([
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
]);

/** The ONNX op set the translation writes. */
export const ONNX_OPSET = 17;
/** Results of all-constant nodes up to this many elements are computed during translation. */
const EAGER_FOLD_ELEMENTS = 4096;

/** An operator that cannot be translated: the reason goes into the diagnostic. */
export class TranslateError extends Error {}

/** Unique names for everything the translation creates (linear: one set, no graph scans). */
export class NameTable {
  private readonly used = new Set<string>();
  take(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}

/** What the translation of one subgraph instance shares with its operators. */
export interface SubgraphScope {
  readonly model: TfliteModel;
  readonly subgraph: TfliteSubgraph;
  readonly graph: Graph;
  readonly names: NameTable;
  /** Prefix of node names (an unrolled loop iteration), "" for the main graph. */
  readonly prefix: string;
  /** The stored-form ONNX value of a tensor (int8 for a quantized activation). */
  stored(index: number): Value;
  /** The real-valued ONNX value of a tensor (dequantized when quantized). */
  real(index: number): Value;
  /** The tensor's constant data (densified, dequantized to float32 when quantized), or undefined. */
  constant(index: number, options?: { stored?: boolean }): Tensor | undefined;
  /** Translates another subgraph inline with the given inputs; returns its outputs. */
  inline(subgraph: number, inputs: readonly Value[], prefix: string): Value[];
  warn(message: string): void;
}

export type OpTranslator = (c: OpContext) => (Value | undefined)[];

export class OpContext {
  readonly opts: Options;
  /** Node names start with this: the op's name and index ("CONV_2D#12"). */
  readonly name: string;

  constructor(
    readonly scope: SubgraphScope,
    readonly op: TfliteOperator,
  ) {
    this.opts = readOptions(op);
    this.name = `${scope.prefix}${opLabel(op)}#${op.index}`;
  }

  get graph(): Graph {
    return this.scope.graph;
  }

  fail(reason: string): never {
    throw new TranslateError(reason);
  }

  /** Whether input i is present (TFLite marks omitted optional inputs with −1). */
  has(i: number): boolean {
    return (this.op.inputs[i] ?? -1) >= 0;
  }

  tensor(i: number): TfliteTensor {
    const index = this.op.inputs[i] ?? -1;
    if (index < 0) this.fail(`input ${i} is missing`);
    return this.scope.subgraph.tensors[index]!;
  }

  outTensor(k: number): TfliteTensor {
    const index = this.op.outputs[k] ?? -1;
    if (index < 0) this.fail(`output ${k} is missing`);
    return this.scope.subgraph.tensors[index]!;
  }

  /** Input i's shape as the file gives it; dynamic dims (shape_signature −1) are −1. */
  shape(i: number): number[] {
    return signatureShape(this.tensor(i));
  }

  outShape(k: number): number[] {
    return signatureShape(this.outTensor(k));
  }

  /** The real-valued input i. */
  input(i: number): Value {
    return this.scope.real(this.op.inputs[i] ?? this.fail(`input ${i} is missing`));
  }

  /** Input i as stored (integer data of quantized tensors left as is). */
  stored(i: number): Value {
    return this.scope.stored(this.op.inputs[i] ?? this.fail(`input ${i} is missing`));
  }

  constant(i: number): Tensor | undefined {
    return this.has(i) ? this.scope.constant(this.op.inputs[i]!) : undefined;
  }

  /** Integer constant input i (axes, sizes, shapes) as numbers. */
  constInts(i: number, what: string): number[] {
    const t = this.has(i) ? this.scope.constant(this.op.inputs[i]!, { stored: true }) : undefined;
    if (!t) this.fail(`${what} (input ${i}) must be a constant`);
    if (!INTEGER_TYPES.has(t.dtype)) this.fail(`${what} (input ${i}) must be integers, not ${t.dtype}`);
    return t.toIntegers();
  }

  /** Appends an ONNX node; returns its outputs. All-constant small results are computed at once. */
  emit(opType: string, inputs: readonly (Value | undefined)[], attributes: Record<string, AttributeValue> = {}, outputs = 1): Value[] {
    const outs = Array.from(
      { length: outputs },
      (_, k) => new Value(this.scope.names.take(`${this.name}/${opType}${outputs > 1 ? k : ""}`)),
    );
    const node = new Node({
      opType,
      version: ONNX_OPSET,
      name: this.scope.names.take(`${this.name}/${opType}`),
      inputs,
      outputs: outs,
      attributes,
    });
    const folded = foldNow(node);
    if (folded) {
      node.clearInputs();
      return folded.map((t, k) => this.constantValue(t, outs[k]!.name));
    }
    this.graph.appendNode(node);
    return outs;
  }

  one(opType: string, inputs: readonly (Value | undefined)[], attributes: Record<string, AttributeValue> = {}): Value {
    return this.emit(opType, inputs, attributes, 1)[0]!;
  }

  /** The main node of the op carries the op's own name, so diagnostics point at the TFLite op. */
  main(opType: string, inputs: readonly (Value | undefined)[], attributes: Record<string, AttributeValue> = {}, outputs = 1): Value[] {
    const outs = this.emit(opType, inputs, attributes, outputs);
    const producer = outs[0]?.producer;
    if (producer && producer.name.startsWith(`${this.name}/`)) producer.name = this.scope.names.take(this.name);
    return outs;
  }

  constantValue(t: Tensor, base = `${this.name}/const`): Value {
    const v = new Value(this.scope.names.take(base), tensorType(t.dtype, t.dims));
    t.name = v.name;
    return this.graph.addInitializer(v, t);
  }

  ints(values: readonly number[], dims: readonly number[] = [values.length]): Value {
    return this.constantValue(
      Tensor.fromArray(
        "int64",
        dims,
        BigInt64Array.from(values, (v) => BigInt(v)),
      ),
    );
  }

  floats(values: readonly number[], dims: readonly number[] = [values.length]): Value {
    return this.constantValue(Tensor.fromArray("float32", dims, Float32Array.from(values)));
  }

  scalar(value: number, dtype: DTypeName = "float32"): Value {
    if (dtype === "float32") return this.floats([value], []);
    if (dtype === "int32") return this.constantValue(Tensor.fromArray("int32", [], Int32Array.of(value)));
    if (dtype === "int64") return this.ints([value], []);
    return this.one("Cast", [this.floats([value], [])], { to: attr.int(dtypeToOnnx(dtype)) });
  }

  cast(v: Value, to: DTypeName): Value {
    return this.one("Cast", [v], { to: attr.int(dtypeToOnnx(to)) });
  }

  /** NHWC → NCHW (or the same move of the channel axis for other ranks). */
  toChannelsFirst(v: Value, rank = 4): Value {
    return this.one("Transpose", [v], { perm: attr.ints([0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)]) });
  }

  toChannelsLast(v: Value, rank = 4): Value {
    return this.one("Transpose", [v], { perm: attr.ints([0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1]) });
  }

  /** Whether output k is a quantized tensor (its real value is quantized by the driver). */
  quantizedOutput(k: number): boolean {
    return isQuantized(this.outTensor(k));
  }
}

/** How diagnostics and node names call an operator: its builtin name, or the custom code. */
export function opLabel(op: TfliteOperator): string {
  return op.opcode.name === "CUSTOM" ? (op.opcode.customCode ?? "CUSTOM") : op.opcode.name;
}

export function signatureShape(t: TfliteTensor): number[] {
  const sig = t.shapeSignature;
  if (sig && sig.length === t.shape.length) return sig.map((d, i) => (d < 0 ? -1 : t.shape[i]!));
  return [...t.shape];
}

/** Computes a node whose inputs are all small constants (shape arithmetic, loop counters). */
function foldNow(node: Node): Tensor[] | undefined {
  const def = onnxOp(node.opType);
  if (!def?.fold) return undefined;
  const consts = node.inputs.map((v) => (v ? v.initializer : undefined));
  if (node.inputs.some((v, i) => v && !consts[i])) return undefined;
  if (consts.some((t) => t && (t.size > EAGER_FOLD_ELEMENTS || t.dtype === "string"))) return undefined;
  try {
    const out = def.fold(
      consts.map((t) => (t ? ndFromTensor(t) : undefined)),
      { node, opset: ONNX_OPSET },
    );
    if (out.some((a) => a.data.length > EAGER_FOLD_ELEMENTS)) return undefined;
    return out.map((a) => ndToTensor(a));
  } catch {
    return undefined;
  }
}
