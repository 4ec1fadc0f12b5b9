/** The ONNX op table: every op the compiler can infer or fold, by type (default domain). */

import { CONTAINER_OPS } from "./containers.js";
import { ELEMENTWISE_OPS } from "./elementwise.js";
import { MISC_OPS } from "./misc.js";
import { MORE_OPS } from "./more.js";
import { NN_OPS } from "./nn.js";
import type { OnnxOpDef } from "./op-def.js";
import { SHAPE_OPS } from "./shape-ops.js";

const TABLE = new Map<string, OnnxOpDef>([
  ...Object.entries(ELEMENTWISE_OPS),
  ...Object.entries(SHAPE_OPS),
  ...Object.entries(NN_OPS),
  ...Object.entries(MISC_OPS),
  ...Object.entries(MORE_OPS),
  ...Object.entries(CONTAINER_OPS),
]);

/** The definition of an op of the default ONNX domain, or undefined. */
export function onnxOp(opType: string): OnnxOpDef | undefined {
  return TABLE.get(opType);
}

export function knownOnnxOps(): string[] {
  return [...TABLE.keys()].sort();
}
