/**
 * Golden files (golden/<case>/): for each case the emitted IR (.xml as written, with the
 * input path normalised), the SHA-256 of its .bin, and a summary of the interpreter's outputs
 * (dtype, shape, min/max/mean, the first values, a hash of the bytes). `npm test` compares;
 * `npm run golden:update` (UPDATE_GOLDEN=1) rewrites them. A change shows as a line diff.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convertToIr } from "../../src/convert.js";
import { encodeIrXml } from "../../src/emit/openvino-ir.js";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { irToModel } from "../../src/frontends/openvino/to-graph.js";
import { readNpy } from "../../src/io/npy.js";
import { readTensorPb } from "../../src/io/tensor-pb.js";
import { Tensor } from "../../src/ir/tensor.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { randomTensor } from "../support/build.js";
import { CORPUS, corpusAvailable, REPO_ROOT, warnIfCorpusMissing } from "../support/corpus.js";

warnIfCorpusMissing();
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const GOLDEN = join(REPO_ROOT, "golden");

interface Case {
  name: string;
  model: string;
  dataType: "FP32" | "FP16";
  /** Input tensors in model input order. */
  inputs: () => Tensor[];
  needsCorpus: boolean;
  /** Node tests: inputs after the first are frozen to their test values (weights, scales). */
  freezeRest?: boolean;
}

const npy = (p: string) => {
  const a = readNpy(p);
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
};
const zoo = (name: string, dataType: Case["dataType"], inputs = 1): Case => ({
  name: `${name}-${dataType.toLowerCase()}`,
  model: join(CORPUS, "zoo", name, "model.onnx"),
  dataType,
  inputs: () => Array.from({ length: inputs }, (_, i) => npy(join(CORPUS, "zoo", name, `input_${i}.npy`))),
  needsCorpus: true,
});
const node = (name: string): Case => ({
  name: name.replace(/^test_/, "node-"),
  model: join(CORPUS, "onnx-backend/node", name, "model.onnx"),
  dataType: "FP32",
  inputs: () => {
    const dir = join(CORPUS, "onnx-backend/node", name, "test_data_set_0");
    return Array.from({ length: 8 }, (_, i) => join(dir, `input_${i}.pb`))
      .filter(existsSync)
      .map((p) => readTensorPb(p));
  },
  needsCorpus: true,
  freezeRest: true,
});

const CASES: Case[] = [
  {
    name: "example-gaussian-blur-fp32",
    model: join(REPO_ROOT, "examples/gaussian_blur.onnx"),
    dataType: "FP32",
    inputs: () => [randomTensor([1, 3, 300, 300], 7)],
    needsCorpus: false,
  },
  {
    name: "example-gaussian-blur-fp16",
    model: join(REPO_ROOT, "examples/gaussian_blur.onnx"),
    dataType: "FP16",
    inputs: () => [randomTensor([1, 3, 300, 300], 7)],
    needsCorpus: false,
  },
  zoo("seed_laplacian_op12", "FP16"),
  zoo("seed_catimgs_op12", "FP32", 3),
  zoo("squeezenet1_1_op11", "FP16"),
  node("test_maxpool_2d_ceil"),
  node("test_resize_upsample_scales_nearest"),
  node("test_softmax_axis_1"),
  node("test_basic_conv_with_padding"),
  node("test_convtranspose_pads"),
  node("test_top_k"),
  node("test_argmax_keepdims_example_select_last_index"),
  node("test_layer_normalization_2d_axis0"),
  node("test_instancenorm_example"),
  node("test_lrn"),
  node("test_depthtospace_crd_mode_example"),
  node("test_nonmaxsuppression_center_point_box_format"),
];

function summarize(outputs: Map<string, Tensor>): string {
  const lines: string[] = [];
  for (const [name, t] of outputs) {
    const v = t.toFloat32();
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const x of v) {
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
    }
    lines.push(
      JSON.stringify({
        output: name,
        dtype: t.dtype,
        shape: t.dims,
        min: Number(min.toPrecision(6)),
        max: Number(max.toPrecision(6)),
        mean: Number((sum / Math.max(v.length, 1)).toPrecision(6)),
        first: Array.from(v.slice(0, 8), (x) => Number(x.toPrecision(6))),
        sha256: createHash("sha256").update(t.bytes()).digest("hex"),
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

function check(file: string, actual: string): void {
  if (UPDATE) {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing: run npm run golden:update and review the result`);
  expect(actual, `${file} differs (npm run golden:update rewrites it)`).toBe(readFileSync(file, "utf8"));
}

describe("golden files", () => {
  for (const c of CASES) {
    it.skipIf(c.needsCorpus && !corpusAvailable)(
      c.name,
      () => {
        const { model } = loadOnnxFile(c.model);
        const inputs = c.inputs();
        if (c.freezeRest) {
          const g = model.graph;
          [...g.inputs].slice(1).forEach((v, i) => {
            g.removeInput(v);
            g.addInitializer(v, inputs[i + 1]!);
          });
        }
        const ir = convertToIr(model, c.model, { dataType: c.dataType, parameters: { input_model: `${c.name}.onnx` } });
        const xml = encodeIrXml(ir.net);
        const dir = join(GOLDEN, c.name);
        if (UPDATE) mkdirSync(dir, { recursive: true });
        check(join(dir, "model.xml"), xml);
        check(join(dir, "model.bin.sha256"), `${createHash("sha256").update(ir.weights).digest("hex")}  ${ir.weights.length} bytes\n`);
        const ov = irToModel(ir.net, ir.weights, c.name);
        const names = ov.graph.inputs.map((v) => v.name);
        const outputs = runOpenvinoModel(ov, new Map(names.map((n, i) => [n, inputs[i]!])), { fp16: c.dataType === "FP16" });
        check(join(dir, "outputs.jsonl"), summarize(outputs));
      },
      60_000,
    );
  }
});
