/**
 * The ONNX op table: every op the compiler can infer or fold, by type (default domain),
 * assembled from the family files. An op is defined in exactly one family. Ops of other
 * domains that exporters write next to ONNX ops (onnxruntime's com.microsoft quantized
 * operators) have tables of their own.
 */
import { ATTENTION_OPS } from "./attention.js";
import { CONTROL_FLOW_OPS } from "./control-flow.js";
import { CONV_POOL_OPS } from "./conv-pool.js";
import { DETECTION_OPS } from "./detection.js";
import { ELEMENTWISE_OPS } from "./elementwise.js";
import { INDEXING_OPS } from "./indexing.js";
import { LINALG_OPS } from "./linalg.js";
import { LOSSES_OPS } from "./losses.js";
import { MATMUL_OPS } from "./matmul.js";
import { NORMALIZATION_OPS } from "./normalization.js";
import type { OnnxOpDef } from "./op-def.js";
import { MICROSOFT_QUANTIZATION_OPS, QUANTIZATION_OPS } from "./quantization.js";
import { RANDOM_OPS } from "./random.js";
import { RECURRENT_OPS } from "./recurrent.js";
import { REDUCTION_OPS } from "./reduction.js";
import { RESIZE_OPS } from "./resize.js";
import { SEQUENCE_OPS } from "./sequence.js";
import { SHAPE_OPS } from "./shape.js";
import { SIGNAL_OPS } from "./signal.js";
import { STRINGS_OPS } from "./strings.js";

/** The families, by file name. */
export const ONNX_OP_FAMILIES: Readonly<Record<string, Readonly<Record<string, OnnxOpDef>>>> = {
  elementwise: ELEMENTWISE_OPS,
  "conv-pool": CONV_POOL_OPS,
  matmul: MATMUL_OPS,
  normalization: NORMALIZATION_OPS,
  reduction: REDUCTION_OPS,
  shape: SHAPE_OPS,
  indexing: INDEXING_OPS,
  resize: RESIZE_OPS,
  recurrent: RECURRENT_OPS,
  quantization: QUANTIZATION_OPS,
  detection: DETECTION_OPS,
  "control-flow": CONTROL_FLOW_OPS,
  sequence: SEQUENCE_OPS,
  attention: ATTENTION_OPS,
  losses: LOSSES_OPS,
  signal: SIGNAL_OPS,
  strings: STRINGS_OPS,
  linalg: LINALG_OPS,
  random: RANDOM_OPS,
};

const TABLE = new Map<string, OnnxOpDef>();
for (const [family, ops] of Object.entries(ONNX_OP_FAMILIES)) {
  for (const [op, def] of Object.entries(ops)) {
    // Two definitions would silently shadow each other: a programming error, caught at load.
    if (TABLE.has(op)) throw new Error(`ONNX op ${op} is defined twice (again in ${family}.ts)`);
    TABLE.set(op, def);
  }
}

/** Op tables of the other domains, by domain name. */
const DOMAIN_TABLES: ReadonlyMap<string, ReadonlyMap<string, OnnxOpDef>> = new Map([
  ["com.microsoft", new Map(Object.entries(MICROSOFT_QUANTIZATION_OPS))],
]);

/** The definition of an op of the default ONNX domain ("" or "ai.onnx"), or of another known domain; undefined when unknown. */
export function onnxOp(opType: string, domain = ""): OnnxOpDef | undefined {
  return domain === "" || domain === "ai.onnx" ? TABLE.get(opType) : DOMAIN_TABLES.get(domain)?.get(opType);
}

export function knownOnnxOps(): string[] {
  return [...TABLE.keys()].sort();
}
