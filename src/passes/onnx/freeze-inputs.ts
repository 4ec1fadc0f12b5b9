/**
 * `--freeze name=value`: a graph input becomes a constant (e.g. silero VAD's `sr=16000`),
 * so everything that depends only on it can fold. The value takes the input's declared
 * dtype and shape; a list is written `[1,2,3]`.
 */
import type { DTypeName } from "../../ir/dtype.js";
import { dtypeInfo } from "../../ir/dtype.js";
import type { Model } from "../../ir/model.js";
import { isStaticShape, shapeSize } from "../../ir/shape.js";
import type { Tensor } from "../../ir/tensor.js";
import { ndToTensor } from "../../ops/ndarray.js";
import { MyriadcError } from "../../util/errors.js";
import type { PassResult } from "../pass.js";
import { findDataInput } from "./graph-inputs.js";

export function parseFreeze(spec: string): [string, number[]] {
  const m = /^(.*?)=\[?\s*([-+0-9.eE,\s]*?)\s*\]?$/.exec(spec);
  const values = m?.[2]
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  if (!m || m[1] === "" || !values || values.length === 0 || values.some((v) => !Number.isFinite(v))) {
    throw new MyriadcError("usage", `--freeze ${JSON.stringify(spec)}: expected name=value or name=[v0,v1,...] with numbers`);
  }
  return [m[1]!, values];
}

function tensorFor(name: string, dtype: DTypeName, dims: readonly number[], values: readonly number[]): Tensor {
  const kind = dtypeInfo(dtype).kind;
  if (kind === "string" || kind === "complex")
    throw new MyriadcError("usage", `--freeze: input ${JSON.stringify(name)} is ${dtype}, which cannot be frozen from numbers`);
  if ((kind === "int" || kind === "uint") && values.some((v) => !Number.isInteger(v))) {
    throw new MyriadcError(
      "usage",
      `--freeze: input ${JSON.stringify(name)} is ${dtype}; ${values.find((v) => !Number.isInteger(v))} is not a whole number`,
    );
  }
  const data =
    dtype === "int64" || dtype === "uint64"
      ? dtype === "int64"
        ? BigInt64Array.from(values, (v) => BigInt(v))
        : BigUint64Array.from(values, (v) => BigInt(v))
      : Float64Array.from(values);
  return ndToTensor({ dtype, dims, data });
}

export function freezeInputs(model: Model, frozen: ReadonlyMap<string, readonly number[]>): PassResult {
  const g = model.graph;
  for (const [name, values] of frozen) {
    // An initializer that an old model also lists as an input may be frozen to a new value too.
    const v = g.inputs.find((i) => i.name === name) ?? findDataInput(g, name, "--freeze");
    const dtype = v.dtype ?? "float32";
    const shape = v.shape;
    let dims: number[];
    if (isStaticShape(shape)) {
      dims = [...shape];
      if (shapeSize(dims) !== values.length) {
        throw new MyriadcError(
          "usage",
          `--freeze: input ${JSON.stringify(name)} has shape [${dims.join(",")}] (${shapeSize(dims)} values), given ${values.length}`,
        );
      }
    } else if (shape && shape.length === 1) dims = [values.length];
    else if (values.length === 1 && (!shape || shape.length === 0)) dims = [];
    else
      throw new MyriadcError(
        "usage",
        `--freeze: input ${JSON.stringify(name)} has shape that is not static; set it with --input-shape first`,
      );
    const t = tensorFor(name, dtype, dims, values);
    t.name = name;
    g.removeInput(v);
    v.type = { kind: "tensor", dtype, shape: dims };
    if (v.isInitializer) v.initializer = t;
    else g.addInitializer(v, t);
  }
  return { changed: frozen.size > 0 };
}
