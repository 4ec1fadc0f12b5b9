/**
 * ResNet-18 (torchvision's architecture) as the PyTorch op-set 17 exporter writes it:
 * BatchNorm already folded into each Conv's bias, BasicBlocks of Conv-Relu-Conv-Add-Relu,
 * a 1×1 stride-2 downsample on the first block of stages 2–4, GlobalAveragePool, Flatten and
 * Gemm. Weights are random (seeded, He-scaled so activations stay in range); `width`
 * multiplies every channel count, which is how the bench makes a ~100 MB model of the same
 * shape (width 1: 11.7 M parameters, 46.7 MB; width 1.5: 26 M, ~105 MB).
 */
import { type AttributeValue, attr } from "../../src/ir/attribute.js";
import { Graph } from "../../src/ir/graph.js";
import { Model } from "../../src/ir/model.js";
import { Node } from "../../src/ir/node.js";
import { Tensor } from "../../src/ir/tensor.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";

export interface ResnetOptions {
  /** Channel multiplier (1 = torchvision's ResNet-18). */
  width?: number;
  /** Square input size (224 by default). */
  resolution?: number;
  seed?: number;
}

export function resnet18(options: ResnetOptions = {}): Model {
  const width = options.width ?? 1;
  const size = options.resolution ?? 224;
  const random = xorshift(options.seed ?? 18);
  const g = new Graph("main_graph");
  let counter = 0;

  const constant = (name: string, dims: number[], scale: number): Value => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (random() * 2 - 1) * scale;
    return g.addInitializer(new Value(name, tensorType("float32", dims)), Tensor.fromArray("float32", dims, data));
  };
  const node = (opType: string, name: string, inputs: Value[], attributes: Record<string, AttributeValue>) => {
    const out = new Value(`/${name}/${opType}_output_0`);
    g.appendNode(new Node({ opType, version: 17, name: `/${name}/${opType}`, inputs, outputs: [out], attributes }));
    return out;
  };
  const conv = (x: Value, name: string, cin: number, cout: number, k: number, stride: number): Value => {
    const id = counter++;
    // He-uniform bound, as a trained network's folded weights roughly are.
    const w = constant(`onnx::Conv_${id}_w`, [cout, cin, k, k], Math.sqrt(6 / (cin * k * k)));
    const b = constant(`onnx::Conv_${id}_b`, [cout], 0.05);
    const pad = Math.floor(k / 2);
    return node("Conv", name, [x, w, b], {
      dilations: attr.ints([1, 1]),
      group: attr.int(1),
      kernel_shape: attr.ints([k, k]),
      pads: attr.ints([pad, pad, pad, pad]),
      strides: attr.ints([stride, stride]),
    });
  };
  const relu = (x: Value, name: string) => node("Relu", name, [x], {});

  const input = g.addInput(new Value("input", tensorType("float32", [1, 3, size, size])));
  const c = (n: number) => Math.round(n * width);
  let x = relu(conv(input, "conv1", 3, c(64), 7, 2), "relu");
  x = node("MaxPool", "maxpool", [x], {
    ceil_mode: attr.int(0),
    dilations: attr.ints([1, 1]),
    kernel_shape: attr.ints([3, 3]),
    pads: attr.ints([1, 1, 1, 1]),
    strides: attr.ints([2, 2]),
  });
  let channels = c(64);
  [64, 128, 256, 512].forEach((base, stage) => {
    for (let block = 0; block < 2; block++) {
      const name = `layer${stage + 1}/layer${stage + 1}.${block}`;
      const out = c(base);
      const stride = block === 0 && stage > 0 ? 2 : 1;
      const y = relu(conv(x, `${name}/conv1`, channels, out, 3, stride), `${name}/relu`);
      const z = conv(y, `${name}/conv2`, out, out, 3, 1);
      const shortcut = stride !== 1 || channels !== out ? conv(x, `${name}/downsample/downsample.0`, channels, out, 1, stride) : x;
      x = relu(node("Add", `${name}`, [z, shortcut], {}), `${name}/relu_1`);
      channels = out;
    }
  });
  x = node("GlobalAveragePool", "avgpool", [x], {});
  x = node("Flatten", "flatten", [x], { axis: attr.int(1) });
  const fcW = constant("fc.weight", [1000, channels], Math.sqrt(6 / channels));
  const fcB = constant("fc.bias", [1000], 0.05);
  const out = new Value("output", tensorType("float32", [1, 1000]));
  g.appendNode(
    new Node({
      opType: "Gemm",
      version: 17,
      name: "/fc/Gemm",
      inputs: [x, fcW, fcB],
      outputs: [out],
      attributes: { alpha: attr.float(1), beta: attr.float(1), transB: attr.int(1) },
    }),
  );
  g.addOutput(out);
  return new Model(g, { irVersion: 8, opsetImports: new Map([["", 17]]), producerName: "myriadc-bench", producerVersion: "resnet18" });
}

/** A small deterministic generator in [0, 1): the same model on every machine. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}
