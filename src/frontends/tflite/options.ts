/**
 * Builtin options of the ops translated here, as data: for each options table of schema.fbs,
 * its fields in slot order with their type and default. `readOptions` turns an operator's
 * options table into a plain record (defaults filled in when the table or a field is absent).
 */
import type { FlatTable } from "./flat.js";
import type { TfliteOperator } from "./schema.js";

type FieldKind = "int" | "byte" | "bool" | "float" | "ints";
/** [name, kind, default] per slot; an empty name marks a slot this reader skips. */
type FieldSpec = readonly [string, FieldKind, (number | boolean)?];

const CONV_2D: readonly FieldSpec[] = [
  ["padding", "byte"],
  ["stride_w", "int"],
  ["stride_h", "int"],
  ["fused_activation_function", "byte"],
  ["dilation_w_factor", "int", 1],
  ["dilation_h_factor", "int", 1],
];
const CONV_3D: readonly FieldSpec[] = [
  ["padding", "byte"],
  ["stride_d", "int"],
  ["stride_w", "int"],
  ["stride_h", "int"],
  ["fused_activation_function", "byte"],
  ["dilation_d_factor", "int", 1],
  ["dilation_w_factor", "int", 1],
  ["dilation_h_factor", "int", 1],
];
const POOL_2D: readonly FieldSpec[] = [
  ["padding", "byte"],
  ["stride_w", "int"],
  ["stride_h", "int"],
  ["filter_width", "int"],
  ["filter_height", "int"],
  ["fused_activation_function", "byte"],
];
const DEPTHWISE: readonly FieldSpec[] = [
  ["padding", "byte"],
  ["stride_w", "int"],
  ["stride_h", "int"],
  ["depth_multiplier", "int"],
  ["fused_activation_function", "byte"],
  ["dilation_w_factor", "int", 1],
  ["dilation_h_factor", "int", 1],
];
const ACTIVATION_ONLY: readonly FieldSpec[] = [["fused_activation_function", "byte"]];
const REDUCER: readonly FieldSpec[] = [["keep_dims", "bool"]];
const RESIZE_NEAREST: readonly FieldSpec[] = [
  ["align_corners", "bool"],
  ["half_pixel_centers", "bool"],
];
const SEQUENCE_LSTM: readonly FieldSpec[] = [
  ["fused_activation_function", "byte"],
  ["cell_clip", "float"],
  ["proj_clip", "float"],
  ["time_major", "bool"],
  ["asymmetric_quantize_inputs", "bool"],
  ["diagonal_recurrent_tensors", "bool"],
];

/** Options layout per TFLite op name (ops sharing an options table share the entry). */
const OPTION_TABLES: Readonly<Record<string, readonly FieldSpec[]>> = {
  CONV_2D,
  CONV_3D,
  DEPTHWISE_CONV_2D: DEPTHWISE,
  AVERAGE_POOL_2D: POOL_2D,
  MAX_POOL_2D: POOL_2D,
  L2_POOL_2D: POOL_2D,
  FULLY_CONNECTED: [
    ["fused_activation_function", "byte"],
    ["weights_format", "byte"],
    ["keep_num_dims", "bool"],
    ["asymmetric_quantize_inputs", "bool"],
  ],
  SOFTMAX: [["beta", "float"]],
  CONCATENATION: [
    ["axis", "int"],
    ["fused_activation_function", "byte"],
  ],
  ADD: ACTIVATION_ONLY,
  SUB: ACTIVATION_ONLY,
  MUL: ACTIVATION_ONLY,
  DIV: ACTIVATION_ONLY,
  L2_NORMALIZATION: ACTIVATION_ONLY,
  LOCAL_RESPONSE_NORMALIZATION: [
    ["radius", "int"],
    ["bias", "float"],
    ["alpha", "float"],
    ["beta", "float"],
  ],
  RESIZE_BILINEAR: [
    ["", "int"],
    ["", "int"],
    ["align_corners", "bool"],
    ["half_pixel_centers", "bool"],
  ],
  RESIZE_NEAREST_NEIGHBOR: RESIZE_NEAREST,
  RESHAPE: [["new_shape", "ints"]],
  SPACE_TO_DEPTH: [["block_size", "int"]],
  DEPTH_TO_SPACE: [["block_size", "int"]],
  GATHER: [
    ["axis", "int"],
    ["batch_dims", "int"],
  ],
  MEAN: REDUCER,
  SUM: REDUCER,
  REDUCE_MAX: REDUCER,
  REDUCE_MIN: REDUCER,
  REDUCE_PROD: REDUCER,
  REDUCE_ANY: REDUCER,
  REDUCE_ALL: REDUCER,
  SQUEEZE: [["squeeze_dims", "ints"]],
  SPLIT: [["num_splits", "int"]],
  SPLIT_V: [["num_splits", "int"]],
  STRIDED_SLICE: [
    ["begin_mask", "int"],
    ["end_mask", "int"],
    ["ellipsis_mask", "int"],
    ["new_axis_mask", "int"],
    ["shrink_axis_mask", "int"],
    ["offset", "bool"],
  ],
  CAST: [
    ["in_data_type", "byte"],
    ["out_data_type", "byte"],
  ],
  ARG_MAX: [["output_type", "byte"]],
  ARG_MIN: [["output_type", "byte"]],
  TRANSPOSE_CONV: [
    ["padding", "byte"],
    ["stride_w", "int"],
    ["stride_h", "int"],
    ["fused_activation_function", "byte"],
  ],
  SHAPE: [["out_type", "byte"]],
  PACK: [
    ["values_count", "int"],
    ["axis", "int"],
  ],
  UNPACK: [
    ["num", "int"],
    ["axis", "int"],
  ],
  ONE_HOT: [["axis", "int"]],
  LEAKY_RELU: [["alpha", "float"]],
  MIRROR_PAD: [["mode", "byte"]],
  REVERSE_SEQUENCE: [
    ["seq_dim", "int"],
    ["batch_dim", "int"],
  ],
  IF: [
    ["then_subgraph_index", "int"],
    ["else_subgraph_index", "int"],
  ],
  WHILE: [
    ["cond_subgraph_index", "int"],
    ["body_subgraph_index", "int"],
  ],
  BATCH_MATMUL: [
    ["adj_x", "bool"],
    ["adj_y", "bool"],
  ],
  CUMSUM: [
    ["exclusive", "bool"],
    ["reverse", "bool"],
  ],
  GELU: [["approximate", "bool"]],
  FAKE_QUANT: [
    ["min", "float"],
    ["max", "float"],
    ["num_bits", "int"],
    ["narrow_range", "bool"],
  ],
  UNIDIRECTIONAL_SEQUENCE_LSTM: SEQUENCE_LSTM,
  BIDIRECTIONAL_SEQUENCE_LSTM: [
    ["fused_activation_function", "byte"],
    ["cell_clip", "float"],
    ["proj_clip", "float"],
    ["merge_outputs", "bool"],
    ["time_major", "bool", true],
    ["asymmetric_quantize_inputs", "bool"],
  ],
  UNIDIRECTIONAL_SEQUENCE_RNN: [
    ["time_major", "bool"],
    ["fused_activation_function", "byte"],
    ["asymmetric_quantize_inputs", "bool"],
  ],
  BIDIRECTIONAL_SEQUENCE_RNN: [
    ["time_major", "bool"],
    ["fused_activation_function", "byte"],
    ["merge_outputs", "bool"],
    ["asymmetric_quantize_inputs", "bool"],
  ],
};

export type OptionValue = number | boolean | number[];
export type Options = Readonly<Record<string, OptionValue>>;

function readField(t: FlatTable | undefined, slot: number, kind: FieldKind, fallback: number | boolean | undefined): OptionValue {
  switch (kind) {
    case "int":
      return t ? t.int32(slot, Number(fallback ?? 0)) : Number(fallback ?? 0);
    case "byte":
      return t ? t.int8(slot, Number(fallback ?? 0)) : Number(fallback ?? 0);
    case "bool":
      return t ? t.bool(slot, Boolean(fallback ?? false)) : Boolean(fallback ?? false);
    case "float":
      return t ? t.float32(slot, Number(fallback ?? 0)) : Number(fallback ?? 0);
    case "ints":
      return t?.int32s(slot) ?? [];
  }
}

/** The operator's builtin options by field name, defaults filled in. */
export function readOptions(op: TfliteOperator): Options {
  const spec = OPTION_TABLES[op.opcode.name] ?? [];
  const out: Record<string, OptionValue> = {};
  spec.forEach(([name, kind, fallback], slot) => {
    if (name) out[name] = readField(op.options, slot, kind, fallback);
  });
  return out;
}

/** ActivationFunctionType enum (schema order). */
export const ACTIVATIONS = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Padding enum: 0 SAME, 1 VALID. */
export const PADDING_SAME = 0;
