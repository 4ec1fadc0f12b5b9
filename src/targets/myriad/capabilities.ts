/**
 * What the MYRIAD plugin of OpenVINO 2022.3.1 accepts, as one table keyed by OpenVINO op
 * type: the op versions it reads, the device types each input may have, and the attribute
 * and structure limits of its stages. Ops it refuses carry the rewrite that replaces them
 * (when one with identical semantics exists) or a concrete suggestion.
 *
 * Sources (all summarised with links in shared/docs/myriadx-target.md):
 *  [layers]  §2 "Parser map keys" and the official "Supported Layers" VPU column
 *  [limits]  §2 "Known limitations" (docs VPU.md)
 *  [stages]  §2 "Per-op constraints from stage sources" (intel_myriad/graph_transformer/src/stages/*)
 *  [opsets]  §2 "Opset versions"
 *  [eltwise] §2 stages/eltwise.cpp: input 0 FP16, S32 allowed only for the listed ops
 */
import type { MyriadType } from "./types.js";

/** A limit of a stage, checked by the op-constraint rule; `rule` is the finding's rule id. */
export type Constraint =
  /** A string attribute must be one of `allowed` (`fallback` when absent). */
  | { kind: "attr-in"; rule: string; name: string; allowed: readonly string[]; fallback: string; suggestion: string }
  /** An integer-list attribute must be all zeros. */
  | { kind: "attr-zeros"; rule: string; name: string; suggestion: string }
  /** Input `port` must have one of these ranks. */
  | { kind: "input-rank"; rule: string; port: number; ranks: readonly number[]; what: string; suggestion: string }
  /** Input `port` must be a constant. */
  | { kind: "const-input"; rule: string; port: number; what: string; suggestion: string }
  /** Input `port`, when present, must be a constant equal to `value`. */
  | { kind: "const-value"; rule: string; port: number; value: number; what: string; suggestion: string }
  /** Output `port` must not be used. */
  | { kind: "unused-output"; rule: string; port: number; what: string; suggestion: string }
  /** Output dims on `axes` must equal input 0's (Interpolate: no batch or channel resize). */
  | { kind: "same-dims"; rule: string; axes: readonly number[]; what: string; suggestion: string }
  /** An integer attribute must be at least `min`. */
  | { kind: "attr-min"; rule: string; name: string; min: number; suggestion: string }
  /**
   * The device ignores a numeric attribute and uses `value` instead: a warning, since results
   * change only slightly (MVN's and Normalize's epsilon).
   */
  | { kind: "attr-fixed"; rule: string; name: string; value: number; suggestion: string };

export interface SupportedOp {
  readonly supported: true;
  /** Op versions (the IR's opsetN) the plugin reads. */
  readonly versions: readonly number[];
  /** Device types accepted per input; unlisted inputs accept FP16 and I32. */
  readonly inputTypes?: Readonly<Record<number, readonly MyriadType[]>>;
  readonly constraints?: readonly Constraint[];
  readonly source: string;
}

export interface UnsupportedOp {
  readonly supported: false;
  /** How the toolchain refuses it, when that is not the usual unsupported-layer message ({name} = layer). */
  readonly refusal?: string;
  /** Name of the legalization rewrite that replaces the op exactly, if there is one. */
  readonly rewrite?: string;
  readonly suggestion: string;
  readonly source: string;
}

export type OpCapability = SupportedOp | UnsupportedOp;

const FP16_ONLY = { 0: ["FP16"] } as const;
const FP16_OR_I32 = { 0: ["FP16", "I32"] } as const;

const ok = (versions: readonly number[], source: string, more: Partial<SupportedOp> = {}): SupportedOp => ({
  supported: true,
  versions,
  source,
  ...more,
});
const no = (suggestion: string, source: string, rewrite?: string): UnsupportedOp => ({
  supported: false,
  suggestion,
  source,
  ...(rewrite ? { rewrite } : {}),
});

const HOST = "run this part on the host (cut the graph with fix --outputs/--inputs) or change the export";

const spatial2d = (port = 0): Constraint => ({
  kind: "input-rank",
  rule: "myriad/spatial-rank",
  port,
  ranks: [4],
  what: "only 2-D spatial (4-D NCHW) inputs",
  suggestion: "1-D convolutions and pooling are rewritten to 2-D by fix --target myriad; 3-D ones must run on the host",
});

const eltwise = (sInput: boolean): SupportedOp => ok([1], "[eltwise] [layers] Eltwise", { inputTypes: sInput ? FP16_OR_I32 : FP16_ONLY });

export const MYRIAD_OPS: Readonly<Record<string, OpCapability>> = {
  Parameter: ok([1], "[layers]"),
  Const: ok([1], "[layers]"),
  Result: ok([1], "[layers]"),
  Convert: ok([1], "[stages] convert.cpp (pairs checked by myriad/illegal-convert)"),
  Convolution: ok([1], "[layers] Convolution 2D only", { inputTypes: FP16_ONLY, constraints: [spatial2d()] }),
  GroupConvolution: ok([1], "[layers] Convolution (grouped) 2D only", { inputTypes: FP16_ONLY, constraints: [spatial2d()] }),
  ConvolutionBackpropData: ok([1], "[layers] Deconvolution (2D)", { inputTypes: FP16_ONLY, constraints: [spatial2d()] }),
  GroupConvolutionBackpropData: ok([1], "[layers] Deconvolution (2D)", { inputTypes: FP16_ONLY, constraints: [spatial2d()] }),
  MaxPool: ok([1], "[layers] Pooling MAX 2D; MaxPool-8 is not among the plugin's conversions [opsets]", {
    inputTypes: FP16_ONLY,
    constraints: [spatial2d()],
  }),
  AvgPool: ok([1], "[layers] Pooling AVG 2D", { inputTypes: FP16_ONLY, constraints: [spatial2d()] }),
  ReLU: ok([1], "[layers] ReLU", { inputTypes: FP16_ONLY }),
  Clamp: ok([1], "[layers] Clamp", { inputTypes: FP16_ONLY }),
  Sigmoid: ok([1], "[layers] Sigmoid", { inputTypes: FP16_ONLY }),
  Tanh: ok([1], "[layers] TanH", { inputTypes: FP16_ONLY }),
  Elu: ok([1], "[layers] ELU", { inputTypes: FP16_ONLY }),
  Exp: ok([1], "[layers] Exp", { inputTypes: FP16_ONLY }),
  Log: ok([1], "[layers] Log", { inputTypes: FP16_ONLY }),
  Sqrt: ok([1], "[layers] Power (Sqrt→Power in ConvertOpSet1ToLegacy)", { inputTypes: FP16_ONLY }),
  Floor: ok([1], "[stages] Floor is FP16 only (PINTO_model_zoo #312)", { inputTypes: FP16_ONLY }),
  Ceiling: ok([1], "[layers] Ceiling", { inputTypes: FP16_ONLY }),
  Erf: ok([1], "[layers] Erf", { inputTypes: FP16_ONLY }),
  Sign: ok([1], "[layers] Sign", { inputTypes: FP16_ONLY }),
  Abs: ok([1], "[eltwise] Abs accepts S32", { inputTypes: FP16_OR_I32 }),
  PRelu: ok([1], "[layers] PReLU", { inputTypes: FP16_ONLY }),
  SoftMax: ok([1], "[layers] SoftMax", { inputTypes: FP16_ONLY }),
  MatMul: ok([1], "[layers] FullyConnected/GEMM", { inputTypes: FP16_ONLY }),
  SoftPlus: ok([4], "[layers] SoftPlus", { inputTypes: FP16_ONLY }),
  Swish: ok([4], "[layers] Swish", { inputTypes: FP16_ONLY }),
  HSwish: ok([4], "[layers] HSwish", { inputTypes: FP16_ONLY }),
  Mish: ok([4], "[layers] Mish", { inputTypes: FP16_ONLY }),
  Gelu: ok([2, 7], "[layers] Gelu", { inputTypes: FP16_ONLY }),
  Round: ok([5], "[layers] Round", { inputTypes: FP16_ONLY }),
  Add: eltwise(true),
  Multiply: eltwise(true),
  Divide: eltwise(true),
  Maximum: eltwise(true),
  Minimum: eltwise(true),
  Equal: eltwise(true),
  GreaterEqual: eltwise(true),
  Select: eltwise(true),
  LogicalNot: eltwise(true),
  LogicalAnd: eltwise(true),
  Subtract: eltwise(false),
  Power: eltwise(false),
  SquaredDifference: eltwise(false),
  FloorMod: eltwise(false),
  Mod: eltwise(false),
  NotEqual: eltwise(false),
  Less: eltwise(false),
  LessEqual: eltwise(false),
  Greater: eltwise(false),
  LogicalOr: eltwise(false),
  LogicalXor: eltwise(false),
  Concat: ok([1], "[layers] Concat"),
  Split: ok([1], "[layers] Split"),
  VariadicSplit: ok([1], "[layers] Split"),
  Reshape: ok([1], "[layers] Reshape"),
  Squeeze: ok([1], "[layers] Squeeze"),
  Unsqueeze: ok([1], "[layers] Unsqueeze"),
  Transpose: ok([1], "[layers] Permute"),
  StridedSlice: ok([1], "[layers] StridedSlice"),
  Tile: ok([1], "[layers] Tile"),
  Broadcast: ok([1, 3], "[layers] Broadcast (StaticShapeBroadcast)"),
  ShapeOf: ok([1, 3], "[layers] (DynamicToStaticShape folds ShapeOf of static shapes)"),
  Gather: ok([1, 7, 8], "[stages] gather.cpp; Gather-7/8 converted to Gather-1", {
    constraints: [
      {
        kind: "const-input",
        rule: "myriad/gather-axis",
        port: 2,
        what: "the axis",
        suggestion: "make the axis a constant (fix folds computed axes when shapes are static)",
      },
      {
        kind: "attr-zeros",
        rule: "myriad/gather-batch-dims",
        name: "batch_dims",
        suggestion: "batch_dims must be 0 for the conversion to Gather-1; reshape the batch into the indices instead",
      },
    ],
  }),
  GatherND: ok([5, 8], "[layers] GatherND; GatherND-8 converted to GatherND-5"),
  GatherElements: ok([6], "[layers] GatherElements; no negative axis [limits]", {
    constraints: [
      {
        kind: "attr-min",
        rule: "myriad/gather-elements-axis",
        name: "axis",
        min: 0,
        suggestion: "write the positive axis (axis + rank) into the IR; IRs that myriadc writes already do",
      },
    ],
  }),
  ScatterUpdate: ok([3], "[layers] ScatterUpdate"),
  ScatterElementsUpdate: ok([3], "[layers] ScatterElementsUpdate"),
  Pad: ok([1], "[limits] Pad only 4D; 'Unsupported pad value' (blobconverter #34)", {
    inputTypes: FP16_ONLY,
    constraints: [
      {
        kind: "input-rank",
        rule: "myriad/pad-rank",
        port: 0,
        ranks: [4],
        what: "only 4-D inputs",
        suggestion: "fix --target myriad runs a Pad of rank below 4 with constant pads on a 4-D view",
      },
    ],
  }),
  Interpolate: ok([1, 4], "[stages] interpolate.cpp", {
    inputTypes: FP16_ONLY,
    constraints: [
      {
        kind: "attr-in",
        rule: "myriad/interpolate-mode",
        name: "mode",
        allowed: ["nearest", "linear", "linear_onnx"],
        fallback: "nearest",
        suggestion:
          "use nearest or (bi)linear resizing in the model (cubic is refused: \"Current Interpolate supports 'nearest' and 'linear' modes only\")",
      },
      {
        kind: "attr-in",
        rule: "myriad/interpolate-mode",
        name: "coordinate_transformation_mode",
        allowed: ["asymmetric", "half_pixel", "pytorch_half_pixel", "tf_half_pixel_for_nn", "align_corners"],
        fallback: "half_pixel",
        suggestion: "export with another coordinate_transformation_mode",
      },
      {
        kind: "attr-in",
        rule: "myriad/interpolate-mode",
        name: "nearest_mode",
        allowed: ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple"],
        fallback: "round_prefer_floor",
        suggestion: "export with another nearest_mode",
      },
      {
        kind: "attr-in",
        rule: "myriad/interpolate-mode",
        name: "antialias",
        allowed: ["false"],
        fallback: "false",
        suggestion: "disable antialiasing in the export",
      },
      { kind: "attr-zeros", rule: "myriad/interpolate-pads", name: "pads_begin", suggestion: "pad with a separate Pad before resizing" },
      { kind: "attr-zeros", rule: "myriad/interpolate-pads", name: "pads_end", suggestion: "pad with a separate Pad before resizing" },
      {
        kind: "const-input",
        rule: "myriad/interpolate-shape",
        port: 1,
        what: "the output sizes",
        suggestion: "give the model static input shapes so fix can compute the sizes ahead of time",
      },
      {
        kind: "const-input",
        rule: "myriad/interpolate-shape",
        port: 2,
        what: "the scales",
        suggestion: "give the model static input shapes so fix can compute the scales ahead of time",
      },
      {
        kind: "same-dims",
        rule: "myriad/interpolate-axes",
        axes: [0, 1],
        what: "no resize over the batch or channel axis",
        suggestion: "resize only the spatial axes (H, W)",
      },
    ],
  }),
  ReduceMean: ok([1], "[layers] ReduceMean"),
  ReduceMax: ok([1], "[layers] ReduceMax"),
  ReduceMin: ok([1], "[layers] ReduceMin"),
  ReduceSum: ok([1], "[layers] ReduceSum"),
  ReduceLogicalAnd: ok([1], "[layers] ReduceAnd"),
  TopK: ok([1, 3], "[stages] topk.cpp", {
    inputTypes: FP16_ONLY,
    constraints: [{ kind: "const-input", rule: "myriad/topk-k", port: 1, what: "k", suggestion: "make k a constant" }],
  }),
  NonMaxSuppression: ok([1, 3, 4, 5], "[stages] static_shape_nms.cpp (NMS-9 not converted)", {
    constraints: [
      {
        kind: "attr-in",
        rule: "myriad/nms-attributes",
        name: "sort_result_descending",
        allowed: ["false"],
        fallback: "true",
        suggestion: "set sort_result_descending=false (sort on the host if needed)",
      },
      {
        kind: "const-value",
        rule: "myriad/nms-attributes",
        port: 5,
        value: 0,
        what: "soft_nms_sigma",
        suggestion: "soft NMS is not available: use soft_nms_sigma = 0",
      },
      {
        kind: "unused-output",
        rule: "myriad/nms-attributes",
        port: 1,
        what: "selected_scores",
        suggestion: "gather the scores with the selected indices instead",
      },
    ],
  }),
  MVN: ok([1, 6], "[layers] MVN (fixed eps 1e-9 per [limits])", {
    inputTypes: FP16_ONLY,
    constraints: [
      {
        kind: "attr-fixed",
        rule: "myriad/fixed-eps",
        name: "eps",
        value: 1e-9,
        suggestion: "expect results to differ where the variance is near the model's eps",
      },
    ],
  }),
  NormalizeL2: ok([1], "[layers] Normalize (across_spatial=0, eps fixed 1e-9 per [limits])", {
    inputTypes: FP16_ONLY,
    constraints: [
      {
        kind: "attr-fixed",
        rule: "myriad/fixed-eps",
        name: "eps",
        value: 1e-9,
        suggestion: "expect results to differ for vectors whose norm is near the model's eps",
      },
    ],
  }),
  LRN: ok([1], "[layers] Norm", { inputTypes: FP16_ONLY }),
  GRN: ok([1], "[layers] GRN", { inputTypes: FP16_ONLY }),
  OneHot: ok([1], "[layers] OneHot"),
  ReverseSequence: ok([1], "[layers] ReverseSequence"),
  NonZero: ok([3], "[layers] StaticShapeNonZero"),
  CTCGreedyDecoder: ok([1], "[layers] CTCGreedyDecoder (ctc_merge_repeated=1 only)"),
  CTCGreedyDecoderSeqLen: ok([6], "[layers] CTCGreedyDecoderSeqLen"),
  DetectionOutput: ok([1], "[layers] DetectionOutput"),
  PriorBox: ok([1], "[layers] PriorBox"),
  PriorBoxClustered: ok([1], "[layers] PriorBoxClustered"),
  Proposal: ok([1, 4], "[layers] Proposal"),
  RegionYolo: ok([1], "[layers] RegionYolo"),
  ReorgYolo: ok([1], "[layers] ReorgYolo"),
  ROIPooling: ok([1], "[layers] ROIPooling"),
  PSROIPooling: ok([1], "[layers] PSROIPooling"),
  ROIAlign: ok([3], "[layers] ROIAlign"),
  LSTMCell: ok([1, 4], "[layers] LSTMCell"),
  LSTMSequence: ok([1, 5], "[layers] LSTMSequence"),
  TensorIterator: ok([1], "[layers] TensorIterator"),
  ExperimentalDetectronDetectionOutput: ok([6], "[layers]"),
  ExperimentalDetectronROIFeatureExtractor: ok([6], "[layers]"),
  ExperimentalDetectronPriorGridGenerator: ok([6], "[layers]"),
  ExperimentalDetectronGenerateProposalsSingleImage: ok([6], "[layers]"),
  ExperimentalDetectronTopKROIs: ok([6], "[layers]"),

  // Refused by the plugin; rewritten by fix --target myriad where the semantics allow.
  HardSigmoid: no("rewritten as Multiply, Add and Clamp", "[layers] HardSigmoid not supported on VPU", "hard-sigmoid"),
  HSigmoid: no("rewritten as Multiply, Add and Clamp", "not in [layers]", "hard-sigmoid"),
  LogSoftmax: no("rewritten as x − max − log Σ exp(x − max)", "[layers] LogSoftmax not supported on VPU", "log-softmax"),
  Negative: no("rewritten as Multiply by −1", "[layers] Neg not supported on VPU", "negative"),
  Selu: no("rewritten as λ·Elu(x, α)", "[layers] Selu not supported on VPU", "selu"),
  SoftSign: no("rewritten as x / (1 + |x|)", "[layers] Softsign not supported on VPU", "softsign"),
  DepthToSpace: no("rewritten as Reshape, Transpose, Reshape", "[layers] DepthToSpace not supported on VPU", "depth-space"),
  SpaceToDepth: no("rewritten as Reshape, Transpose, Reshape", "[layers] SpaceToDepth not supported on VPU", "depth-space"),
  ShuffleChannels: no("rewritten as Reshape, Transpose, Reshape", "[layers] ShuffleChannels not supported on VPU", "shuffle-channels"),
  ReduceL1: no("rewritten as ReduceSum of Abs", "[layers] ReduceL1 not supported on VPU", "reduce-lp"),
  ReduceL2: no("rewritten as Sqrt of ReduceSum of x·x", "[layers] ReduceL2 not supported on VPU", "reduce-lp"),
  Range: no("fold it: with constant inputs fix computes it ahead of time", "[layers] Range not supported on VPU", "fold-constant"),
  ReduceProd: no(`no exact rewrite; ${HOST}`, "[layers] ReduceProd not supported on VPU"),
  ReduceLogicalOr: no(`no exact rewrite; ${HOST}`, "[layers] ReduceOr not supported on VPU"),
  CumSum: no(
    `no MYRIAD layer (compile_tool: unsupported layer type "CumSum", depthai-core #858); ${HOST}`,
    "[layers] not in the parser map",
  ),
  ScatterNDUpdate: no(`no MYRIAD layer (depthai-core #858); ${HOST}`, "[layers] not in the parser map"),
  Sin: no(`trigonometric functions do not run on MYRIAD (openvino #25628); ${HOST}`, "[layers] Sin not supported on VPU"),
  Cos: no(`trigonometric functions do not run on MYRIAD; ${HOST}`, "[layers] Cos not supported on VPU"),
  Tan: no(`trigonometric functions do not run on MYRIAD; ${HOST}`, "[layers] Tan not supported on VPU"),
  Asin: no(`trigonometric functions do not run on MYRIAD; ${HOST}`, "[layers] Asin not supported on VPU"),
  Acos: no(`trigonometric functions do not run on MYRIAD; ${HOST}`, "[layers] Acos not supported on VPU"),
  Atan: no(`trigonometric functions do not run on MYRIAD; ${HOST}`, "[layers] Atan not supported on VPU"),
  Sinh: no(`hyperbolic functions do not run on MYRIAD; ${HOST}`, "[layers] Sinh not supported on VPU"),
  Cosh: no(`hyperbolic functions do not run on MYRIAD; ${HOST}`, "[layers] Cosh not supported on VPU"),
  Asinh: no(`hyperbolic functions do not run on MYRIAD; ${HOST}`, "[layers] Asinh not supported on VPU"),
  Acosh: no(`hyperbolic functions do not run on MYRIAD; ${HOST}`, "[layers] Acosh not supported on VPU"),
  Atanh: no(`hyperbolic functions do not run on MYRIAD; ${HOST}`, "[layers] Atanh not supported on VPU"),
  IsNaN: no(`no MYRIAD layer; ${HOST}`, "[layers] not in the parser map"),
  IsInf: no(`no MYRIAD layer; ${HOST}`, "[layers] not in the parser map"),
  IsFinite: no(`no MYRIAD layer; ${HOST}`, "[layers] not in the parser map"),
  Einsum: no(`no MYRIAD layer; export the contraction as MatMul/Transpose; ${HOST}`, "[layers] not in the parser map"),
  GridSample: no(`no MYRIAD layer; ${HOST}`, "[layers] not in the parser map"),
  If: {
    ...no(
      "a data-dependent If cannot run on MYRIAD: freeze its condition input (fix --freeze) so fix inlines the taken branch, or run it on the host",
      "[layers]; DynamicToStaticShape refuses If (openvino #14281)",
    ),
    refusal: "DynamicToStaticShape transformation encountered dynamic node {name} of type If",
  },
  Loop: no(`loops cannot run on MYRIAD (blobconverter #14); ${HOST}`, "[layers] not in the parser map"),
};

/** Op types a lint finding may name with `myriad/unsupported-op`: everything not in the table is refused. */
export function capabilityOf(type: string): OpCapability | undefined {
  return MYRIAD_OPS[type];
}

/** The newest opset the 2022.3 IR reader knows ([opsets]). */
export const NEWEST_OPSET = 10;
