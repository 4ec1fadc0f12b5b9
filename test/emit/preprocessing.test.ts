/**
 * Model Optimizer-style preprocessing embedded by `convert`: the IR fed raw U8 NHWC BGR frames
 * must compute what the original ONNX computes on the image preprocessed by hand
 * (cast, NHWC→NCHW, BGR→RGB, (x − mean) / scale), compared through onnxruntime.
 */
import { describe, expect, it } from "vitest";
import { convertToIr } from "../../src/api/convert.js";
import { encodeOnnx } from "../../src/frontends/onnx/save.js";
import { irToModel } from "../../src/frontends/openvino/to-graph.js";
import { attr } from "../../src/ir/attribute.js";
import { Tensor } from "../../src/ir/tensor.js";
import { parseLayoutSpec, parseValuesSpec } from "../../src/passes/onnx/preprocess.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { GraphBuilder } from "../support/build.js";
import { diff, withinFp16, withinFp32 } from "../support/compare.js";
import { runOrt } from "../support/ort.js";

const mean = [123.675, 116.28, 103.53];
const scale = [58.395, 57.12, 57.375];

/** A small NCHW model: a 3×3 conv and a ReLU, so channel order and values both matter. */
function model() {
  const b = new GraphBuilder(13);
  const x = b.input("image", "float32", [1, 3, 4, 5]);
  const w = Tensor.fromArray(
    "float32",
    [2, 3, 3, 3],
    Float32Array.from({ length: 54 }, (_, i) => ((i * 7) % 11) / 10 - 0.5),
  );
  const [c] = b.op("Conv", [x, b.const("w", w)], { pads: attr.ints([1, 1, 1, 1]) });
  const [y] = b.op("Relu", [c]);
  b.output(y!);
  return b.model();
}

describe("convert preprocessing", () => {
  it("parses Model Optimizer's spellings", () => {
    expect(parseValuesSpec("--mean-values", "data[1,2.5,3]")).toEqual(["data", [1, 2.5, 3]]);
    expect(parseValuesSpec("--mean-values", "[1]")).toEqual(["", [1]]);
    expect(parseLayoutSpec("data(nhwc->nchw)")).toEqual(["data", ["nhwc", "nchw"]]);
    expect(() => parseLayoutSpec("nhwc->nch")).toThrow(/same letters/);
  });

  for (const dataType of ["FP32", "FP16"] as const) {
    it(`U8 NHWC BGR input with mean/scale matches the hand-preprocessed original (${dataType})`, async () => {
      const pre = new Map([
        ["", { inputType: "uint8" as const, layout: ["nhwc", "nchw"] as [string, string], reverseChannels: true, mean, scale }],
      ]);
      const ir = convertToIr(model(), "test", { dataType, preprocessing: pre });
      const ov = irToModel(ir.net, ir.weights, "test");
      expect(ov.graph.inputs[0]!.name).toBe("image");
      expect(ov.graph.inputs[0]!.dtype).toBe("uint8");
      expect(ov.graph.inputs[0]!.shape).toEqual([1, 4, 5, 3]);
      const raw = Uint8Array.from({ length: 60 }, (_, i) => (i * 37 + 11) % 256);
      const ours = runOpenvinoModel(ov, new Map([["image", Tensor.fromArray("uint8", [1, 4, 5, 3], raw)]]), { fp16: dataType === "FP16" });
      // By hand: NHWC BGR u8 → NCHW RGB float, then (x − mean) / scale.
      const manual = new Float32Array(60);
      for (let h = 0; h < 4; h++)
        for (let w = 0; w < 5; w++)
          for (let c = 0; c < 3; c++) {
            const bgr = raw[(h * 5 + w) * 3 + (2 - c)]!;
            manual[c * 20 + h * 5 + w] = (bgr - mean[c]!) / scale[c]!;
          }
      const ref = await runOrt(encodeOnnx(model()), [Tensor.fromArray("float32", [1, 3, 4, 5], manual)]);
      const d = diff([...ours.values()][0]!, ref[0]!);
      expect(dataType === "FP16" ? withinFp16(d) : withinFp32(d), `max-abs ${d.maxAbs}`).toBe(true);
    });
  }
});
