/** The OpenVINO op table: every op the interpreter can run, by type. */
import { OV_CONV_POOL } from "./conv-pool.js";
import { OV_DATA } from "./data.js";
import { OV_DECONV } from "./deconv.js";
import { OV_ELEMENTWISE } from "./elementwise.js";
import { OV_INDEXING } from "./indexing.js";
import { OV_INTERPOLATE } from "./interpolate.js";
import { OV_NMS } from "./nms.js";
import { OV_NORMALIZATION } from "./normalization.js";
import type { OvOpDef } from "./op-def.js";
import { OV_RECURRENT } from "./recurrent.js";

const PARTS = [OV_ELEMENTWISE, OV_CONV_POOL, OV_DECONV, OV_DATA, OV_INDEXING, OV_NORMALIZATION, OV_INTERPOLATE, OV_NMS, OV_RECURRENT];
const TABLE = new Map<string, OvOpDef>(PARTS.flatMap((part) => Object.entries(part)));

export function openvinoOp(type: string): OvOpDef | undefined {
  return TABLE.get(type);
}
