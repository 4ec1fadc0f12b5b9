/**
 * Every lint rule id with a one-line explanation: shown by SARIF, listed in the README
 * (a test keeps the two in step), and the reference for what each finding means.
 */
export const RULE_DOCS: Readonly<Record<string, string>> = {
  "myriad/not-lowered": "an ONNX node has no OpenVINO opset1–10 equivalent here (or needs constants it does not have)",
  "myriad/unsupported-op":
    "a layer type the MYRIAD plugin has no stage for; fixable when an exact rewrite exists (HardSigmoid, LogSoftmax, Negative, Selu, SoftSign, " +
    "DepthToSpace, SpaceToDepth, ShuffleChannels, ReduceL1/L2, constant Range)",
  "myriad/opset-too-new": "a layer from opset11 or newer, which the OpenVINO 2022.3 IR reader refuses",
  "myriad/unsupported-version":
    "an op version the MYRIAD plugin does not convert (MaxPool-8 with indices or dilations, NonMaxSuppression-9, …)",
  "myriad/input-type": "a layer input of a type its MYRIAD stage refuses (e.g. S32 into Subtract, Greater or Floor); fixable with Converts",
  "myriad/unsupported-type": "a tensor type MYRIAD has no form for (int8, int16, float8 …)",
  "myriad/illegal-convert": "a Convert pair the MYRIAD Convert stage lacks (e.g. U8→S32); fixable with a chain of legal Converts",
  "myriad/spatial-rank": "convolution or pooling that is not 2-D; 1-D is fixable (run as 2-D), 3-D is not",
  "myriad/pad-rank": "Pad of a tensor that is not 4-D; ranks below 4 are fixable",
  "myriad/gather-axis": "Gather with an axis computed at run time",
  "myriad/gather-batch-dims": "Gather with batch_dims ≠ 0",
  "myriad/gather-elements-axis": "GatherElements with a negative axis (myriadc's own IRs always have a positive one)",
  "myriad/fixed-eps": "a warning: MVN or NormalizeL2 with an epsilon other than the 1e-9 MYRIAD always uses",
  "myriad/interpolate-mode": "Interpolate with a mode, coordinate mode, nearest mode or antialiasing MYRIAD lacks (e.g. cubic)",
  "myriad/interpolate-pads": "Interpolate with non-zero pads",
  "myriad/interpolate-axes": "Interpolate resizing the batch or channel axis",
  "myriad/interpolate-shape": "Interpolate whose sizes or scales are computed at run time; fixable when they derive from static shapes",
  "myriad/topk-k": "TopK whose k is computed at run time",
  "myriad/nms-attributes": "NonMaxSuppression with sort_result_descending, soft NMS or the selected_scores output, which MYRIAD lacks",
  "myriad/dynamic-shape": "a tensor size only known at run time; MYRIAD compiles static shapes",
  "myriad/i64-range": "a 64-bit integer constant outside the I32 range MYRIAD narrows it to",
  "myriad/fp16-overflow": "float constants beyond ±65504, which become ±Inf in FP16",
  "myriad/fp16-underflow": "non-zero float constants below FP16's smallest subnormal, which become 0",
  "myriad/fp16-activation-overflow": "with --calibrate: a tensor whose values exceed ±65504 on the calibration data (±Inf on MYRIAD)",
  "myriad/fp16-precision": "with --calibrate: the node where computing in FP16 first loses more than 1% against float32",
};
