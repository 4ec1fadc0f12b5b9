/**
 * Convolution, GroupConvolution, ConvolutionBackpropData, GroupConvolutionBackpropData,
 * MaxPool and AvgPool (NC… layout, any number of spatial axes), written from the OpenVINO op
 * specification: explicit pads_begin/pads_end or auto_pad (same_upper, same_lower, valid),
 * rounding_type floor/ceil for pooling. The window geometry is worked out here, on dims (so
 * inference and the kernels share it); the arithmetic is the shared kernels'.
 */
import type { Node } from "../../ir/node.js";
import { convolution, pool, transposedConvolution, type Window } from "../kernels/conv-pool.js";
import { ndCast } from "../ndarray.js";
import { DYNAMIC, formatDims, known } from "./dims.js";
import { dtypeFromElementType } from "./element-types.js";
import { boolAttr, intsAttr, type OvOpDef, type OvPortInfo, type OvPortType, required, ShapeError, strAttr } from "./op-def.js";

/** Output sizes and effective begin padding of each spatial axis; -1 sizes stay unknown. */
function windowFor(node: Node, spatial: readonly number[], kernel: readonly number[], pooling: boolean): Window {
  const n = spatial.length;
  const strides = intsAttr(node, "strides", new Array<number>(n).fill(1));
  const dilations = intsAttr(node, "dilations", new Array<number>(n).fill(1));
  let padsBegin = intsAttr(node, "pads_begin", new Array<number>(n).fill(0));
  let padsEnd = intsAttr(node, "pads_end", new Array<number>(n).fill(0));
  const autoPad = strAttr(node, "auto_pad", "explicit").toLowerCase();
  const ceil = pooling && strAttr(node, "rounding_type", "floor").toLowerCase() === "ceil";
  for (const [name, list] of [
    ["strides", strides],
    ["dilations", dilations],
    ["kernel", kernel],
  ] as const)
    if (list.length !== n) throw new ShapeError(`${name} has ${list.length} values for ${n} spatial axes`);
  if (autoPad === "valid") {
    padsBegin = new Array<number>(n).fill(0);
    padsEnd = new Array<number>(n).fill(0);
  } else if (autoPad === "same_upper" || autoPad === "same_lower") {
    padsBegin = [];
    padsEnd = [];
    spatial.forEach((size, i) => {
      const out = Math.ceil(size / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - size);
      const small = Math.floor(total / 2);
      padsBegin.push(autoPad === "same_upper" ? small : total - small);
      padsEnd.push(autoPad === "same_upper" ? total - small : small);
    });
  }
  const out = spatial.map((size, i) => {
    if (!known(size)) return DYNAMIC;
    const span = size + padsBegin[i]! + padsEnd[i]! - ((kernel[i]! - 1) * dilations[i]! + 1);
    let o = (ceil ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
    // A last window that would start in the end padding is dropped.
    if (ceil && (o - 1) * strides[i]! >= size + padsBegin[i]!) o--;
    if (o < 0)
      throw new ShapeError(
        `the window (${kernel[i]} × dilation ${dilations[i]}) is larger than the padded input (${size}) on spatial axis ${i}`,
      );
    return o;
  });
  return { kernel, strides, dilations, padsBegin, out };
}

/** Input 0 of a windowed op: NC… with at least one spatial axis. */
function dataInput(inputs: readonly (OvPortInfo | undefined)[]): OvPortInfo {
  const x = required(inputs, 0);
  if (x.dims.length < 3) throw new ShapeError(`input 0 ${formatDims(x.dims)} needs a batch, a channel and a spatial axis`);
  return x;
}

/**
 * Convolution weights [O, C, k…]; GroupConvolution's [G, O/G, C/G, k…]. Checks the channels
 * against the input's and returns (groups, output channels, kernel).
 */
function convWeights(x: OvPortInfo, w: OvPortInfo, grouped: boolean): { groups: number; out: number; kernel: number[] } {
  const rank = x.dims.length + (grouped ? 1 : 0);
  if (w.dims.length !== rank)
    throw new ShapeError(
      `the weights ${formatDims(w.dims)} need rank ${rank} for input ${formatDims(x.dims)}${grouped ? " (groups first)" : ""}`,
    );
  const groups = grouped ? w.dims[0]! : 1;
  const perGroupOut = grouped ? w.dims[1]! : w.dims[0]!;
  const perGroupIn = grouped ? w.dims[2]! : w.dims[1]!;
  const c = x.dims[1]!;
  if (known(c) && known(groups) && known(perGroupIn) && groups * perGroupIn !== c)
    throw new ShapeError(
      `input 0 has ${c} channels but the weights ${formatDims(w.dims)} expect ${groups * perGroupIn}` +
        (grouped ? ` (${groups} groups of ${perGroupIn})` : ""),
    );
  return { groups, out: known(groups) && known(perGroupOut) ? groups * perGroupOut : DYNAMIC, kernel: w.dims.slice(grouped ? 3 : 2) };
}

function convolutionOp(grouped: boolean): OvOpDef {
  return {
    infer(inputs, { node }) {
      const x = dataInput(inputs);
      const { out, kernel } = convWeights(x, required(inputs, 1), grouped);
      if (kernel.some((k) => !known(k))) throw new ShapeError("the kernel size must be known");
      return [{ dtype: x.dtype, dims: [x.dims[0]!, out, ...windowFor(node, x.dims.slice(2), kernel, false).out] }];
    },
    run([x, w], { node }) {
      const groups = grouped ? w!.dims[0]! : 1;
      const out = grouped ? groups * w!.dims[1]! : w!.dims[0]!;
      const win = windowFor(node, x!.dims.slice(2), w!.dims.slice(grouped ? 3 : 2), false);
      return [convolution(x!, w!, win, groups, out)];
    },
  };
}

/**
 * Backprop-data (transposed convolution) geometry, from the OpenVINO specification: output
 * size per axis stride·(in − 1) + (k − 1)·dilation + 1 − pads_begin − pads_end + output_padding.
 * The output_shape input and same_* auto_pad are not used by our lowering (it computes
 * explicit pads), so they are refused rather than guessed.
 */
function deconvGeometry(x: { dims: readonly number[] }, kernel: readonly number[], node: Node, outputShape: unknown) {
  const n = x.dims.length - 2;
  const autoPad = strAttr(node, "auto_pad", "explicit").toLowerCase();
  if (outputShape || (autoPad !== "explicit" && autoPad !== "valid" && autoPad !== "notset"))
    throw new Error("ConvolutionBackpropData with output_shape or same_* auto_pad is not supported by the interpreter");
  const zeros = new Array<number>(n).fill(0);
  const strides = intsAttr(node, "strides", new Array<number>(n).fill(1));
  const dilations = intsAttr(node, "dilations", new Array<number>(n).fill(1));
  const pb = autoPad === "valid" ? zeros : intsAttr(node, "pads_begin", zeros);
  const pe = autoPad === "valid" ? zeros : intsAttr(node, "pads_end", zeros);
  const op = intsAttr(node, "output_padding", zeros);
  const outSp = x.dims
    .slice(2)
    .map((d, i) => (known(d) ? strides[i]! * (d - 1) + (kernel[i]! - 1) * dilations[i]! + 1 - pb[i]! - pe[i]! + op[i]! : DYNAMIC));
  return { strides, dilations, pb, outSp };
}

/** Filters [C_in, C_out, k…], or [G, C_in/G, C_out/G, k…] when grouped. */
function deconvolutionOp(grouped: boolean): OvOpDef {
  const filters = (dims: readonly number[]) => ({
    groups: grouped ? dims[0]! : 1,
    inPerGroup: grouped ? dims[1]! : dims[0]!,
    outPerGroup: grouped ? dims[2]! : dims[1]!,
    kernel: dims.slice(grouped ? 3 : 2),
  });
  return {
    infer(inputs, { node }) {
      const x = dataInput(inputs);
      const w = required(inputs, 1);
      if (w.dims.length !== x.dims.length + (grouped ? 1 : 0))
        throw new ShapeError(`the filters ${formatDims(w.dims)} do not fit input ${formatDims(x.dims)}`);
      const f = filters(w.dims);
      const c = x.dims[1]!;
      if (known(c) && f.groups * f.inPerGroup !== c)
        throw new ShapeError(`input 0 has ${c} channels but the filters expect ${f.groups * f.inPerGroup}`);
      const { outSp } = deconvGeometry(x, f.kernel, node, inputs[2]);
      return [{ dtype: x.dtype, dims: [x.dims[0]!, f.groups * f.outPerGroup, ...outSp] }];
    },
    run([x, w, shape], { node }) {
      const f = filters(w!.dims);
      if (f.inPerGroup * f.groups !== x!.dims[1])
        throw new Error(`filters expect ${f.inPerGroup * f.groups} input channels, input has ${x!.dims[1]}`);
      const g = deconvGeometry(x!, f.kernel, node, shape);
      return [transposedConvolution(x!, w!, f.groups, f.outPerGroup, f.kernel, g.strides, g.dilations, g.pb, g.outSp)];
    },
  };
}

const indexType = (node: Node) => dtypeFromElementType(strAttr(node, "index_element_type", "i64")) ?? "int64";

function poolWindow(x: { dims: readonly number[] }, node: Node): Window {
  return windowFor(node, x.dims.slice(2), intsAttr(node, "kernel"), true);
}

function poolTypes(x: OvPortInfo, node: Node): OvPortType {
  return { dtype: x.dtype, dims: [x.dims[0]!, x.dims[1]!, ...poolWindow(x, node).out] };
}

const padsEndOf = (node: Node, rank: number) => intsAttr(node, "pads_end", new Array<number>(rank).fill(0));

export const OV_CONV_POOL: Record<string, OvOpDef> = {
  Convolution: convolutionOp(false),
  GroupConvolution: convolutionOp(true),
  ConvolutionBackpropData: deconvolutionOp(false),
  GroupConvolutionBackpropData: deconvolutionOp(true),
  MaxPool: {
    exact: true,
    infer(inputs, { node, version }) {
      const values = poolTypes(dataInput(inputs), node);
      return version < 8 ? [values] : [values, { dtype: indexType(node), dims: values.dims }];
    },
    run([x], { node, version }) {
      // MaxPool-1 has no indices output: they are not computed.
      const [values, indices] = pool(x!, poolWindow(x!, node), "max", false, padsEndOf(node, x!.dims.length - 2), version >= 8);
      return version < 8 ? [values] : [values, ndCast(indices, indexType(node))];
    },
  },
  AvgPool: {
    infer: (inputs, { node }) => [poolTypes(dataInput(inputs), node)],
    run: ([x], { node }) => [
      pool(x!, poolWindow(x!, node), "avg", boolAttr(node, "exclude-pad", false), padsEndOf(node, x!.dims.length - 2))[0],
    ],
  },
};
