/**
 * The committed TFLite fixtures (test/fixtures/tflite/<name>/, made by make_fixtures.py) and
 * how the tests run them: load the .tflite, convert to IR in memory, run the interpreter.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Converted, type ConvertOptions, convertToIr } from "../../../src/convert.js";
import { loadModel } from "../../../src/frontends/load-model.js";
import type { Tensor } from "../../../src/ir/tensor.js";
import { runOpenvinoModel } from "../../../src/runtime/interpreter.js";
import { npyTensor } from "./tflite-corpus.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/tflite/", import.meta.url));

export interface Fixture {
  name: string;
  model: string;
  inputs: Tensor[];
  outputs: Tensor[];
  meta: { operators: string[]; outputs?: { quantization: { scale: number[] } | null }[] };
}

export function fixture(name: string): Fixture {
  const dir = join(FIXTURES, name);
  const files = readdirSync(dir);
  const npys = (prefix: string) =>
    files
      .filter((f) => new RegExp(`^${prefix}_\\d+\\.npy$`).test(f))
      .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]))
      .map((f) => npyTensor(join(dir, f)));
  const metaFile = join(dir, "meta.json");
  return {
    name,
    model: join(dir, "model.tflite"),
    inputs: npys("input"),
    outputs: npys("output"),
    meta: existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, "utf8")) : { operators: [] },
  };
}

export interface RunResult {
  converted: Converted;
  outputs: Tensor[];
}

/** Converts a model file (inputs pinned to the feeds' shapes) and runs the IR on the feeds. */
export function convertAndRun(file: string, feeds: readonly Tensor[], options: ConvertOptions = {}): RunResult {
  const { model } = loadModel(file);
  const names = model.graph.inputs.map((v) => v.name);
  const outputNames = model.graph.outputs.map((v) => v.name);
  const converted = convertToIr(model, file, { inputShapes: new Map(names.map((n, i) => [n, [...feeds[i]!.dims]])), ...options });
  const out = runOpenvinoModel(converted.openvino, new Map(names.map((n, i) => [n, feeds[i]!])), { fp16: options.dataType === "FP16" });
  return { converted, outputs: outputNames.map((n) => out.get(n)!) };
}

/** Layers of the emitted IR, by type. */
export function layerCounts(c: Converted): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of c.net.layers) m.set(l.type, (m.get(l.type) ?? 0) + 1);
  return m;
}
