/** TypeProto ↔ ValueType. */
import type { DTypeName } from "../../ir/dtype.js";
import type { Dim } from "../../ir/shape.js";
import type { ValueType } from "../../ir/types.js";
import { MyriadcError } from "../../util/errors.js";
import { has, type PShape, type PType, toBigInt } from "./proto/codec.js";
import { dtypeOf } from "./tensor-proto.js";

/** elem_type 0 means "not known"; any other number must be a known dtype. */
function elemType(id: number | undefined, what: string, file: string): DTypeName | undefined {
  if (!id) return undefined;
  return dtypeOf(id, what, file);
}

function shapeOf(s: PShape | undefined): { shape: Dim[] | undefined; denotations: (string | undefined)[] | undefined } {
  if (!s) return { shape: undefined, denotations: undefined };
  const dims = s.dim ?? [];
  const shape = dims.map((d): Dim => {
    if (has(d, "dim_value")) {
      const n = Number(toBigInt(d.dim_value));
      // Negative or huge dim values are not real sizes; treat them as unknown.
      return Number.isSafeInteger(n) && n >= 0 ? n : null;
    }
    if (has(d, "dim_param") && d.dim_param) return d.dim_param;
    return null;
  });
  const denotations = dims.some((d) => d.denotation) ? dims.map((d) => d.denotation || undefined) : undefined;
  return { shape, denotations };
}

export function typeFromProto(t: PType | undefined, what: string, file: string): ValueType | undefined {
  if (!t) return undefined;
  const den = t.denotation ? { denotation: t.denotation } : {};
  if (t.tensor_type) {
    const { shape, denotations } = shapeOf(t.tensor_type.shape);
    return {
      kind: "tensor",
      dtype: elemType(t.tensor_type.elem_type, what, file),
      shape,
      ...(denotations ? { dimDenotations: denotations } : {}),
      ...den,
    };
  }
  if (t.sparse_tensor_type) {
    return {
      kind: "sparse_tensor",
      dtype: elemType(t.sparse_tensor_type.elem_type, what, file),
      shape: shapeOf(t.sparse_tensor_type.shape).shape,
      ...den,
    };
  }
  if (t.sequence_type) return { kind: "sequence", elem: typeFromProto(t.sequence_type.elem_type, what, file), ...den };
  if (t.optional_type) return { kind: "optional", elem: typeFromProto(t.optional_type.elem_type, what, file), ...den };
  if (t.map_type) {
    return { kind: "map", key: elemType(t.map_type.key_type, what, file), value: typeFromProto(t.map_type.value_type, what, file), ...den };
  }
  if (t.opaque_type) return { kind: "opaque", domain: t.opaque_type.domain ?? "", name: t.opaque_type.name ?? "", ...den };
  if (t.denotation) throw new MyriadcError("bad-format", `${what} has a type with only a denotation`, { file });
  return undefined;
}
