/**
 * ConvolutionBackpropData-1 and GroupConvolutionBackpropData-1 (transposed convolution),
 * written from the OpenVINO op specification: every input element scatters its product with
 * the kernel into the output at i·stride + t·dilation − pads_begin. Output size per axis:
 * stride·(in − 1) + (k − 1)·dilation + 1 − pads_begin − pads_end + output_padding.
 * The output_shape input and same_* auto_pad are not used by our lowering (it computes
 * explicit pads), so the interpreter refuses them rather than guess.
 */
import type { Node } from "../../ir/node.js";
import { shapeSize, stridesOf } from "../../ir/shape.js";
import type { NdArray } from "../ndarray.js";
import { intsAttr, type OvOpDef, strAttr } from "./op-def.js";

/** Strides, dilations, begin pads, kernel and output spatial size of a transposed convolution. */
function geometry(x: NdArray, w: NdArray, node: Node, grouped: boolean, outputShape: NdArray | undefined) {
  const n = x.dims.length - 2;
  const kernel = w.dims.slice(grouped ? 3 : 2);
  const autoPad = strAttr(node, "auto_pad", "explicit").toLowerCase();
  if (outputShape || (autoPad !== "explicit" && autoPad !== "valid" && autoPad !== "notset"))
    throw new Error("ConvolutionBackpropData with output_shape or same_* auto_pad is not supported by the interpreter");
  const zeros = new Array<number>(n).fill(0);
  const strides = intsAttr(node, "strides", new Array<number>(n).fill(1));
  const dilations = intsAttr(node, "dilations", new Array<number>(n).fill(1));
  const pb = autoPad === "valid" ? zeros : intsAttr(node, "pads_begin", zeros);
  const pe = autoPad === "valid" ? zeros : intsAttr(node, "pads_end", zeros);
  const op = intsAttr(node, "output_padding", zeros);
  const outSp = x.dims.slice(2).map((d, i) => strides[i]! * (d - 1) + (kernel[i]! - 1) * dilations[i]! + 1 - pb[i]! - pe[i]! + op[i]!);
  return { kernel, strides, dilations, pb, outSp };
}

function deconvolve(x: NdArray, w: NdArray, node: Node, grouped: boolean, outputShape: NdArray | undefined): NdArray {
  const [N, C] = x.dims as [number, number];
  const inSp = x.dims.slice(2);
  const n = inSp.length;
  // Filters: [C_in, C_out, k…], or [G, C_in/G, C_out/G, k…] when grouped.
  const G = grouped ? w.dims[0]! : 1;
  const inPerGroup = grouped ? w.dims[1]! : w.dims[0]!;
  const outPerGroup = grouped ? w.dims[2]! : w.dims[1]!;
  if (inPerGroup * G !== C) throw new Error(`filters expect ${inPerGroup * G} input channels, input has ${C}`);
  const { kernel, strides, dilations, pb, outSp } = geometry(x, w, node, grouped, outputShape);
  const O = outPerGroup * G;
  const inPlane = shapeSize(inSp);
  const outPlane = shapeSize(outSp);
  const kSize = shapeSize(kernel);
  const outStrides = stridesOf(outSp);
  const inStrides = stridesOf(inSp);
  const kStrides = stridesOf(kernel);
  // For each (input position, tap): the output offset, or -1 when it falls in the padding.
  const target = new Int32Array(inPlane * kSize);
  for (let p = 0; p < inPlane; p++) {
    for (let t = 0; t < kSize; t++) {
      let off = 0;
      for (let d = 0; d < n; d++) {
        const i = Math.floor(p / inStrides[d]!) % inSp[d]!;
        const k = Math.floor(t / kStrides[d]!) % kernel[d]!;
        const o = i * strides[d]! + k * dilations[d]! - pb[d]!;
        if (o < 0 || o >= outSp[d]!) {
          off = -1;
          break;
        }
        off += o * outStrides[d]!;
      }
      target[p * kSize + t] = off;
    }
  }
  const xd = x.data as Float64Array;
  const wd = w.data as Float64Array;
  const out = new Float64Array(N * O * outPlane);
  for (let b = 0; b < N; b++) {
    for (let g = 0; g < G; g++) {
      for (let ic = 0; ic < inPerGroup; ic++) {
        const xBase = (b * C + g * inPerGroup + ic) * inPlane;
        for (let oc = 0; oc < outPerGroup; oc++) {
          const wBase = ((g * inPerGroup + ic) * outPerGroup + oc) * kSize;
          const yBase = (b * O + g * outPerGroup + oc) * outPlane;
          for (let p = 0; p < inPlane; p++) {
            const v = xd[xBase + p]!;
            for (let t = 0; t < kSize; t++) {
              const o = target[p * kSize + t]!;
              if (o >= 0) out[yBase + o]! += v * wd[wBase + t]!;
            }
          }
        }
      }
    }
  }
  return { dtype: x.dtype, dims: [N, O, ...outSp], data: out };
}

export const OV_DECONV: Record<string, OvOpDef> = {
  ConvolutionBackpropData: {
    run: ([x, w, shape], { node }) => [deconvolve(x!, w!, node, false, shape)],
    outputTypes: ([x, w, shape], { node }) => [
      { dtype: x!.dtype, dims: [x!.dims[0]!, w!.dims[1]!, ...geometry(x!, w!, node, false, shape).outSp] },
    ],
  },
  GroupConvolutionBackpropData: {
    run: ([x, w, shape], { node }) => [deconvolve(x!, w!, node, true, shape)],
    outputTypes: ([x, w, shape], { node }) => [
      { dtype: x!.dtype, dims: [x!.dims[0]!, w!.dims[0]! * w!.dims[2]!, ...geometry(x!, w!, node, true, shape).outSp] },
    ],
  },
};
