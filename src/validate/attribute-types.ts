/**
 * The types of the ONNX attributes our code reads, as the ONNX operator specification gives
 * them. Across the default domain an attribute name means one thing (`axis` is an int,
 * `perm` ints, `mode` a string …), so the table is by name, with the few ops that use a name
 * differently listed apart. A file can store any type under any name; this is what turns
 * `perm` written as floats into an error at the node instead of a crash in a kernel.
 */
import type { AttributeType } from "../ir/attribute.js";

/** Attribute name → type, for every op of the default ONNX domain. */
export const ONNX_ATTRIBUTE_TYPES: Readonly<Record<string, AttributeType>> = {
  // axes and positions
  axis: "int",
  axes: "ints",
  batch_axis: "int",
  time_axis: "int",
  batch_dims: "int",
  start: "int",
  end: "int",
  perm: "ints",
  split: "ints",
  num_outputs: "int",
  shape: "ints",
  keepdims: "int",
  noop_with_empty_axes: "int",
  select_last_index: "int",
  allowzero: "int",
  // convolution and pooling
  kernel_shape: "ints",
  strides: "ints",
  pads: "ints",
  dilations: "ints",
  group: "int",
  auto_pad: "string",
  output_shape: "ints",
  output_padding: "ints",
  ceil_mode: "int",
  count_include_pad: "int",
  storage_order: "int",
  p: "int",
  // matrices and normalization
  transA: "int",
  transB: "int",
  alpha: "float",
  beta: "float",
  gamma: "float",
  bias: "float",
  lambd: "float",
  epsilon: "float",
  momentum: "float",
  size: "int",
  num_groups: "int",
  training_mode: "int",
  is_test: "int",
  ratio: "float",
  min: "float",
  max: "float",
  // data movement
  blocksize: "int",
  block_size: "int",
  mode: "string",
  reduction: "string",
  to: "int",
  dtype: "int",
  saturate: "int",
  output_dtype: "int",
  k: "int",
  largest: "int",
  sorted: "int",
  upper: "int",
  reverse: "int",
  exclusive: "int",
  fmod: "int",
  equation: "string",
  approximate: "string",
  // Resize / Upsample
  scales: "floats",
  antialias: "int",
  coordinate_transformation_mode: "string",
  cubic_coeff_a: "float",
  exclude_outside: "int",
  extrapolation_value: "float",
  keep_aspect_ratio_policy: "string",
  nearest_mode: "string",
  // recurrent
  hidden_size: "int",
  direction: "string",
  activations: "strings",
  activation_alpha: "floats",
  activation_beta: "floats",
  clip: "float",
  input_forget: "int",
  linear_before_reset: "int",
  layout: "int",
  // detection, signal, control flow
  center_point_box: "int",
  spatial_scale: "float",
  sampling_ratio: "int",
  output_height: "int",
  output_width: "int",
  onesided: "int",
  inverse: "int",
  detect_negative: "int",
  detect_positive: "int",
  num_scan_inputs: "int",
  body: "graph",
  then_branch: "graph",
  else_branch: "graph",
  // attention
  q_num_heads: "int",
  kv_num_heads: "int",
  // Constant's value forms
  sparse_value: "sparse_tensor",
  value_float: "float",
  value_floats: "floats",
  value_int: "int",
  value_ints: "ints",
  value_string: "string",
  value_strings: "strings",
};

/** Ops that use a name of the table with another type, or a name the table leaves out. */
export const ONNX_OP_ATTRIBUTE_TYPES: Readonly<Record<string, Readonly<Record<string, AttributeType>>>> = {
  Constant: { value: "tensor" },
  ConstantOfShape: { value: "tensor" },
  // Pad-1 and Pad-2 held the pad value as an attribute; from Pad-11 on it is an input.
  Pad: { value: "float" },
};

/** The type the specification gives this attribute of this op, when our table knows it. */
export function expectedAttributeType(opType: string, name: string): AttributeType | undefined {
  return ONNX_OP_ATTRIBUTE_TYPES[opType]?.[name] ?? (name === "value" ? undefined : ONNX_ATTRIBUTE_TYPES[name]);
}
