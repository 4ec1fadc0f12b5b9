/**
 * Every MYRIAD lint rule on small OpenVINO-dialect graphs, through the RuleTester
 * (test/support/rule-tester.ts): valid cases, near misses among them, and invalid cases with
 * the rule id, node, message and fixability of each finding; the tester legalizes every
 * invalid case and checks that what was called fixable is gone (with the same numerics) and
 * what was not is still there.
 */
import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/ir/tensor.js";
import type { Value } from "../../src/ir/value.js";
import { fp16Calibration } from "../../src/lint/fp16-calibration.js";
import { dynamicShapeRule } from "../../src/lint/rules/dynamic-shape.js";
import { fp16ConstantsRule } from "../../src/lint/rules/fp16-constants.js";
import { i64RangeRule } from "../../src/lint/rules/i64-range.js";
import { illegalConvertRule } from "../../src/lint/rules/illegal-convert.js";
import { inputTypeRule } from "../../src/lint/rules/input-type.js";
import { opConstraintsRule } from "../../src/lint/rules/op-constraints.js";
import { opVersionRule } from "../../src/lint/rules/op-version.js";
import { unsupportedOpRule } from "../../src/lint/rules/unsupported-op.js";
import type { OvBuilder } from "../../src/lower/builder.js";
import { type InputSpec, ovModel, runRuleTests } from "../support/rule-tester.js";

const numpy = { auto_broadcast: "numpy" };
const F = (dims: (number | null)[], name = "x"): InputSpec => [name, "float32", dims];
const I = (name: string, dims: number[]): InputSpec => [name, "int32", dims];
const f32 = (b: OvBuilder, name: string, v: number) => b.floats(name, [v], "float32", []);
const unary = (type: string, version = 1, dims = [2, 5], attrs = {}) => ovModel([F(dims)], (b, [x]) => [b.one(type, version, [x], attrs)]);
const NO_LAYER = (op: string, node = `n/${op}`) =>
  `${op} has no MYRIAD layer (compile_tool: Failed to compile layer "${node}": unsupported layer type "${op}")`;

runRuleTests("myriad/unsupported-op", unsupportedOpRule, {
  valid: [
    { name: "ReLU runs on MYRIAD", model: () => unary("ReLU") },
    { name: "near miss: HSwish runs (HSigmoid does not)", model: () => unary("HSwish", 4) },
    { name: "near miss: SoftPlus-4 runs", model: () => unary("SoftPlus", 4) },
  ],
  invalid: [
    {
      name: "Sin: no layer, no exact rewrite",
      model: () => unary("Sin"),
      errors: [
        {
          rule: "myriad/unsupported-op",
          node: "n/Sin",
          message: NO_LAYER("Sin"),
          fixable: false,
          whyNotFixable: /no exact rewrite of Sin/,
        },
      ],
    },
    ...(
      [
        ["HSigmoid", () => unary("HSigmoid", 5)],
        ["LogSoftmax", () => unary("LogSoftmax", 5, [2, 5], { axis: 1 })],
        ["LogSoftmax with a negative axis", () => unary("LogSoftmax", 5, [2, 5], { axis: -1 })],
        ["Negative", () => unary("Negative")],
        ["SoftSign", () => unary("SoftSign", 9)],
        ["DepthToSpace blocks_first", () => unary("DepthToSpace", 1, [1, 8, 2, 3], { mode: "blocks_first", block_size: 2 })],
        ["DepthToSpace depth_first", () => unary("DepthToSpace", 1, [1, 8, 2, 3], { mode: "depth_first", block_size: 2 })],
        ["SpaceToDepth", () => unary("SpaceToDepth", 1, [1, 2, 4, 6], { mode: "blocks_first", block_size: 2 })],
        ["ShuffleChannels", () => unary("ShuffleChannels", 1, [1, 6, 2, 2], { axis: 1, group: 3 })],
      ] as const
    ).map(([name, model]) => {
      const op = name.split(" ")[0]!;
      return {
        name: `${name}: rewritten exactly`,
        model,
        errors: [{ rule: "myriad/unsupported-op", node: `n/${op}`, message: NO_LAYER(op), fixable: true }],
      };
    }),
    {
      name: "HardSigmoid: rewritten as Multiply, Add, Clamp",
      model: () => ovModel([F([2, 5])], (b, [x]) => [b.one("HardSigmoid", 1, [x, f32(b, "a", 0.2), f32(b, "b", 0.5)])]),
      errors: [{ rule: "myriad/unsupported-op", node: "n/HardSigmoid", message: NO_LAYER("HardSigmoid"), fixable: true }],
    },
    {
      name: "Selu with constant α: λ·Elu",
      model: () => ovModel([F([2, 5])], (b, [x]) => [b.one("Selu", 1, [x, f32(b, "a", 1.67), f32(b, "l", 1.05)])]),
      errors: [{ rule: "myriad/unsupported-op", node: "n/Selu", message: NO_LAYER("Selu"), fixable: true }],
    },
    {
      name: "Selu whose α is an input: Elu needs it constant",
      model: () => ovModel([F([2, 5]), F([], "a")], (b, [x, a]) => [b.one("Selu", 1, [x, a, f32(b, "l", 1.05)])]),
      errors: [
        {
          rule: "myriad/unsupported-op",
          node: "n/Selu",
          message: NO_LAYER("Selu"),
          fixable: false,
          whyNotFixable: "its alpha is computed at run time (Elu needs it as a constant)",
        },
      ],
    },
    ...(["ReduceL1", "ReduceL2"] as const).map((op) => ({
      name: `${op}: ReduceSum of |x| or x²`,
      model: () => ovModel([F([2, 5])], (b, [x]) => [b.one(op, 4, [x, b.i64("ax", [1])], { keep_dims: op === "ReduceL1" })]),
      errors: [{ rule: "myriad/unsupported-op", node: `n/${op}`, message: NO_LAYER(op), fixable: true }],
    })),
    {
      name: "Range of constants: folded",
      model: () =>
        ovModel([F([4])], (b, [x]) => [
          b.one("Add", 1, [x, b.one("Range", 4, [f32(b, "s", 0), f32(b, "e", 4), f32(b, "d", 1)], { output_type: "f32" })], numpy),
        ]),
      errors: [{ rule: "myriad/unsupported-op", node: "n/Range", message: NO_LAYER("Range"), fixable: true }],
    },
    {
      name: "Range whose end is an input: not foldable",
      model: () => ovModel([F([], "e")], (b, [e]) => [b.one("Range", 4, [f32(b, "s", 0), e, f32(b, "d", 1)], { output_type: "f32" })]),
      errors: [
        {
          rule: "myriad/unsupported-op",
          node: "n/Range",
          message: NO_LAYER("Range"),
          fixable: false,
          whyNotFixable: 'input 1 ("e") is computed at run time',
        },
      ],
    },
  ],
});

const maxPool8 = (attrs: Record<string, number[]> = {}) => ({
  kernel: [2, 2],
  strides: [2, 2],
  pads_begin: [0, 0],
  pads_end: [0, 0],
  dilations: [1, 1],
  ...attrs,
});

runRuleTests("myriad/opset-too-new and myriad/unsupported-version", opVersionRule, {
  valid: [
    {
      name: "MaxPool-1",
      model: () => unary("MaxPool", 1, [1, 1, 4, 4], { kernel: [2, 2], strides: [2, 2], pads_begin: [0, 0], pads_end: [0, 0] }),
    },
    {
      name: "near miss: TopK-3 (a version MYRIAD converts)",
      model: () => ovModel([F([1, 5])], (b, [x]) => b.op("TopK", 3, [x, b.i64("k", [2], [])], { axis: 1, mode: "max", sort: "value" }, 2)),
    },
  ],
  invalid: [
    {
      name: "TopK-11 is newer than opset10",
      model: () => ovModel([F([1, 4])], (b, [x]) => b.op("TopK", 11, [x, b.i64("k", [2], [])], { axis: 1, mode: "max", sort: "value" }, 2)),
      errors: [
        { rule: "myriad/opset-too-new", node: "n/TopK", message: /^TopK comes from opset11, newer than the opset10/, fixable: false },
      ],
    },
    {
      name: "MaxPool-8 whose indices nobody reads: MaxPool-1",
      model: () => ovModel([F([1, 1, 4, 4])], (b, [x]) => [b.op("MaxPool", 8, [x], maxPool8(), 2)[0]!]),
      errors: [{ rule: "myriad/unsupported-version", node: "n/MaxPool", message: /^MaxPool-8 is not among the versions/, fixable: true }],
    },
    {
      name: "MaxPool-8 with its indices used",
      model: () => ovModel([F([1, 1, 4, 4])], (b, [x]) => b.op("MaxPool", 8, [x], maxPool8(), 2)),
      errors: [
        {
          rule: "myriad/unsupported-version",
          node: "n/MaxPool",
          message: /^MaxPool-8 is not among/,
          fixable: false,
          whyNotFixable: "its indices output is used, which MaxPool-1 does not have",
        },
      ],
    },
    {
      name: "MaxPool-8 dilated",
      model: () => ovModel([F([1, 1, 6, 6])], (b, [x]) => [b.op("MaxPool", 8, [x], maxPool8({ dilations: [2, 2] }), 2)[0]!]),
      errors: [
        {
          rule: "myriad/unsupported-version",
          node: "n/MaxPool",
          message: /^MaxPool-8 is not among/,
          fixable: false,
          whyNotFixable: "it is dilated, which MaxPool-1 is not",
        },
      ],
    },
  ],
});

runRuleTests("myriad/input-type and myriad/unsupported-type", inputTypeRule, {
  valid: [
    {
      name: "S32 into Add, which accepts it",
      model: () => ovModel([I("a", [3]), I("b", [3])], (b, [p, q]) => [b.one("Add", 1, [p, q], numpy)]),
    },
    {
      name: "near miss: FP16 into Subtract",
      model: () => ovModel([F([3], "a"), F([3], "b")], (b, [p, q]) => [b.one("Subtract", 1, [p, q], numpy)]),
    },
  ],
  invalid: [
    {
      name: "S32 into Subtract: computed in float",
      model: () => ovModel([I("a", [3]), I("b", [3])], (b, [p, q]) => [b.one("Subtract", 1, [p, q], numpy)]),
      errors: [
        {
          rule: "myriad/input-type",
          node: "n/Subtract",
          message: "Stage node n/Subtract (Subtract) types check error: input #0 has type S32, but one of [FP16] is expected",
          fixable: true,
        },
      ],
    },
    {
      name: "S32 into Greater against a constant",
      model: () => ovModel([I("a", [4])], (b, [p]) => [b.one("Greater", 1, [p, b.i64("z", [0], [])], numpy)]),
      errors: [{ rule: "myriad/input-type", node: "n/Greater", message: /input #0 has type S32, but one of \[FP16\]/, fixable: true }],
    },
    {
      name: "U8 into Subtract: no Converts are inserted for U8",
      model: () => ovModel([["a", "uint8", [3]], F([3], "b")], (b, [p, q]) => [b.one("Subtract", 1, [p, q], numpy)]),
      errors: [
        {
          rule: "myriad/input-type",
          node: "n/Subtract",
          message: /input #0 has type U8, but one of \[FP16\] is expected/,
          fixable: false,
          whyNotFixable: "input 0 is U8; only S32 data is converted, to FP16, and only where FP16 is accepted",
        },
      ],
    },
    {
      name: "an int8 tensor",
      model: () => ovModel([F([2])], (b, [x]) => [b.one("Convert", 1, [x], { destination_type: "i8" })]),
      errors: [{ rule: "myriad/unsupported-type", node: "n/Convert", message: /is int8, a type MYRIAD has no form for/, fixable: false }],
    },
  ],
});

runRuleTests("myriad/illegal-convert", illegalConvertRule, {
  valid: [
    { name: "U8→FP16", model: () => ovModel([["x", "uint8", [6]]], (b, [x]) => [b.one("Convert", 1, [x], { destination_type: "f32" })]) },
    {
      name: "near miss: S32→U8 is legal",
      model: () => ovModel([I("x", [6])], (b, [x]) => [b.one("Convert", 1, [x], { destination_type: "u8" })]),
    },
  ],
  invalid: [
    {
      name: "U8→S32: chained through FP16",
      model: () => ovModel([["x", "uint8", [6]]], (b, [x]) => [b.one("Convert", 1, [x], { destination_type: "i32" })]),
      errors: [
        {
          rule: "myriad/illegal-convert",
          node: "n/Convert",
          message: "Conversion from U8 to S32 is unsupported by the MYRIAD Convert stage",
          fixable: true,
        },
      ],
    },
  ],
});

const conv1d = (b: OvBuilder, x: Value) =>
  b.one("Convolution", 1, [x, b.floats("w", [1, 2, 3, 4, 5, 6], "float32", [2, 1, 3])], {
    strides: [2],
    pads_begin: [1],
    pads_end: [0],
    dilations: [1],
    auto_pad: "explicit",
  });
const pool1d = { kernel: [3], strides: [2], pads_begin: [1], pads_end: [1], rounding_type: "floor" };
const pad = (b: OvBuilder, x: Value, begin: Value, end: Value) =>
  b.one("Pad", 1, [x, begin, end, f32(b, "v", 7)], { pad_mode: "constant" });
const interpolate = (b: OvBuilder, x: Value, sizes: Value, scales: Value, attrs: Record<string, string | number[]> = {}) =>
  b.one("Interpolate", 4, [x, sizes, scales, b.i64("ax", [0, 1, 2, 3])], {
    mode: "nearest",
    shape_calculation_mode: "sizes",
    coordinate_transformation_mode: "asymmetric",
    nearest_mode: "floor",
    antialias: "false",
    pads_begin: [0, 0, 0, 0],
    pads_end: [0, 0, 0, 0],
    cube_coeff: -0.75,
    ...attrs,
  });
const resize = (attrs: Record<string, string | number[]> = {}, sizes = [1, 1, 8, 8]) =>
  ovModel([F([1, 1, 4, 4])], (b, [x]) => [
    interpolate(
      b,
      x!,
      b.i64("s", sizes),
      b.floats(
        "sc",
        sizes.map((d, i) => d / [1, 1, 4, 4][i]!),
        "float32",
      ),
      attrs,
    ),
  ]);
const gather = (axis: (b: OvBuilder, extra: Value | undefined) => Value, extra?: InputSpec, batchDims = 0) =>
  ovModel([F([3, 4]), ...(extra ? [extra] : [])], (b, [x, e]) => [
    b.one("Gather", 8, [x, b.i64("i", [1, 0]), axis(b, e)], { batch_dims: batchDims }),
  ]);
const topk = (k: (b: OvBuilder, x: Value, extra: Value | undefined) => Value, extra?: InputSpec) =>
  ovModel([F([1, 5]), ...(extra ? [extra] : [])], (b, [x, e]) =>
    b.op("TopK", 3, [x, k(b, x!, e)], { axis: 1, mode: "max", sort: "value", index_element_type: "i32" }, 2),
  );
const nms = (sort: boolean, sigma = 0, scoresUsed = false) =>
  ovModel(
    [
      ["boxes", "float32", [1, 3, 4]],
      ["scores", "float32", [1, 1, 3]],
    ],
    (b, [bx, sc]) => {
      const outs = b.op(
        "NonMaxSuppression",
        5,
        [bx, sc, b.i64("m", [2], []), f32(b, "iou", 0.5), f32(b, "st", 0), f32(b, "sg", sigma)],
        { box_encoding: "corner", sort_result_descending: sort, output_type: "i32" },
        3,
      );
      return scoresUsed ? [outs[0]!, outs[1]!] : [outs[0]!];
    },
  );
const mvn = (eps: number) =>
  ovModel([F([1, 2, 4])], (b, [x]) => [b.one("MVN", 6, [x, b.i64("ax", [2])], { normalize_variance: true, eps, eps_mode: "inside_sqrt" })]);
const gatherElements = (axis: number) =>
  ovModel([F([2, 3])], (b, [x]) => [b.one("GatherElements", 6, [x, b.i64("i", [0, 1, 1, 0, 2, 2], [2, 3])], { axis })]);
/** Sizes [1,1,8,8] computed from the input's static shape: ShapeOf · [1,1,2,2]. */
const shapeTimesTwo = (b: OvBuilder, x: Value) =>
  b.one("Multiply", 1, [b.one("ShapeOf", 3, [x], { output_type: "i64" }), b.i64("two", [1, 1, 2, 2])], numpy);

runRuleTests("op constraints of the capability table", opConstraintsRule, {
  valid: [
    {
      name: "spatial-rank: a 2-D convolution",
      model: () =>
        ovModel([F([1, 1, 5, 5])], (b, [x]) => [
          b.one("Convolution", 1, [x, b.floats("w", new Array(9).fill(1), "float32", [1, 1, 3, 3])], {
            strides: [1, 1],
            pads_begin: [0, 0],
            pads_end: [0, 0],
            dilations: [1, 1],
          }),
        ]),
    },
    {
      name: "pad-rank: near miss, a 4-D Pad with pads computed at run time (only the rank is limited)",
      model: () => ovModel([F([1, 2, 3, 3]), ["p", "int64", [4]]], (b, [x, p]) => [pad(b, x!, p!, b.i64("pe", [0, 0, 1, 1]))]),
    },
    { name: "gather-axis: a constant axis", model: () => gather((b) => b.i64("a", [1], [])) },
    { name: "gather-batch-dims: batch_dims 0", model: () => gather((b) => b.i64("a", [0], [])) },
    { name: "gather-elements-axis: a positive axis", model: () => gatherElements(1) },
    { name: "fixed-eps: eps 1e-9", model: () => mvn(1e-9) },
    { name: "fixed-eps: near miss, eps within 0.1% of 1e-9", model: () => mvn(1.0005e-9) },
    { name: "interpolate-*: nearest, no pads, spatial axes, constant sizes", model: () => resize() },
    { name: "interpolate-mode: near miss, linear_onnx", model: () => resize({ mode: "linear_onnx" }) },
    { name: "topk-k: a constant k", model: () => topk((b) => b.i64("k", [2], [])) },
    {
      name: "topk-k: near miss, an i32 constant k",
      model: () => topk((b) => b.constTensor("k", Tensor.fromArray("int32", [], Int32Array.of(2)))),
    },
    { name: "nms-attributes: unsorted, no soft NMS, scores unused", model: () => nms(false) },
  ],
  invalid: [
    {
      name: "spatial-rank: 1-D convolution runs as 2-D",
      model: () => ovModel([F([1, 1, 9])], (b, [x]) => [conv1d(b, x!)]),
      errors: [
        {
          rule: "myriad/spatial-rank",
          node: "n/Convolution",
          message: "input 0 has rank 3; MYRIAD runs only 2-D spatial (4-D NCHW) inputs",
          fixable: true,
        },
      ],
    },
    {
      name: "spatial-rank: 1-D average pooling runs as 2-D",
      model: () => ovModel([F([1, 2, 9])], (b, [x]) => [b.one("AvgPool", 1, [x], { ...pool1d, "exclude-pad": "true" })]),
      errors: [{ rule: "myriad/spatial-rank", node: "n/AvgPool", message: /^input 0 has rank 3/, fixable: true }],
    },
    {
      name: "spatial-rank: 3-D pooling has no 2-D form",
      model: () =>
        unary("MaxPool", 1, [1, 1, 4, 4, 4], { kernel: [2, 2, 2], strides: [2, 2, 2], pads_begin: [0, 0, 0], pads_end: [0, 0, 0] }),
      errors: [
        {
          rule: "myriad/spatial-rank",
          node: "n/MaxPool",
          message: /^input 0 has rank 5/,
          fixable: false,
          whyNotFixable: "only 1-D layers run as 2-D; this one is 3-D",
        },
      ],
    },
    {
      name: "spatial-rank: 1-D MaxPool-8 whose indices are used stays 1-D",
      model: () => ovModel([F([1, 2, 9])], (b, [x]) => b.op("MaxPool", 8, [x], { ...pool1d, dilations: [1] }, 2)),
      errors: [
        {
          rule: "myriad/spatial-rank",
          node: "n/MaxPool",
          message: /^input 0 has rank 3/,
          fixable: false,
          whyNotFixable: "its second output (the pooling indices) is used, which the rewrite does not carry over",
        },
      ],
    },
    {
      name: "spatial-rank: 1-D MaxPool-8 without used indices becomes MaxPool-1, then 2-D",
      model: () => ovModel([F([1, 2, 9])], (b, [x]) => [b.op("MaxPool", 8, [x], { ...pool1d, dilations: [1] }, 2)[0]!]),
      errors: [{ rule: "myriad/spatial-rank", node: "n/MaxPool", message: /^input 0 has rank 3/, fixable: true }],
    },
    {
      name: "spatial-rank: 1-D deconvolution with an output_shape input stays 1-D",
      model: () =>
        ovModel([F([1, 1, 4])], (b, [x]) => [
          b.one("ConvolutionBackpropData", 1, [x, b.floats("w", [1, 1, 1], "float32", [1, 1, 3]), b.i64("os", [6])], {
            strides: [1],
            pads_begin: [0],
            pads_end: [0],
            dilations: [1],
            auto_pad: "explicit",
          }),
        ]),
      errors: [
        {
          rule: "myriad/spatial-rank",
          node: "n/ConvolutionBackpropData",
          message: /^input 0 has rank 3/,
          fixable: false,
          whyNotFixable: "it has 3 inputs; only data and weights carry over to 2-D",
        },
      ],
    },
    {
      name: "pad-rank: 2-D Pad with constant pads runs on a 4-D view",
      model: () => ovModel([F([2, 5])], (b, [x]) => [pad(b, x!, b.i64("pb", [1, 2]), b.i64("pe", [0, 1]))]),
      errors: [{ rule: "myriad/pad-rank", node: "n/Pad", message: "input 0 has rank 2; MYRIAD runs only 4-D inputs", fixable: true }],
    },
    {
      name: "pad-rank: 2-D Pad whose pads follow from static shapes (folded first, then 4-D)",
      model: () =>
        ovModel([F([2, 5])], (b, [x]) => [
          pad(
            b,
            x!,
            b.one("Divide", 1, [b.one("ShapeOf", 3, [x], { output_type: "i64" }), b.i64("by", [2, 5])], numpy),
            b.i64("pe", [0, 1]),
          ),
        ]),
      errors: [{ rule: "myriad/pad-rank", node: "n/Pad", message: /^input 0 has rank 2/, fixable: true }],
    },
    {
      name: "pad-rank: 2-D Pad whose pads are an input cannot be widened",
      model: () => ovModel([F([2, 5]), ["p", "int64", [2]]], (b, [x, p]) => [pad(b, x!, p!, b.i64("pe", [0, 1]))]),
      errors: [
        {
          rule: "myriad/pad-rank",
          node: "n/Pad",
          message: /^input 0 has rank 2/,
          fixable: false,
          whyNotFixable: "its pads are computed at run time (they must be constants to be widened to 4-D)",
        },
      ],
    },
    {
      name: "gather-axis: an axis computed from constants is folded",
      model: () => gather((b) => b.one("Subtract", 1, [b.i64("two", [2], []), b.i64("one", [1], [])], numpy)),
      errors: [
        {
          rule: "myriad/gather-axis",
          node: "n/Gather",
          message: "input 2 (the axis) is computed at run time; MYRIAD needs a constant",
          fixable: true,
        },
      ],
    },
    {
      name: "gather-axis: an axis that is an input",
      model: () => gather((_b, a) => a!, I("a", [])),
      errors: [
        {
          rule: "myriad/gather-axis",
          node: "n/Gather",
          message: /^input 2 \(the axis\) is computed at run time/,
          fixable: false,
          whyNotFixable: 'the axis cannot be computed ahead of time: it is computed from the data of the model input "a"',
        },
      ],
    },
    {
      name: "gather-batch-dims: batch_dims 1",
      model: () =>
        ovModel([F([2, 4])], (b, [x]) => [
          b.one("Gather", 8, [x, b.i64("i", [1, 0, 0, 1], [2, 2]), b.i64("a", [1], [])], { batch_dims: 1 }),
        ]),
      errors: [{ rule: "myriad/gather-batch-dims", node: "n/Gather", message: "batch_dims=1 must be zero on MYRIAD", fixable: false }],
    },
    {
      name: "gather-elements-axis: a negative axis",
      model: () => gatherElements(-1),
      errors: [
        {
          rule: "myriad/gather-elements-axis",
          node: "n/GatherElements",
          message: "axis=-1 is not supported on MYRIAD (it must be at least 0)",
          fixable: false,
        },
      ],
    },
    {
      name: "fixed-eps: MVN with eps 1e-5 (a warning)",
      model: () => mvn(1e-5),
      errors: [{ rule: "myriad/fixed-eps", node: "n/MVN", message: "eps=0.00001 is ignored on MYRIAD, which uses 1e-9", fixable: false }],
    },
    {
      name: "interpolate-mode: cubic",
      model: () => resize({ mode: "cubic" }),
      errors: [
        {
          rule: "myriad/interpolate-mode",
          node: "n/Interpolate",
          message: 'mode="cubic" is not supported on MYRIAD (supported: nearest, linear, linear_onnx)',
          fixable: false,
        },
      ],
    },
    {
      name: "interpolate-pads: non-zero pads_begin",
      model: () => resize({ pads_begin: [0, 0, 1, 0] }),
      errors: [
        { rule: "myriad/interpolate-pads", node: "n/Interpolate", message: "pads_begin=0,0,1,0 must be zero on MYRIAD", fixable: false },
      ],
    },
    {
      name: "interpolate-axes: resizing the channels",
      model: () => resize({}, [1, 2, 8, 8]),
      errors: [
        {
          rule: "myriad/interpolate-axes",
          node: "n/Interpolate",
          message: "resizes axis 1 (1→2); MYRIAD allows no resize over the batch or channel axis",
          fixable: false,
        },
      ],
    },
    {
      name: "interpolate-shape: sizes from the static input shape are folded",
      model: () =>
        ovModel([F([1, 1, 4, 4])], (b, [x]) => [interpolate(b, x!, shapeTimesTwo(b, x!), b.floats("sc", [1, 1, 2, 2], "float32"))]),
      errors: [
        {
          rule: "myriad/interpolate-shape",
          node: "n/Interpolate",
          message: "input 1 (the output sizes) is computed at run time; MYRIAD needs a constant",
          fixable: true,
        },
      ],
    },
    {
      name: "interpolate-shape: sizes that are an input (though the scales decide)",
      model: () =>
        ovModel([F([1, 1, 4, 4]), ["s", "int64", [4]]], (b, [x, s]) => [
          interpolate(b, x!, s!, b.floats("sc", [1, 1, 2, 2], "float32"), { shape_calculation_mode: "scales" }),
        ]),
      errors: [
        {
          rule: "myriad/interpolate-shape",
          node: "n/Interpolate",
          message: /^input 1 \(the output sizes\) is computed at run time/,
          fixable: false,
          whyNotFixable: /computed from the data of the model input "s"$/,
        },
      ],
    },
    {
      name: "topk-k: k computed from the static shape is folded",
      model: () =>
        topk((b, x) =>
          b.one("Squeeze", 1, [b.one("Gather", 8, [b.one("ShapeOf", 3, [x]), b.i64("i", [1]), b.i64("a", [0], [])]), b.i64("ax", [0])]),
        ),
      errors: [
        { rule: "myriad/topk-k", node: "n/TopK", message: "input 1 (k) is computed at run time; MYRIAD needs a constant", fixable: true },
      ],
    },
    {
      name: "topk-k: k that is an input",
      model: () => topk((_b, _x, k) => k!, I("k", [])),
      errors: [
        {
          rule: "myriad/topk-k",
          node: "n/TopK",
          message: /^input 1 \(k\) is computed at run time/,
          fixable: false,
          whyNotFixable: 'k cannot be computed ahead of time: it is computed from the data of the model input "k"',
        },
      ],
    },
    {
      name: "nms-attributes: sort_result_descending",
      model: () => nms(true),
      errors: [
        {
          rule: "myriad/nms-attributes",
          node: "n/NonMaxSuppression",
          message: 'sort_result_descending="true" is not supported on MYRIAD (supported: false)',
          fixable: false,
        },
      ],
    },
    {
      name: "nms-attributes: soft NMS and the selected_scores output",
      model: () => nms(false, 0.5, true),
      errors: [
        {
          rule: "myriad/nms-attributes",
          node: "n/NonMaxSuppression",
          message: "soft_nms_sigma (input 5) must be the constant 0, not 0.5",
          fixable: false,
        },
        {
          rule: "myriad/nms-attributes",
          node: "n/NonMaxSuppression",
          message: "output 1 (selected_scores) is used, but MYRIAD does not produce it",
          fixable: false,
        },
      ],
    },
  ],
});

runRuleTests("myriad/dynamic-shape", dynamicShapeRule, {
  valid: [
    { name: "static input", model: () => unary("ReLU") },
    {
      name: "near miss: NonZero's data-dependent size (the plugin's business)",
      model: () => unary("NonZero", 3, [2, 3], { output_type: "i32" }),
    },
  ],
  invalid: [
    {
      name: "an input of unknown size",
      model: () => ovModel([F([null, 4])], (b, [x]) => [b.one("ReLU", 1, [x])]),
      errors: [{ rule: "myriad/dynamic-shape", node: "x", message: 'input "x" has no static shape [?,4]', fixable: false }],
    },
  ],
});

runRuleTests("myriad/i64-range", i64RangeRule, {
  valid: [
    {
      name: "in range",
      model: () => ovModel([F([2, 3])], (b, [x]) => [b.one("Reshape", 1, [x, b.i64("s", [3, 2])], { special_zero: false })]),
    },
    {
      name: "near miss: exactly 2^31 − 1",
      model: () =>
        ovModel([F([4])], (b, [x]) => [
          b.one("Add", 1, [b.one("Convert", 1, [x], { destination_type: "i64" }), b.i64("big", [2 ** 31 - 1])], numpy),
        ]),
    },
  ],
  invalid: [
    {
      name: "2^40",
      model: () =>
        ovModel([F([4])], (b, [x]) => [
          b.one("Add", 1, [b.one("Convert", 1, [x], { destination_type: "i64" }), b.i64("big", [2 ** 40])], numpy),
        ]),
      errors: [
        {
          rule: "myriad/i64-range",
          node: "n/big",
          message: 'constant "n/big" holds 1099511627776, outside the I32 range MYRIAD narrows I64 to',
          fixable: false,
        },
      ],
    },
  ],
});

runRuleTests("myriad/fp16-overflow and myriad/fp16-underflow", fp16ConstantsRule, {
  valid: [
    {
      name: "65504 and 1e-4 fit FP16",
      model: () => ovModel([F([2])], (b, [x]) => [b.one("Multiply", 1, [x, b.floats("ok", [65504, 1e-4], "float32")], numpy)]),
    },
    {
      name: "near miss: 3e-8 rounds to FP16's smallest subnormal",
      model: () => ovModel([F([1])], (b, [x]) => [b.one("Add", 1, [x, b.floats("t", [3e-8], "float32")], numpy)]),
    },
  ],
  invalid: [
    {
      name: "1e6 and 1e-9",
      model: () =>
        ovModel([F([2])], (b, [x]) => [
          b.one(
            "Add",
            1,
            [b.one("Multiply", 1, [x, b.floats("big", [1e6, 1], "float32")], numpy), b.floats("tiny", [1e-9, 0], "float32")],
            numpy,
          ),
        ]),
      errors: [
        {
          rule: "myriad/fp16-overflow",
          node: "n/big",
          message: 'constant "n/big" has 1 value(s) beyond ±65504 (largest 1.000e+6) that become ±Inf in FP16',
          fixable: false,
        },
        {
          rule: "myriad/fp16-underflow",
          node: "n/tiny",
          message: 'constant "n/tiny" has 1 non-zero value(s) below 6e-8 that become 0 in FP16',
          fixable: false,
        },
      ],
    },
  ],
});

describe("FP16 range analysis (--calibrate)", () => {
  const x = Tensor.fromArray("float32", [1, 4], Float32Array.of(1.1, -1.3, 1.7, 1.9));
  it("reports an overflowing tensor and the node where precision is lost, not the ones after", () => {
    const m = ovModel([F([1, 4])], (b, [v]) => {
      const big = b.one("Multiply", 1, [b.one("Multiply", 1, [v, f32(b, "k", 300)], numpy), f32(b, "k2", 300)], numpy);
      const shifted = b.one("Add", 1, [v, f32(b, "off", 10000)], numpy);
      const back = b.one("Subtract", 1, [shifted, f32(b, "off2", 10000)], numpy);
      return [big, b.one("ReLU", 1, [back])];
    });
    const found = fp16Calibration(m, new Map([["x", x]]));
    expect(found.map((f) => [f.rule, f.severity, f.op])).toEqual([
      ["myriad/fp16-activation-overflow", "error", "Multiply"],
      ["myriad/fp16-precision", "warning", "Subtract"],
    ]);
    expect(found[1]!.message).toMatch(/; 1 later tensor\(s\) inherit the loss$/);
  });
  it("near miss: in range and well conditioned, nothing to report", () => {
    expect(
      fp16Calibration(
        ovModel([F([1, 4])], (b, [v]) => [b.one("Multiply", 1, [v, f32(b, "k", 300)], numpy)]),
        new Map([["x", x]]),
      ),
    ).toEqual([]);
  });
});
