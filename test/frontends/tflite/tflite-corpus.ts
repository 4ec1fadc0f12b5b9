/**
 * The TFLite corpus (../shared/corpus/tflite): whole networks and one-op models, each with
 * TensorFlow Lite interpreter inputs and outputs, and what the references need to be compared
 * with: for quantized outputs, the quantization step of the tensor they come from.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readTfliteBytes } from "../../../src/frontends/tflite/load.js";
import type { TfliteModel } from "../../../src/frontends/tflite/schema.js";
import { readNpy } from "../../../src/io/npy.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { CORPUS } from "../../support/corpus.js";

export const TFLITE_CORPUS = join(CORPUS, "tflite");
export const tfliteCorpusAvailable = existsSync(join(TFLITE_CORPUS, "models")) && existsSync(join(TFLITE_CORPUS, "ops"));
export const TFLITE_MISSING =
  `SKIP: TFLite corpus not found at ${TFLITE_CORPUS} (set MYRIADC_CORPUS or place shared/ beside the repo); ` +
  "TFLite corpus tests are skipped";

export interface TfliteCase {
  id: string;
  dir: string;
  model: string;
  inputs: string[];
  outputs: string[];
  meta: { operators: string[]; note?: string };
}

const byIndex = (files: string[], prefix: string) =>
  files.filter((f) => new RegExp(`^${prefix}_\\d+\\.npy$`).test(f)).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));

export function tfliteCases(): TfliteCase[] {
  if (!tfliteCorpusAvailable) return [];
  return ["models", "ops"].flatMap((kind) =>
    readdirSync(join(TFLITE_CORPUS, kind))
      .sort()
      .filter((name) => existsSync(join(TFLITE_CORPUS, kind, name, "model.tflite")))
      .map((name) => {
        const dir = join(TFLITE_CORPUS, kind, name);
        const files = readdirSync(dir);
        return {
          id: `${kind}/${name}`,
          dir,
          model: join(dir, "model.tflite"),
          inputs: byIndex(files, "input").map((f) => join(dir, f)),
          outputs: byIndex(files, "output").map((f) => join(dir, f)),
          meta: JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")),
        };
      }),
  );
}

export function npyTensor(path: string): Tensor {
  const a = readNpy(path);
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
}

/**
 * The quantization step of each subgraph output: its own scale when it is quantized, the
 * scale of the DEQUANTIZE input that produces it for a float output of a quantized model,
 * undefined for float outputs of float models.
 */
export function outputSteps(model: TfliteModel): (number | undefined)[] {
  const sg = model.subgraphs[0]!;
  return sg.outputs.map((ti) => {
    const t = sg.tensors[ti]!;
    if (t.quantization?.scale.length) return t.quantization.scale[0];
    const producer = sg.operators.find((op) => op.outputs.includes(ti));
    if (producer?.opcode.name !== "DEQUANTIZE") return undefined;
    const src = sg.tensors[producer.inputs[0]!];
    return src?.quantization?.scale[0];
  });
}

export function readCaseModel(c: TfliteCase): TfliteModel {
  return readTfliteBytes(readFileSync(c.model), c.model);
}
