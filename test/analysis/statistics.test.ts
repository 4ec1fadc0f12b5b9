/**
 * MAC counts against published figures (torchvision: resnet18 at 224² 1.81 GMACs, built here
 * layer by layer with placeholder weights; mobilenet_v2 0.30 GMACs from the zoo export) and
 * against hand-worked counts of each formula; `inspect` prints and emits them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { countMacs } from "../../src/analysis/macs.js";
import { modelStatistics } from "../../src/analysis/statistics.js";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { loadModel } from "../../src/frontends/load-model.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { attr } from "../../src/ir/attribute.js";
import { Node } from "../../src/ir/node.js";
import { Tensor } from "../../src/ir/tensor.js";
import { Value } from "../../src/ir/value.js";
import { GraphBuilder } from "../support/build.js";
import { CORPUS, corpusAvailable, warnIfCorpusMissing } from "../support/corpus.js";

warnIfCorpusMissing();

/** Placeholder weights: zero views on one shared buffer (resnet18's 11.7 M weights need no 46 MB). */
const ZEROS = new Uint8Array(4 * 512 * 512 * 9);
const zeros = (dims: number[]): Tensor => Tensor.fromBytes("float32", dims, ZEROS.subarray(0, 4 * dims.reduce((a, b) => a * b, 1)));

/** torchvision's resnet18: conv1 7×7/2, max pool, four stages of two BasicBlocks, average pool, fc. */
function resnet18(): GraphBuilder {
  const b = new GraphBuilder(13);
  let w = 0;
  const conv = (x: Value, cin: number, cout: number, k: number, stride: number): Value => {
    const weight = b.const(`w${w++}`, zeros([cout, cin, k, k]));
    const p = Math.floor(k / 2);
    return b.op("Conv", [x, weight], {
      kernel_shape: attr.ints([k, k]),
      strides: attr.ints([stride, stride]),
      pads: attr.ints([p, p, p, p]),
    })[0]!;
  };
  const relu = (x: Value) => b.op("Relu", [x])[0]!;
  let x = b.input("image", "float32", [1, 3, 224, 224]);
  x = relu(conv(x, 3, 64, 7, 2));
  x = b.op("MaxPool", [x], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) })[0]!;
  let cin = 64;
  for (const [cout, stride] of [
    [64, 1],
    [128, 2],
    [256, 2],
    [512, 2],
  ] as const) {
    for (let block = 0; block < 2; block++) {
      const s = block === 0 ? stride : 1;
      const y = conv(relu(conv(x, cin, cout, 3, s)), cout, cout, 3, 1);
      const skip = s !== 1 || cin !== cout ? conv(x, cin, cout, 1, s) : x;
      x = relu(b.op("Add", [y, skip])[0]!);
      cin = cout;
    }
  }
  x = b.op("Flatten", [b.op("GlobalAveragePool", [x])[0]!])[0]!;
  x = b.op("Gemm", [x, b.const("fc.w", zeros([1000, 512])), b.const("fc.b", zeros([1000]))], { transB: attr.int(1) })[0]!;
  b.output(x);
  return b;
}

const within = (value: number, published: number) => Math.abs(value - published) / published;

describe("MACs against published figures", () => {
  it("resnet18 at 224×224 is torchvision's 1.81 GMACs within 1%", () => {
    const model = resnet18().model();
    const s = modelStatistics(model, "onnx", "resnet18");
    expect(s.staticShapes).toBe(true);
    expect(within(s.macs!, 1.81e9)).toBeLessThan(0.01);
    expect(Object.keys(s.macsByOp)).toEqual(["Conv", "Gemm"]);
    expect(s.macsByOp.Gemm).toBe(512 * 1000);
    // torchvision's 11,689,512 params include 9,600 BatchNorm scales and shifts this graph leaves out.
    expect(within(s.parameters, 11_689_512)).toBeLessThan(0.01);
    expect(s.weightBytesFp16).toBe(s.parameters * 2);
  });

  it.skipIf(!corpusAvailable)("mobilenet_v2 (zoo export, 224×224) is torchvision's 0.30 GMACs within 1%", () => {
    const loaded = loadModel(join(CORPUS, "zoo", "mobilenet_v2_op11", "model.onnx"));
    expect(loaded.model.graph.inputs[0]!.shape).toEqual([1, 3, 224, 224]);
    const s = modelStatistics(loaded.model, loaded.dialect, "mobilenet_v2");
    expect(within(s.macs!, 0.3e9)).toBeLessThan(0.01);
    expect(s.macsUnknown).toEqual([]);
  });

  it.skipIf(!corpusAvailable)("--input-shape applies: squeezenet at 112² has a quarter of its 224² MACs", () => {
    const file = join(CORPUS, "zoo", "squeezenet1_1_op11", "model.onnx");
    const full = loadModel(file);
    const big = modelStatistics(full.model, full.dialect, file).macs!;
    const small = loadModel(file);
    const name = small.model.graph.inputs[0]!.name;
    const quarter = modelStatistics(small.model, small.dialect, file, new Map([[name, [1, 3, 112, 112]]])).macs!;
    expect(quarter / big).toBeGreaterThan(0.2);
    expect(quarter / big).toBeLessThan(0.3);
  });
});

describe("MAC formulas, hand-worked", () => {
  it("grouped Conv counts Cin/group per output element", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 8, 10, 10]);
    const y = b.op("Conv", [x, b.const("w", zeros([16, 2, 3, 3]))], { group: attr.int(4), pads: attr.ints([1, 1, 1, 1]) })[0]!;
    b.output(y);
    const m = b.model();
    modelStatistics(m, "onnx", "t");
    expect(countMacs(m.graph).total).toBe(16 * 10 * 10 * 2 * 3 * 3);
  });

  it("ConvTranspose counts per input element; Gemm honours transA; batched MatMul multiplies the batch", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 4, 5, 5]);
    b.output(b.op("ConvTranspose", [x, b.const("w", zeros([4, 6, 2, 2]))], { strides: attr.ints([2, 2]) })[0]!);
    const a = b.input("a", "float32", [7, 3]);
    b.output(b.op("Gemm", [a, b.const("g", zeros([7, 9]))], { transA: attr.int(1) })[0]!);
    const p = b.input("p", "float32", [2, 5, 3, 4]);
    b.output(b.op("MatMul", [p, b.const("q", zeros([4, 6]))])[0]!);
    const m = b.model();
    const s = modelStatistics(m, "onnx", "t");
    expect(s.macsByOp).toEqual({ ConvTranspose: 4 * 5 * 5 * 6 * 2 * 2, MatMul: 2 * 5 * 3 * 6 * 4, Gemm: 3 * 9 * 7 });
  });

  it("LSTM counts both gate products per step and batch row", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [6, 2, 10]);
    const hidden = 5;
    const outs = b.op("LSTM", [x, b.const("W", zeros([1, 4 * hidden, 10])), b.const("R", zeros([1, 4 * hidden, hidden]))], {
      hidden_size: attr.int(hidden),
    });
    b.output(outs[0]!);
    const m = b.model();
    const s = modelStatistics(m, "onnx", "t");
    expect(s.macs).toBe(6 * 2 * (4 * hidden * 10 + 4 * hidden * hidden));
  });

  it("OpenVINO GroupConvolution and MatMul(transpose_a) read the IR's conventions", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 6, 4, 4]);
    const y = new Value("y", { kind: "tensor", dtype: "float32", shape: [1, 6, 4, 4] });
    const w = b.const("w", zeros([3, 2, 2, 3, 3]));
    b.graph.appendNode(new Node({ opType: "GroupConvolution", domain: "openvino", version: 1, name: "gc", inputs: [x, w], outputs: [y] }));
    const a = b.input("a", "float32", [8, 3]);
    const z = new Value("z", { kind: "tensor", dtype: "float32", shape: [3, 5] });
    b.graph.appendNode(
      new Node({
        opType: "MatMul",
        domain: "openvino",
        version: 1,
        name: "mm",
        inputs: [a, b.const("bm", zeros([8, 5]))],
        outputs: [z],
        attributes: { transpose_a: attr.string("true") },
      }),
    );
    b.output(y);
    b.output(z);
    const c = countMacs(b.graph);
    expect(c.byOp).toEqual({ GroupConvolution: 6 * 4 * 4 * 2 * 3 * 3, MatMul: 3 * 5 * 8 });
  });

  it("a dynamic input leaves MACs and the estimate out, and says why", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", ["n", 3, 8, 8]);
    b.output(b.op("Conv", [x, b.const("w", zeros([4, 3, 1, 1]))])[0]!);
    const s = modelStatistics(b.model(), "onnx", "t");
    expect(s.staticShapes).toBe(false);
    expect(s.macs).toBeNull();
    expect(s.oakEstimate).toBeNull();
  });
});

describe("inspect shows the statistics", () => {
  it.skipIf(!corpusAvailable)("text and --json of a zoo model", async () => {
    const file = join(CORPUS, "zoo", "mobilenet_v2_op11", "model.onnx");
    const io = memoryIO();
    expect(await runCli(["inspect", file], io)).toBe(0);
    expect(io.out).toMatch(/MACs +300\.\d\d M/);
    expect(io.out).toMatch(/OAK speed +≈ \d+ FPS on OAK \(RVC2\) \(±\d+% on 15 published models; an estimate .*not a measurement/);
    const json = memoryIO();
    expect(await runCli(["inspect", file, "--json"], json)).toBe(0);
    const stats = JSON.parse(json.out).statistics;
    expect(stats.macs).toBeGreaterThan(2.97e8);
    expect(stats.macs).toBeLessThan(3.03e8);
    expect(stats.oakEstimate.publishedModels).toBe(15);
    expect(stats.weightBytesFp16).toBeLessThan(stats.parameters * 2 + 1);
  });

  it("a dynamic model asks for --input-shape, which then gives the MACs", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", ["n", 3, 8, 8]);
    b.output(b.op("Conv", [x, b.const("w", zeros([4, 3, 1, 1]))])[0]!);
    const dir = mkdtempSync(join(tmpdir(), "myriadc-stats-"));
    const file = join(dir, "dynamic.onnx");
    saveOnnxFile(b.model(), file);
    const io = memoryIO();
    expect(await runCli(["inspect", file], io)).toBe(0);
    expect(io.out).toContain("MACs        need static input shapes (give --input-shape x=[…])");
    const shaped = memoryIO();
    expect(await runCli(["inspect", file, "--input-shape", "x=[2,3,8,8]"], shaped)).toBe(0);
    expect(shaped.out).toMatch(/MACs +1\.5 k \(/); // 2·4·8·8 outputs × 3 inputs = 1536
    rmSync(dir, { recursive: true });
  });
});
