/**
 * What the ONNX operator specification requires of an op's attributes and constant inputs,
 * checked where a kernel, a shape function or the lowering would otherwise compute garbage
 * (a negative block size, a step of 0, a group that does not divide the channels). Only what
 * the file itself says is checked: declared shapes and constants; nothing is inferred here,
 * so a check that cannot be decided is skipped, never guessed.
 */
import type { Node } from "../ir/node.js";
import type { Tensor } from "../ir/tensor.js";
import type { Value } from "../ir/value.js";
import { tensorInts } from "../ops/onnx/op-def.js";
import { constantOf } from "../passes/onnx/op-context.js";

/** Constants larger than this are not read by the checks (they never hold shapes or steps). */
const MAX_CHECKED_ELEMENTS = 1 << 16;

/** Whole-number values of a small constant input, or undefined. */
function ints(v: Value | undefined): number[] | undefined {
  const t: Tensor | undefined = constantOf(v);
  if (!t || t.size > MAX_CHECKED_ELEMENTS || t.dtype === "string") return undefined;
  return tensorInts(t);
}

/** Dims of a value when the file declares its rank; unknown dims are null. */
function dims(v: Value | undefined): readonly (number | null)[] | undefined {
  const s = v?.shape;
  return s?.map((d) => (typeof d === "number" ? d : null));
}

type Check = (node: Node) => string | undefined;

/** An axis of a rank-`rank` tensor, negative ones counting from the end; `past` also allows `rank` itself (Flatten). */
function inRange(axis: number, rank: number, past = false): boolean {
  return axis >= -rank && (past ? axis <= rank : axis < rank);
}

const conv: Check = (node) => {
  const x = dims(node.inputs[0]);
  const w = dims(node.inputs[1]);
  const group = node.getInt("group", 1);
  if (group < 1) return `group is ${group}; it must be at least 1`;
  if (x && x.length < 3) return `its input has rank ${x.length}; ${node.opType} needs N, C and at least one spatial axis`;
  if (x && w && x.length !== w.length) return `its input has rank ${x.length} but its weights rank ${w.length}`;
  const channels = x?.[1];
  if (typeof channels === "number" && channels % group !== 0) return `group ${group} does not divide the ${channels} input channels`;
  if (node.opType === "Conv") {
    const out = w?.[0];
    const perGroup = w?.[1];
    if (typeof out === "number" && out % group !== 0) return `group ${group} does not divide the ${out} output channels of its weights`;
    if (typeof channels === "number" && typeof perGroup === "number" && perGroup * group !== channels)
      return `its weights take ${perGroup} × ${group} channels per group, but the input has ${channels}`;
  } else if (typeof channels === "number" && typeof w?.[0] === "number" && w[0] !== channels) {
    return `its weights are for ${w[0]} input channels, but the input has ${channels}`;
  }
  const spatial = x ? x.length - 2 : w ? w.length - 2 : undefined;
  for (const name of ["kernel_shape", "strides", "dilations"] as const) {
    const v = node.getInts(name);
    if (!v) continue;
    if (spatial !== undefined && v.length !== spatial) return `${name} has ${v.length} entries for ${spatial} spatial axes`;
    if (v.some((d) => d < 1)) return `${name} [${v.join(",")}] has an entry below 1`;
  }
  const pads = node.getInts("pads");
  if (pads && spatial !== undefined && pads.length !== 2 * spatial) return `pads has ${pads.length} entries for ${spatial} spatial axes`;
  return undefined;
};

const pool: Check = (node) => {
  for (const name of ["kernel_shape", "strides", "dilations"] as const) {
    const v = node.getInts(name);
    if (v?.some((d) => d < 1)) return `${name} [${v.join(",")}] has an entry below 1`;
  }
  const x = dims(node.inputs[0]);
  const k = node.getInts("kernel_shape");
  if (x && k && k.length !== x.length - 2) return `kernel_shape has ${k.length} entries for ${x.length - 2} spatial axes`;
  return undefined;
};

const blocks: Check = (node) => {
  const b = node.getInt("blocksize");
  if (b === undefined) return "it has no blocksize";
  if (b < 1) return `blocksize is ${b}; it must be at least 1`;
  const x = dims(node.inputs[0]);
  if (x && x.length !== 4) return `its input has rank ${x.length}; ${node.opType} needs rank 4`;
  if (node.opType === "DepthToSpace" && typeof x?.[1] === "number" && x[1] % (b * b) !== 0)
    return `${x[1]} channels cannot be split into blocks of ${b}×${b}`;
  if (node.opType === "SpaceToDepth")
    for (const d of [x?.[2], x?.[3]])
      if (typeof d === "number" && d % b !== 0) return `spatial size ${d} is not a multiple of blocksize ${b}`;
  return undefined;
};

const reshape: Check = (node) => {
  const shape = ints(node.inputs[1]);
  if (!shape) return undefined;
  if (shape.filter((d) => d === -1).length > 1) return `its shape [${shape.join(",")}] has more than one -1`;
  if (shape.some((d) => d < -1)) return `its shape [${shape.join(",")}] has a negative size other than -1`;
  if (node.getInt("allowzero", 0) === 1 && shape.includes(0) && shape.includes(-1))
    return `with allowzero=1 its shape [${shape.join(",")}] may not hold both 0 and -1`;
  return undefined;
};

const slice: Check = (node) => {
  const steps = ints(node.inputs[4]);
  if (steps?.includes(0)) return `its steps [${steps.join(",")}] hold a 0`;
  const x = dims(node.inputs[0]);
  const axes = ints(node.inputs[3]) ?? node.getInts("axes");
  if (x && axes?.some((a) => !inRange(a, x.length))) return `its axes [${axes.join(",")}] are outside rank ${x.length}`;
  return undefined;
};

const gather: Check = (node) => {
  const x = dims(node.inputs[0]);
  if (!x) return undefined;
  const axis = node.getInt("axis", 0);
  if (!inRange(axis, x.length)) return `axis ${axis} is outside rank ${x.length}`;
  const size = x[axis < 0 ? axis + x.length : axis];
  const indices = ints(node.inputs[1]);
  if (typeof size !== "number" || !indices) return undefined;
  const bad = indices.find((i) => i < -size || i >= size);
  return bad === undefined ? undefined : `index ${bad} is out of range for axis ${axis} of size ${size}`;
};

const transpose: Check = (node) => {
  const perm = node.getInts("perm");
  if (!perm) return undefined;
  const x = dims(node.inputs[0]);
  const rank = x?.length ?? perm.length;
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i)) return `perm [${perm.join(",")}] is not a permutation of the ${rank} axes`;
  return undefined;
};

const axisOf =
  (past = false): Check =>
  (node) => {
    const x = dims(node.inputs[0]);
    const axis = node.getInt("axis");
    if (!x || axis === undefined) return undefined;
    return inRange(axis, x.length, past) ? undefined : `axis ${axis} is outside rank ${x.length}`;
  };

const nonNegative =
  (input: number, what: string): Check =>
  (node) => {
    const v = ints(node.inputs[input]);
    return v?.some((d) => d < 0) ? `its ${what} [${v.join(",")}] hold a negative number` : undefined;
  };

const range: Check = (node) => {
  const delta = constantOf(node.inputs[2]);
  if (!delta || delta.size !== 1 || delta.dtype === "string") return undefined;
  const d = delta.dtype.startsWith("int") || delta.dtype.startsWith("uint") ? Number(delta.toBigInts()[0]) : delta.toFloat32()[0];
  return d === 0 ? "its delta is 0, so it never ends" : undefined;
};

const resize: Check = (node) => {
  const sizes = ints(node.inputs[3]);
  if (sizes?.some((d) => d < 0)) return `its sizes [${sizes.join(",")}] hold a negative number`;
  return undefined;
};

/** Checks of the default ONNX domain, by op. */
export const ONNX_OP_CHECKS: Readonly<Record<string, Check>> = {
  Conv: conv,
  ConvTranspose: conv,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  DepthToSpace: blocks,
  SpaceToDepth: blocks,
  Reshape: reshape,
  Slice: slice,
  Gather: gather,
  Transpose: transpose,
  Concat: axisOf(),
  Softmax: axisOf(),
  LogSoftmax: axisOf(),
  Flatten: axisOf(true),
  ConstantOfShape: nonNegative(0, "shape"),
  Tile: nonNegative(1, "repeats"),
  Range: range,
  Resize: resize,
};
