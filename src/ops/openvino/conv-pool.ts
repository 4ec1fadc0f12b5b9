/**
 * Convolution, GroupConvolution, MaxPool and AvgPool (2-D and N-D spatial, NC… layout),
 * written from the OpenVINO op specification: explicit pads_begin/pads_end, or auto_pad
 * (same_upper, same_lower, valid), rounding_type floor/ceil for pooling.
 */
import type { Node } from "../../ir/node.js";
import { shapeSize } from "../../ir/shape.js";
import { type NdArray, ndCast } from "../ndarray.js";
import { dtypeFromElementType } from "./element-types.js";
import { boolAttr, intsAttr, type OvOpDef, strAttr } from "./op-def.js";

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  out: number[];
}

/** Output sizes and effective begin padding of each spatial axis. */
function windowFor(node: Node, spatial: readonly number[], kernel: number[], pooling: boolean): Window {
  const n = spatial.length;
  const strides = intsAttr(node, "strides", new Array<number>(n).fill(1));
  const dilations = intsAttr(node, "dilations", new Array<number>(n).fill(1));
  let padsBegin = intsAttr(node, "pads_begin", new Array<number>(n).fill(0));
  let padsEnd = intsAttr(node, "pads_end", new Array<number>(n).fill(0));
  const autoPad = strAttr(node, "auto_pad", "explicit").toLowerCase();
  const ceil = pooling && strAttr(node, "rounding_type", "floor").toLowerCase() === "ceil";
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
    const span = size + padsBegin[i]! + padsEnd[i]! - ((kernel[i]! - 1) * dilations[i]! + 1);
    let o = (ceil ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
    // A last window that would start in the end padding is dropped.
    if (ceil && (o - 1) * strides[i]! >= size + padsBegin[i]!) o--;
    return o;
  });
  return { kernel, strides, dilations, padsBegin, out };
}

/** Iterates the output positions of an N-D window, calling `visit(outIndex, starts)`. */
function forEachPosition(w: Window, visit: (o: number, starts: number[]) => void): void {
  const n = w.out.length;
  const pos = new Array<number>(n).fill(0);
  const total = shapeSize(w.out);
  for (let o = 0; o < total; o++) {
    visit(
      o,
      pos.map((p, i) => p * w.strides[i]! - w.padsBegin[i]!),
    );
    for (let d = n - 1; d >= 0; d--) {
      if (++pos[d]! < w.out[d]!) break;
      pos[d] = 0;
    }
  }
}

/** Kernel offsets (in input elements) and their per-axis positions, for a window at `starts`. */
function kernelTaps(w: Window, spatial: readonly number[]): { offsets: number[][] } {
  const n = spatial.length;
  const taps: number[][] = [];
  const k = new Array<number>(n).fill(0);
  const total = shapeSize(w.kernel);
  for (let t = 0; t < total; t++) {
    taps.push(k.map((v, i) => v * w.dilations[i]!));
    for (let d = n - 1; d >= 0; d--) {
      if (++k[d]! < w.kernel[d]!) break;
      k[d] = 0;
    }
  }
  return { offsets: taps };
}

function convolve(x: NdArray, w: NdArray, node: Node, groups: number, grouped: boolean): NdArray {
  const [N, C] = x.dims as [number, number];
  const spatial = x.dims.slice(2);
  // GroupConvolution weights are [G, O/G, C/G, k…]; Convolution's [O, C, k…].
  const perGroupOut = grouped ? w.dims[1]! : w.dims[0]!;
  const perGroupIn = grouped ? w.dims[2]! : w.dims[1]!;
  const kernel = w.dims.slice(grouped ? 3 : 2);
  const O = perGroupOut * groups;
  if (perGroupIn * groups !== C) throw new Error(`weights expect ${perGroupIn * groups} input channels, input has ${C}`);
  const win = windowFor(node, spatial, kernel, false);
  const { offsets } = kernelTaps(win, spatial);
  const inStrides = spatial.map((_, i) => shapeSize(spatial.slice(i + 1)));
  const outPlane = shapeSize(win.out);
  const inPlane = shapeSize(spatial);
  const kSize = shapeSize(kernel);
  const out = new Float64Array(N * O * outPlane);
  const xd = x.data as Float64Array;
  const wd = w.data as Float64Array;
  const tapIndex = new Int32Array(kSize);
  const tapValid = new Uint8Array(kSize);
  for (let n = 0; n < N; n++) {
    forEachPosition(win, (o, starts) => {
      for (let t = 0; t < kSize; t++) {
        let idx = 0;
        let ok = 1;
        for (let d = 0; d < starts.length; d++) {
          const p = starts[d]! + offsets[t]![d]!;
          if (p < 0 || p >= spatial[d]!) {
            ok = 0;
            break;
          }
          idx += p * inStrides[d]!;
        }
        tapIndex[t] = idx;
        tapValid[t] = ok;
      }
      for (let oc = 0; oc < O; oc++) {
        const g = Math.floor(oc / perGroupOut);
        let acc = 0;
        for (let ic = 0; ic < perGroupIn; ic++) {
          const xBase = (n * C + g * perGroupIn + ic) * inPlane;
          const wBase = (oc * perGroupIn + ic) * kSize;
          for (let t = 0; t < kSize; t++) if (tapValid[t]) acc += xd[xBase + tapIndex[t]!]! * wd[wBase + t]!;
        }
        out[(n * O + oc) * outPlane + o] = acc;
      }
    });
  }
  return { dtype: x.dtype, dims: [N, O, ...win.out], data: out };
}

/** Pools; for max pooling also returns each maximum's flat index into the whole input (MaxPool-8, axis 0). */
function pool(x: NdArray, node: Node, kind: "max" | "avg"): [NdArray, NdArray] {
  const [N, C] = x.dims as [number, number];
  const spatial = x.dims.slice(2);
  const kernel = intsAttr(node, "kernel");
  const win = windowFor(node, spatial, kernel, true);
  const { offsets } = kernelTaps(win, spatial);
  const inStrides = spatial.map((_, i) => shapeSize(spatial.slice(i + 1)));
  const outPlane = shapeSize(win.out);
  const inPlane = shapeSize(spatial);
  const excludePad = boolAttr(node, "exclude-pad", false);
  const padsEnd = intsAttr(node, "pads_end", new Array<number>(spatial.length).fill(0));
  const out = new Float64Array(N * C * outPlane);
  const argmax = new Float64Array(kind === "max" ? out.length : 0);
  const xd = x.data as Float64Array;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * inPlane;
    forEachPosition(win, (o, starts) => {
      let acc = kind === "max" ? -Infinity : 0;
      let at = -1;
      let count = 0;
      let padded = 0;
      for (const off of offsets) {
        let idx = 0;
        let inside = true;
        let inPadding = true;
        for (let d = 0; d < starts.length; d++) {
          const p = starts[d]! + off[d]!;
          if (p < 0 || p >= spatial[d]!) inside = false;
          if (p < -win.padsBegin[d]! || p >= spatial[d]! + padsEnd[d]!) inPadding = false;
          idx += p * inStrides[d]!;
        }
        if (inside) {
          const v = xd[base + idx]!;
          if (kind === "max") {
            if (v > acc || at < 0) {
              acc = v;
              at = base + idx;
            }
          } else acc += v;
          count++;
        } else if (inPadding) padded++;
      }
      // Average over the real elements (exclude-pad) or also the explicit padding inside the window.
      out[nc * outPlane + o] = kind === "max" ? acc : acc / (excludePad ? Math.max(count, 1) : count + padded);
      if (kind === "max") argmax[nc * outPlane + o] = at;
    });
  }
  const dims = [N, C, ...win.out];
  return [
    { dtype: x.dtype, dims, data: out },
    { dtype: "float64", dims, data: argmax },
  ];
}

/** Output type of a convolution or pooling without computing it. */
function windowOutput(
  x: NdArray,
  node: Node,
  kernel: number[],
  channels: number,
  pooling: boolean,
): { dtype: NdArray["dtype"]; dims: number[] }[] {
  const win = windowFor(node, x.dims.slice(2), kernel, pooling);
  return [{ dtype: x.dtype, dims: [x.dims[0]!, channels, ...win.out] }];
}

export const OV_CONV_POOL: Record<string, OvOpDef> = {
  Convolution: {
    run: ([x, w], { node }) => [convolve(x!, w!, node, 1, false)],
    outputTypes: ([x, w], { node }) => windowOutput(x!, node, w!.dims.slice(2), w!.dims[0]!, false),
  },
  GroupConvolution: {
    run: ([x, w], { node }) => [convolve(x!, w!, node, w!.dims[0]!, true)],
    outputTypes: ([x, w], { node }) => windowOutput(x!, node, w!.dims.slice(3), w!.dims[0]! * w!.dims[1]!, false),
  },
  MaxPool: {
    run([x], { node, version }) {
      const [values, indices] = pool(x!, node, "max");
      if (version < 8) return [values];
      return [values, ndCast(indices, dtypeFromElementType(strAttr(node, "index_element_type", "i64")) ?? "int64")];
    },
    outputTypes([x], { node, version }) {
      const [values] = windowOutput(x!, node, intsAttr(node, "kernel"), x!.dims[1]!, true);
      return version < 8
        ? [values!]
        : [values!, { dtype: dtypeFromElementType(strAttr(node, "index_element_type", "i64")) ?? "int64", dims: values!.dims }];
    },
  },
  AvgPool: {
    run: ([x], { node }) => [pool(x!, node, "avg")[0]],
    outputTypes: ([x], { node }) => windowOutput(x!, node, intsAttr(node, "kernel"), x!.dims[1]!, true),
  },
};
