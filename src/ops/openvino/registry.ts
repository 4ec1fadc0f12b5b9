/** The OpenVINO op table: every op with shape inference and an interpreter kernel, by type; one file per op family. */
import { OV_CONV_POOL } from "./conv-pool.js";
import { OV_DETECTION } from "./detection.js";
import { OV_ELEMENTWISE } from "./elementwise.js";
import { OV_INDEXING } from "./indexing.js";
import { OV_MATMUL } from "./matmul.js";
import { OV_NORMALIZATION } from "./normalization.js";
import type { OvOpDef } from "./op-def.js";
import { OV_RECURRENT } from "./recurrent.js";
import { OV_REDUCTION } from "./reduction.js";
import { OV_RESIZE } from "./resize.js";
import { OV_SHAPE } from "./shape.js";

const FAMILIES = [
  OV_ELEMENTWISE,
  OV_CONV_POOL,
  OV_MATMUL,
  OV_NORMALIZATION,
  OV_REDUCTION,
  OV_SHAPE,
  OV_INDEXING,
  OV_RESIZE,
  OV_RECURRENT,
  OV_DETECTION,
];
const TABLE = new Map<string, OvOpDef>(FAMILIES.flatMap((family) => Object.entries(family)));

export function openvinoOp(type: string): OvOpDef | undefined {
  return TABLE.get(type);
}

export function knownOpenvinoOps(): string[] {
  return [...TABLE.keys()].sort();
}
