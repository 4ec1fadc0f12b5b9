/**
 * What the compiler knows about an OpenVINO op (opset1–opset10), as data: a reference
 * kernel for the interpreter, written from the OpenVINO op specification. IR attributes are
 * strings ("1,1", "true", "numpy"); the helpers below parse them where a kernel needs them.
 */
import type { AttributeValue } from "../../ir/attribute.js";
import { Node } from "../../ir/node.js";
import type { NdArray } from "../ndarray.js";
import type { OnnxOpDef } from "../onnx/op-def.js";

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

export interface OvOpDef {
  /** Computes the outputs; inputs follow the op's port order. */
  run(inputs: readonly NdArray[], ctx: OvRunContext): NdArray[];
  /**
   * The outputs' dtypes and dims without computing them, for the expensive ops (convolution,
   * pooling, MatMul): type observation then costs little more than walking the graph.
   */
  outputTypes?(inputs: readonly NdArray[], ctx: OvRunContext): { dtype: NdArray["dtype"]; dims: number[] }[];
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

/**
 * Runs an ONNX kernel with translated attributes at a given ONNX op set: for OpenVINO ops
 * whose semantics equal an ONNX op's, one kernel serves both.
 */
export function runOnnxKernel(
  def: OnnxOpDef,
  opType: string,
  opset: number,
  inputs: readonly (NdArray | undefined)[],
  attributes: Record<string, AttributeValue> = {},
): NdArray[] {
  const node = new Node({ opType, version: opset, attributes });
  return def.fold!(inputs, { node, opset });
}
