/**
 * What the compiler knows about an OpenVINO op (opset1–opset10), as data: its shape and type
 * inference (what OpenVINO's validate_and_infer_types computes: output element types and
 * dims from the inputs' types, dims, attributes and constant values) and a reference kernel
 * for the interpreter, both written from the OpenVINO op specification. IR attributes are
 * strings ("1,1", "true", "numpy"); the helpers below parse them.
 */
import type { DTypeName } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import type { Tensor } from "../../ir/tensor.js";
import { type NdArray, ndFromTensor } from "../ndarray.js";

export interface OvRunContext {
  readonly node: Node;
  /** Op version (Gather-8 vs Gather-1 …). */
  readonly version: number;
  /**
   * The model runs as an FP16 IR on MYRIAD: kernels that keep state between steps round it
   * to float16 where the device stores it (the interpreter rounds every op's results itself).
   */
  readonly fp16?: boolean;
}

/** What shape inference knows about one input port. */
export interface OvPortInfo {
  readonly dtype: DTypeName;
  /** Dims; -1 where the size is only known at run time. */
  readonly dims: readonly number[];
  /**
   * The port's value when it is known before running (a constant, or shape arithmetic on
   * known values), else undefined. A constant is decoded on the first call: ask only for the
   * inputs that decide shapes (axes, target shapes, sizes).
   */
  value(): NdArray | undefined;
}

/** An output port's inferred type; `value` when inference itself knows it (ShapeOf). */
export interface OvPortType {
  readonly dtype: DTypeName;
  readonly dims: readonly number[];
  readonly value?: NdArray;
}

export interface OvOpDef {
  /**
   * The outputs' types. Throws ShapeError for inputs the op cannot take (mismatched channels,
   * element counts), UnknownRankError when the rank of an output depends on a value only
   * known at run time.
   */
  infer(inputs: readonly (OvPortInfo | undefined)[], ctx: OvRunContext): OvPortType[];
  /** Computes the outputs; inputs follow the op's port order (omitted optional ones undefined). */
  run(inputs: readonly NdArray[], ctx: OvRunContext): NdArray[];
  /**
   * Every output element is an input element or an exact function of input elements (a
   * maximum, a negation, a copy), so outputs of rounded inputs are rounded already and the
   * interpreter skips rounding them.
   */
  readonly exact?: boolean;
}

/** A port holding a constant tensor, decoded on the first value() call. */
export function constantPort(t: Tensor): OvPortInfo {
  let decoded: NdArray | undefined;
  return {
    dtype: t.dtype,
    dims: t.dims,
    value: () => {
      decoded ??= ndFromTensor(t);
      return decoded;
    },
  };
}

/** Inputs that do not fit the op: the model is wrong (OpenVINO would refuse to load it). */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

/** An output's rank depends on an input value that is only known at run time. */
export class UnknownRankError extends Error {
  constructor(readonly input: number) {
    super(`the output rank depends on the value of input ${input}, which is only known at run time`);
    this.name = "UnknownRankError";
  }
}

export function strAttr(node: Node, name: string, fallback: string): string {
  const a = node.attribute(name);
  if (a === undefined) return fallback;
  if (a.type === "string") return a.value;
  if (a.type === "int") return String(a.value);
  if (a.type === "float") return String(a.value);
  if (a.type === "ints") return a.value.join(",");
  if (a.type === "floats") return a.value.join(",");
  return fallback;
}

export function intsAttr(node: Node, name: string, fallback: number[] = []): number[] {
  const s = strAttr(node, name, "").trim();
  if (s === "") return fallback;
  return s.split(",").map((x) => Number(x.trim()));
}

export function intAttr(node: Node, name: string, fallback: number): number {
  const s = strAttr(node, name, "");
  return s === "" ? fallback : Number(s);
}

export function floatAttr(node: Node, name: string, fallback: number): number {
  const s = strAttr(node, name, "");
  return s === "" ? fallback : Number(s);
}

export function boolAttr(node: Node, name: string, fallback: boolean): boolean {
  const s = strAttr(node, name, "").toLowerCase();
  return s === "" ? fallback : s === "true" || s === "1";
}

/** Integer values of an input (axes, shapes, begin/end …) as numbers. */
export function ints(a: NdArray): number[] {
  return Array.from(a.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** The integer values of input `i` when known before running, else undefined. */
export function knownInts(inputs: readonly (OvPortInfo | undefined)[], i: number): number[] | undefined {
  const v = inputs[i]?.value();
  return v ? ints(v) : undefined;
}

/** Input `i`, which the op requires. */
export function required(inputs: readonly (OvPortInfo | undefined)[], i: number): OvPortInfo {
  const p = inputs[i];
  if (!p) throw new ShapeError(`input ${i} is missing`);
  return p;
}
