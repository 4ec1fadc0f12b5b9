/**
 * Hand-written members of each class of broken input (issue 16), as ONNX protobuf messages.
 * Each names the node the error must name. The fast-check generators (generators.ts) widen
 * these into families.
 */
import { attr, floatTensor, int64Tensor, node, onnxModel, valueInfo } from "./onnx-proto.js";

export interface BrokenModel {
  bytes: Uint8Array;
  /** The node the one-line error must name. */
  node?: string;
  problem: RegExp;
}

const x = valueInfo("x", "float32", [1, 3, 4, 4]);
const y = valueInfo("y", "float32");

/** Broken models every command must refuse at load (exit 2, the node named). */
export const BROKEN_MODELS: Record<string, BrokenModel> = {
  "a node reading its own output": {
    bytes: onnxModel({
      nodes: [node("Add", ["x", "a"], ["a"], [], { name: "selfie" })],
      inputs: [x],
      outputs: [valueInfo("a", "float32")],
    }),
    node: "selfie",
    problem: /reads its own output "a"/,
  },
  "perm as floats": {
    bytes: onnxModel({
      nodes: [node("Transpose", ["x"], ["y"], [attr.floats("perm", [0, 2, 1, 3])], { name: "t" })],
      inputs: [x],
      outputs: [y],
    }),
    node: "t",
    problem: /attribute perm .* is floats, but ONNX defines it as ints/,
  },
  "Conv group not dividing the channels": {
    bytes: onnxModel({
      nodes: [node("Conv", ["x", "w"], ["y"], [attr.int("group", 2)], { name: "conv" })],
      inputs: [x],
      outputs: [y],
      initializers: [floatTensor("w", [2, 3, 1, 1], [1, 1, 1, 1, 1, 1])],
    }),
    node: "conv",
    problem: /group 2 does not divide the 3 input channels/,
  },
  "DepthToSpace with a negative blocksize": {
    bytes: onnxModel({
      nodes: [node("DepthToSpace", ["x"], ["y"], [attr.int("blocksize", -2)], { name: "d2s" })],
      inputs: [x],
      outputs: [y],
    }),
    node: "d2s",
    problem: /blocksize is -2/,
  },
  "Reshape allowzero=1 with two -1s": {
    bytes: onnxModel({
      nodes: [node("Reshape", ["x", "s"], ["y"], [attr.int("allowzero", 1)], { name: "r" })],
      opset: 14,
      inputs: [x],
      outputs: [y],
      initializers: [int64Tensor("s", [2], [-1, -1])],
    }),
    node: "r",
    problem: /more than one -1/,
  },
  "Slice with step 0": {
    bytes: onnxModel({
      nodes: [node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], [], { name: "s" })],
      inputs: [x],
      outputs: [y],
      initializers: [int64Tensor("st", [1], [0]), int64Tensor("en", [1], [2]), int64Tensor("ax", [1], [1]), int64Tensor("sp", [1], [0])],
    }),
    node: "s",
    problem: /steps \[0\] hold a 0/,
  },
  "an op from a domain the model does not import": {
    bytes: onnxModel({ nodes: [node("Relu", ["x"], ["y"], [], { name: "alien", domain: "com.nowhere" })], inputs: [x], outputs: [y] }),
    node: "alien",
    problem: /domain "com.nowhere", which the model does not import/,
  },
  "a constant Gather index out of range": {
    bytes: onnxModel({
      nodes: [node("Gather", ["x", "i"], ["y"], [attr.int("axis", 1)], { name: "g" })],
      inputs: [x],
      outputs: [y],
      initializers: [int64Tensor("i", [1], [7])],
    }),
    node: "g",
    problem: /index 7 is out of range for axis 1 of size 3/,
  },
  "a two-node cycle": {
    bytes: onnxModel({
      nodes: [node("Add", ["x", "b"], ["a"], [], { name: "first" }), node("Relu", ["a"], ["b"], [], { name: "second" })],
      inputs: [x],
      outputs: [valueInfo("b", "float32")],
    }),
    node: "first",
    problem: /cycle/,
  },
  "an input nobody defines": {
    bytes: onnxModel({ nodes: [node("Add", ["x", "ghost"], ["y"], [], { name: "reader" })], inputs: [x], outputs: [y] }),
    node: "reader",
    problem: /"ghost", which no input, initializer or node defines/,
  },
  "initializer dims whose product overflows": {
    bytes: onnxModel({
      nodes: [node("Add", ["x", "w"], ["y"], [], { name: "add" })],
      inputs: [x],
      outputs: [y],
      initializers: [{ ...floatTensor("w", [2 ** 40, 2 ** 40], [1]) }],
    }),
    problem: /tensor "w"/,
  },
  "initializer data that disagrees with its dims": {
    bytes: onnxModel({
      nodes: [node("Add", ["x", "w"], ["y"], [], { name: "add" })],
      inputs: [x],
      outputs: [y],
      initializers: [floatTensor("w", [4], [1, 2])],
    }),
    problem: /tensor "w" .* has 2 entries in float_data, expected 4/,
  },
};

/** Models that load but cannot be compiled: convert (and run) refuse them at the node. */
export const UNCOMPILABLE_MODELS: Record<string, BrokenModel> = {
  "a string Constant": {
    bytes: onnxModel({
      nodes: [
        node("Constant", [], ["c"], [attr.tensor("value", { name: "c", data_type: 8, dims: [], string_data: [new Uint8Array([65])] })], {
          name: "strings",
        }),
        node("Identity", ["c"], ["y"], [], { name: "id" }),
      ],
      inputs: [],
      outputs: [valueInfo("y", "string")],
    }),
    node: "strings",
    problem: /string tensor, which cannot be compiled/,
  },
  "a complex64 input": {
    bytes: onnxModel({
      nodes: [node("Identity", ["z"], ["y"], [], { name: "id" })],
      inputs: [valueInfo("z", "complex64", [2])],
      outputs: [valueInfo("y", "complex64")],
    }),
    node: "id",
    problem: /complex64 tensor, which cannot be compiled/,
  },
};

/** x[1] float32 → Relu → y: the smallest valid model, for argument tests. */
export function reluModel(dims: readonly (number | string)[] = [1, 3, 4, 4]): Uint8Array {
  return onnxModel({
    nodes: [node("Relu", ["x"], ["y"], [], { name: "relu" })],
    inputs: [valueInfo("x", "float32", dims)],
    outputs: [valueInfo("y", "float32", dims)],
  });
}

/** x → Add(x, w) → y with a float constant, so the IR made from it has a Const layer and a .bin. */
export function addConstModel(): Uint8Array {
  return onnxModel({
    nodes: [node("Add", ["x", "w"], ["y"], [], { name: "add" })],
    inputs: [valueInfo("x", "float32", [1, 4])],
    outputs: [valueInfo("y", "float32", [1, 4])],
    initializers: [floatTensor("w", [1, 4], [1, 2, 3, 4])],
  });
}
