/** The OpenVINO op table: every op the interpreter can run, by type. */
import { OV_CONV_POOL } from "./conv-pool.js";
import { OV_DATA } from "./data.js";
import { OV_ELEMENTWISE } from "./elementwise.js";
import { OV_INTERPOLATE } from "./interpolate.js";
import type { OvOpDef } from "./op-def.js";

const TABLE = new Map<string, OvOpDef>([...Object.entries(OV_ELEMENTWISE), ...Object.entries(OV_CONV_POOL), ...Object.entries(OV_DATA), ...Object.entries(OV_INTERPOLATE)]);

export function openvinoOp(type: string): OvOpDef | undefined {
  return TABLE.get(type);
}

export function knownOpenvinoOps(): string[] {
  return [...TABLE.keys()].sort();
}
