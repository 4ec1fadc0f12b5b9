/**
 * Every MYRIAD lint rule on small OpenVINO-dialect graphs: one that triggers it, one that
 * must not, and — for the fixable ones — the legalized graph, which must be clean of that
 * finding and compute the same outputs (our interpreter, before vs after).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DTypeName } from "../../src/ir/dtype.js";
import { Graph } from "../../src/ir/graph.js";
import { Model } from "../../src/ir/model.js";
import type { Dim } from "../../src/ir/shape.js";
import { Tensor } from "../../src/ir/tensor.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";
import type { Finding } from "../../src/lint/finding.js";
import { fp16Calibration } from "../../src/lint/fp16-calibration.js";
import { lintOpenvino, MYRIAD_RULES, valueTypes } from "../../src/lint/lint.js";
import { RULE_DOCS } from "../../src/lint/rule-docs.js";
import { OvBuilder } from "../../src/lower/builder.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { legalizeForMyriad } from "../../src/targets/myriad/legalize.js";
import { diff, withinFp32 } from "../support/compare.js";
import { REPO_ROOT } from "../support/corpus.js";

/** A one-graph OpenVINO model: `body` gets a builder and the inputs, returns the outputs. */
function ov(inputs: [string, DTypeName, Dim[]][], body: (b: OvBuilder, x: Value[]) => Value[]): Model {
  const g = new Graph("t");
  const xs = inputs.map(([n, d, s]) => g.addInput(new Value(n, tensorType(d, s))));
  const b = new OvBuilder(g, "n");
  for (const y of body(b, xs)) g.addOutput(y);
  return new Model(g, { opsetImports: new Map([["openvino", 10]]) });
}

const lint = (m: Model): Finding[] => lintOpenvino(m, valueTypes(m, "test"));
const rules = (m: Model): string[] => lint(m).map((f) => f.rule);

function feedsFor(m: Model, seed = 1): Map<string, Tensor> {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 2 ** 32) * 8 - 4;
  };
  return new Map(
    m.graph.inputs.map((v) => {
      const dims = v.shape as number[];
      const n = dims.reduce((a, b) => a * b, 1);
      const t =
        v.dtype === "float32"
          ? Tensor.fromArray("float32", dims, Float32Array.from({ length: n }, rnd))
          : v.dtype === "uint8"
            ? Tensor.fromArray(
                "uint8",
                dims,
                Uint8Array.from({ length: n }, () => Math.abs(Math.round(rnd() * 30))),
              )
            : Tensor.fromArray(
                "int32",
                dims,
                Int32Array.from({ length: n }, () => Math.round(rnd() * 10)),
              );
      return [v.name, t];
    }),
  );
}

/** The rule fires (fixable as stated); after legalization it does not, and outputs are unchanged. */
function fixes(build: () => Model, rule: string): void {
  const m = build();
  expect(lint(m)).toContainEqual(expect.objectContaining({ rule, fixable: true }));
  const feeds = feedsFor(m);
  const before = [...runOpenvinoModel(m, feeds).values()];
  legalizeForMyriad(m, "test");
  expect(rules(m)).not.toContain(rule);
  const after = [...runOpenvinoModel(m, feeds).values()];
  for (const [i, b] of before.entries()) expect(withinFp32(diff(after[i]!, b)), `output ${i}`).toBe(true);
}

const numpy = { auto_broadcast: "numpy" };
const F = (dims: Dim[]): [string, DTypeName, Dim[]] => ["x", "float32", dims];

describe("myriad/unsupported-op", () => {
  it("fires on layers MYRIAD lacks; rewrites keep the numerics", () => {
    expect(rules(ov([F([1, 4])], (b, [x]) => [b.one("ReLU", 1, [x])]))).toEqual([]);
    expect(lint(ov([F([1, 4])], (b, [x]) => [b.one("Sin", 1, [x])]))).toEqual([
      expect.objectContaining({ rule: "myriad/unsupported-op", fixable: false, op: "Sin" }),
    ]);
    fixes(
      () =>
        ov([F([2, 5])], (b, [x]) => [
          b.one("HardSigmoid", 1, [x, b.floats("a", [0.2], "float32", []), b.floats("b", [0.5], "float32", [])]),
        ]),
      "myriad/unsupported-op",
    );
    fixes(() => ov([F([2, 5])], (b, [x]) => [b.one("HSigmoid", 5, [x])]), "myriad/unsupported-op");
    fixes(() => ov([F([2, 5])], (b, [x]) => [b.one("LogSoftmax", 5, [x], { axis: 1 })]), "myriad/unsupported-op");
    fixes(() => ov([F([2, 5])], (b, [x]) => [b.one("Negative", 1, [x])]), "myriad/unsupported-op");
    fixes(
      () =>
        ov([F([2, 5])], (b, [x]) => [b.one("Selu", 1, [x, b.floats("a", [1.67], "float32", []), b.floats("l", [1.05], "float32", [])])]),
      "myriad/unsupported-op",
    );
    fixes(() => ov([F([2, 5])], (b, [x]) => [b.one("SoftSign", 9, [x])]), "myriad/unsupported-op");
    fixes(
      () => ov([F([1, 8, 2, 3])], (b, [x]) => [b.one("DepthToSpace", 1, [x], { mode: "blocks_first", block_size: 2 })]),
      "myriad/unsupported-op",
    );
    fixes(
      () => ov([F([1, 8, 2, 3])], (b, [x]) => [b.one("DepthToSpace", 1, [x], { mode: "depth_first", block_size: 2 })]),
      "myriad/unsupported-op",
    );
    fixes(
      () => ov([F([1, 2, 4, 6])], (b, [x]) => [b.one("SpaceToDepth", 1, [x], { mode: "blocks_first", block_size: 2 })]),
      "myriad/unsupported-op",
    );
    fixes(() => ov([F([1, 6, 2, 2])], (b, [x]) => [b.one("ShuffleChannels", 1, [x], { axis: 1, group: 3 })]), "myriad/unsupported-op");
    fixes(() => ov([F([2, 5])], (b, [x]) => [b.one("ReduceL1", 4, [x, b.i64("ax", [1])], { keep_dims: true })]), "myriad/unsupported-op");
    fixes(() => ov([F([2, 5])], (b, [x]) => [b.one("ReduceL2", 4, [x, b.i64("ax", [1])], { keep_dims: false })]), "myriad/unsupported-op");
    // A Range of constants folds away; added to x so the graph has an input.
    fixes(
      () =>
        ov([F([4])], (b, [x]) => [
          b.one(
            "Add",
            1,
            [
              x,
              b.one("Range", 4, [b.floats("s", [0], "float32", []), b.floats("e", [4], "float32", []), b.floats("d", [1], "float32", [])], {
                output_type: "f32",
              }),
            ],
            numpy,
          ),
        ]),
      "myriad/unsupported-op",
    );
  });
});

describe("myriad/opset-too-new and myriad/unsupported-version", () => {
  it("fires on opset11 layers and on versions MYRIAD does not convert", () => {
    expect(
      rules(ov([F([1, 4])], (b, [x]) => [b.one("TopK", 11, [x, b.i64("k", [2], [])], { axis: 1, mode: "max", sort: "value" })])),
    ).toContain("myriad/opset-too-new");
    expect(
      rules(
        ov([F([1, 1, 4, 4])], (b, [x]) => [
          b.one("MaxPool", 1, [x], { kernel: [2, 2], strides: [2, 2], pads_begin: [0, 0], pads_end: [0, 0] }),
        ]),
      ),
    ).toEqual([]);
    fixes(
      () =>
        ov([F([1, 1, 4, 4])], (b, [x]) => [
          b.op("MaxPool", 8, [x], { kernel: [2, 2], strides: [2, 2], pads_begin: [0, 0], pads_end: [0, 0], dilations: [1, 1] }, 2)[0]!,
        ]),
      "myriad/unsupported-version",
    );
    const withIndices = ov([F([1, 1, 4, 4])], (b, [x]) =>
      b.op("MaxPool", 8, [x], { kernel: [2, 2], strides: [2, 2], pads_begin: [0, 0], pads_end: [0, 0], dilations: [1, 1] }, 2),
    );
    expect(lint(withIndices)).toContainEqual(expect.objectContaining({ rule: "myriad/unsupported-version", fixable: false }));
  });
});

describe("myriad/input-type and myriad/unsupported-type", () => {
  it("fires on S32 into FP16-only layers, not where S32 is allowed; Converts fix it", () => {
    const I = (name: string, dims: number[]): [string, DTypeName, Dim[]] => [name, "int32", dims];
    expect(rules(ov([I("a", [3]), I("b", [3])], (b, [p, q]) => [b.one("Add", 1, [p, q], numpy)]))).toEqual([]);
    const f = lint(ov([I("a", [3]), I("b", [3])], (b, [p, q]) => [b.one("Subtract", 1, [p, q], numpy)]));
    expect(f).toEqual([
      expect.objectContaining({
        rule: "myriad/input-type",
        fixable: true,
        message: expect.stringContaining("input #0 has type S32, but one of [FP16] is expected"),
      }),
    ]);
    fixes(() => ov([I("a", [3]), I("b", [3])], (b, [p, q]) => [b.one("Subtract", 1, [p, q], numpy)]), "myriad/input-type");
    fixes(() => ov([I("a", [4])], (b, [p]) => [b.one("Greater", 1, [p, b.i64("z", [0], [])], numpy)]), "myriad/input-type");
    expect(rules(ov([F([2])], (b, [x]) => [b.one("Convert", 1, [x], { destination_type: "i8" })]))).toContain("myriad/unsupported-type");
  });
});

describe("myriad/illegal-convert", () => {
  it("fires on U8→S32, not on U8→FP16; a chain through FP16 fixes it", () => {
    const U: [string, DTypeName, Dim[]] = ["x", "uint8", [6]];
    expect(rules(ov([U], (b, [x]) => [b.one("Convert", 1, [x], { destination_type: "f32" })]))).toEqual([]);
    fixes(() => ov([U], (b, [x]) => [b.one("Convert", 1, [x], { destination_type: "i32" })]), "myriad/illegal-convert");
  });
});

describe("op constraints", () => {
  const conv1d = (b: OvBuilder, x: Value) =>
    b.one("Convolution", 1, [x, b.floats("w", [1, 2, 3, 4, 5, 6], "float32", [2, 1, 3])], {
      strides: [2],
      pads_begin: [1],
      pads_end: [0],
      dilations: [1],
      auto_pad: "explicit",
    });
  it("myriad/spatial-rank: 1-D convolution and pooling run as 2-D; 3-D is refused", () => {
    fixes(() => ov([F([1, 1, 9])], (b, [x]) => [conv1d(b, x!)]), "myriad/spatial-rank");
    fixes(
      () =>
        ov([F([1, 2, 9])], (b, [x]) => [
          b.one("AvgPool", 1, [x], {
            kernel: [3],
            strides: [2],
            pads_begin: [1],
            pads_end: [1],
            "exclude-pad": "true",
            rounding_type: "floor",
          }),
        ]),
      "myriad/spatial-rank",
    );
    expect(
      lint(
        ov([F([1, 1, 4, 4, 4])], (b, [x]) => [
          b.one("MaxPool", 1, [x], { kernel: [2, 2, 2], strides: [2, 2, 2], pads_begin: [0, 0, 0], pads_end: [0, 0, 0] }),
        ]),
      ),
    ).toContainEqual(expect.objectContaining({ rule: "myriad/spatial-rank", fixable: false }));
  });
  it("myriad/pad-rank: Pad below 4-D runs on a 4-D view", () => {
    expect(
      rules(
        ov([F([1, 2, 3, 3])], (b, [x]) => [
          b.one("Pad", 1, [x, b.i64("pb", [0, 0, 1, 1]), b.i64("pe", [0, 0, 1, 1]), b.floats("v", [0], "float32", [])], {
            pad_mode: "constant",
          }),
        ]),
      ),
    ).toEqual([]);
    fixes(
      () =>
        ov([F([2, 5])], (b, [x]) => [
          b.one("Pad", 1, [x, b.i64("pb", [1, 2]), b.i64("pe", [0, 1]), b.floats("v", [7], "float32", [])], { pad_mode: "constant" }),
        ]),
      "myriad/pad-rank",
    );
  });
  it("myriad/gather-axis and myriad/gather-batch-dims", () => {
    const idx = (b: OvBuilder) => b.i64("i", [1, 0]);
    expect(rules(ov([F([3, 4])], (b, [x]) => [b.one("Gather", 8, [x, idx(b), b.i64("a", [1], [])], { batch_dims: 0 })]))).toEqual([]);
    expect(rules(ov([F([3, 4]), ["a", "int32", []]], (b, [x, a]) => [b.one("Gather", 8, [x, idx(b), a], { batch_dims: 0 })]))).toContain(
      "myriad/gather-axis",
    );
    expect(
      rules(
        ov([F([2, 4])], (b, [x]) => [b.one("Gather", 8, [x, b.i64("i", [1, 0, 0, 1], [2, 2]), b.i64("a", [1], [])], { batch_dims: 1 })]),
      ),
    ).toContain("myriad/gather-batch-dims");
  });
  it("myriad/interpolate-*: modes, pads, batch/channel resize, computed sizes", () => {
    const interp =
      (attrs: Record<string, string | number[]>, sizes = [1, 1, 8, 8]) =>
      (b: OvBuilder, [x]: Value[]) => [
        b.one(
          "Interpolate",
          4,
          [
            x,
            b.i64("s", sizes),
            b.floats(
              "sc",
              sizes.map((d, i) => d / [1, 1, 4, 4][i]!),
              "float32",
            ),
            b.i64("ax", [0, 1, 2, 3]),
          ],
          {
            mode: "nearest",
            shape_calculation_mode: "sizes",
            coordinate_transformation_mode: "asymmetric",
            nearest_mode: "floor",
            antialias: "false",
            pads_begin: [0, 0, 0, 0],
            pads_end: [0, 0, 0, 0],
            cube_coeff: -0.75,
            ...attrs,
          },
        ),
      ];
    expect(rules(ov([F([1, 1, 4, 4])], interp({})))).toEqual([]);
    expect(rules(ov([F([1, 1, 4, 4])], interp({ mode: "cubic" })))).toContain("myriad/interpolate-mode");
    expect(rules(ov([F([1, 1, 4, 4])], interp({ pads_begin: [0, 0, 1, 0] })))).toContain("myriad/interpolate-pads");
    expect(rules(ov([F([1, 1, 4, 4])], interp({}, [1, 2, 8, 8])))).toContain("myriad/interpolate-axes");
    const computed = ov([F([1, 1, 4, 4])], (b, [x]) => {
      const sizes = b.one("Multiply", 1, [b.one("ShapeOf", 3, [x], { output_type: "i64" }), b.i64("two", [1, 1, 2, 2])], numpy);
      return [
        b.one("Interpolate", 4, [x, sizes, b.floats("sc", [1, 1, 2, 2], "float32"), b.i64("ax", [0, 1, 2, 3])], {
          mode: "nearest",
          shape_calculation_mode: "sizes",
          coordinate_transformation_mode: "asymmetric",
          nearest_mode: "floor",
          antialias: "false",
          pads_begin: [0, 0, 0, 0],
          pads_end: [0, 0, 0, 0],
        }),
      ];
    });
    expect(lint(computed)).toContainEqual(expect.objectContaining({ rule: "myriad/interpolate-shape", fixable: true }));
    fixes(() => computed, "myriad/interpolate-shape");
  });
  it("myriad/topk-k and myriad/nms-attributes", () => {
    expect(
      rules(
        ov([F([1, 5]), ["k", "int32", []]], (b, [x, k]) =>
          b.op("TopK", 3, [x, k], { axis: 1, mode: "max", sort: "value", index_element_type: "i32" }, 2),
        ),
      ),
    ).toContain("myriad/topk-k");
    const nms = (sort: boolean) =>
      ov(
        [
          ["boxes", "float32", [1, 3, 4]],
          ["scores", "float32", [1, 1, 3]],
        ],
        (b, [bx, sc]) => [
          b.op(
            "NonMaxSuppression",
            5,
            [
              bx,
              sc,
              b.i64("m", [2], []),
              b.floats("iou", [0.5], "float32", []),
              b.floats("st", [0], "float32", []),
              b.floats("sg", [0], "float32", []),
            ],
            { box_encoding: "corner", sort_result_descending: sort, output_type: "i32" },
            3,
          )[0]!,
        ],
      );
    expect(rules(nms(false))).toEqual([]);
    expect(rules(nms(true))).toContain("myriad/nms-attributes");
  });
});

describe("attribute limits that are warnings or need positive values", () => {
  it("myriad/fixed-eps warns when MVN's epsilon is not the 1e-9 MYRIAD uses", () => {
    const mvn = (eps: number) =>
      ov([F([1, 2, 4])], (b, [x]) => [b.one("MVN", 6, [x, b.i64("ax", [2])], { normalize_variance: true, eps, eps_mode: "inside_sqrt" })]);
    expect(lint(mvn(1e-5)).map((f) => [f.rule, f.severity])).toEqual([["myriad/fixed-eps", "warning"]]);
    expect(rules(mvn(1e-9))).toEqual([]);
  });
  it("myriad/gather-elements-axis refuses a negative axis", () => {
    const ge = (axis: number) =>
      ov([F([2, 3])], (b, [x]) => [b.one("GatherElements", 6, [x, b.i64("i", [0, 1, 1, 0, 2, 2], [2, 3])], { axis })]);
    expect(rules(ge(-1))).toEqual(["myriad/gather-elements-axis"]);
    expect(rules(ge(1))).toEqual([]);
  });
});

describe("shape, range and precision rules", () => {
  it("myriad/dynamic-shape fires on an input of unknown size", () => {
    expect(rules(ov([F([null, 4])], (b, [x]) => [b.one("ReLU", 1, [x])]))).toContain("myriad/dynamic-shape");
  });
  it("myriad/i64-range fires on a constant beyond I32; in-range constants are narrowed", () => {
    expect(rules(ov([F([3])], (b, [x]) => [b.one("Reshape", 1, [x, b.i64("s", [2 ** 40])], { special_zero: false })]))).toContain(
      "myriad/i64-range",
    );
    const m = ov([F([2, 3])], (b, [x]) => [b.one("Reshape", 1, [x, b.i64("s", [3, 2])], { special_zero: false })]);
    expect(rules(m)).toEqual([]);
    legalizeForMyriad(m, "test");
    expect([...m.graph.initializers.values()].map((v) => v.initializer!.dtype)).toEqual(["int32"]);
  });
  it("myriad/fp16-overflow and myriad/fp16-underflow warn about constants FP16 cannot hold", () => {
    const f = lint(
      ov([F([2])], (b, [x]) => [
        b.one(
          "Add",
          1,
          [b.one("Multiply", 1, [x, b.floats("big", [1e6, 1], "float32")], numpy), b.floats("tiny", [1e-9, 0], "float32")],
          numpy,
        ),
      ]),
    );
    expect(f.map((x) => [x.rule, x.severity])).toEqual([
      ["myriad/fp16-overflow", "warning"],
      ["myriad/fp16-underflow", "warning"],
    ]);
    expect(rules(ov([F([2])], (b, [x]) => [b.one("Multiply", 1, [x, b.floats("ok", [65504, 1e-4], "float32")], numpy)]))).toEqual([]);
  });
});

describe("rule documentation", () => {
  it("every rule id a rule can report is documented", () => {
    const ids = MYRIAD_RULES.flatMap((r) => r.ids);
    expect(ids.filter((id) => !RULE_DOCS[id])).toEqual([]);
  });
  it("the README's rule table lists every documented rule", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    expect(Object.keys(RULE_DOCS).filter((id) => !readme.includes(`| \`${id}\` |`))).toEqual([]);
  });
});

describe("FP16 range analysis (--calibrate)", () => {
  it("reports an overflowing tensor and the node where precision is lost, not the ones after", () => {
    const m = ov([F([1, 4])], (b, [x]) => {
      const big = b.one(
        "Multiply",
        1,
        [b.one("Multiply", 1, [x, b.floats("k", [300], "float32", [])], numpy), b.floats("k2", [300], "float32", [])],
        numpy,
      );
      const shifted = b.one("Add", 1, [x, b.floats("off", [10000], "float32", [])], numpy);
      const back = b.one("Subtract", 1, [shifted, b.floats("off2", [10000], "float32", [])], numpy);
      return [big, b.one("ReLU", 1, [back])];
    });
    const x = Tensor.fromArray("float32", [1, 4], Float32Array.of(1.1, -1.3, 1.7, 1.9));
    const found = fp16Calibration(m, new Map([["x", x]]));
    expect(found.map((f) => [f.rule, f.op])).toEqual([
      ["myriad/fp16-activation-overflow", "Multiply"],
      ["myriad/fp16-precision", "Subtract"],
    ]);
    expect(found[1]!.message).toMatch(/; 1 later tensor\(s\) inherit the loss$/);
    // In range and well conditioned: nothing to report.
    expect(
      fp16Calibration(
        ov([F([1, 4])], (b, [v]) => [b.one("ReLU", 1, [v])]),
        new Map([["x", x]]),
      ),
    ).toEqual([]);
  });
});
