/**
 * MatMul-1, written from the OpenVINO op specification: numpy batch broadcasting, 1-D
 * operands promoted to a row (input 0) or a column (input 1), transpose_a/transpose_b on the
 * last two axes. The product is the shared GEMM kernel's.
 */
import { matmul, matmulDims } from "../kernels/matmul.js";
import { broadcastShapes, formatDims, known } from "./dims.js";
import { boolAttr, type OvOpDef, required, ShapeError } from "./op-def.js";

export const OV_MATMUL: Record<string, OvOpDef> = {
  MatMul: {
    infer(inputs, { node }) {
      const a = required(inputs, 0);
      const b = required(inputs, 1);
      const ta = boolAttr(node, "transpose_a", false);
      const tb = boolAttr(node, "transpose_b", false);
      if (a.dims.length === 0 || b.dims.length === 0) throw new ShapeError("MatMul inputs must have at least one axis");
      const ad = a.dims.length === 1 ? [1, a.dims[0]!] : a.dims;
      const bd = b.dims.length === 1 ? [b.dims[0]!, 1] : b.dims;
      // A 1-D operand is never transposed: its promoted axis is placed where the product needs it.
      const ka = ta && a.dims.length > 1 ? ad[ad.length - 2]! : ad[ad.length - 1]!;
      const kb = tb && b.dims.length > 1 ? bd[bd.length - 1]! : bd[bd.length - 2]!;
      if (known(ka) && known(kb) && ka !== kb)
        throw new ShapeError(`input 0 ${formatDims(a.dims)} has ${ka} columns but input 1 ${formatDims(b.dims)} has ${kb} rows`);
      broadcastShapes([ad.slice(0, -2), bd.slice(0, -2)]);
      return [{ dtype: a.dtype, dims: matmulDims(a.dims, b.dims, ta && a.dims.length > 1, tb && b.dims.length > 1) }];
    },
    run: ([a, b], { node }) => [
      matmul(
        a!,
        b!,
        boolAttr(node, "transpose_a", false) && a!.dims.length > 1,
        boolAttr(node, "transpose_b", false) && b!.dims.length > 1,
      ),
    ],
  },
};
