/**
 * TensorProto ↔ Tensor. raw_data stays a view on the file bytes; typed fields
 * (float_data, int32_data, …) are packed into raw little-endian bytes once, because the
 * rest of the compiler only deals with one layout.
 */
import { byteLengthOf, type DTypeName, dtypeFromOnnx, dtypeInfo, dtypeToOnnx } from "../../ir/dtype.js";
import { shapeSize } from "../../ir/shape.js";
import { type SparseTensor, Tensor } from "../../ir/tensor.js";
import type { DeferredBytes } from "../../util/deferred-bytes.js";
import { MyriadcError } from "../../util/errors.js";
import { type Companion, CompanionError, type CompanionFile } from "../companion.js";
import type { UnreadBytes } from "../frontend.js";
import { parseExternalSpec } from "./external-spec.js";
import { has, type Int64, type PSparseTensor, type PTensor, toBigInt, toLong } from "./proto/codec.js";

export interface TensorContext {
  /** The model file, for error messages. */
  file: string;
  /** The files beside the model, where external data is read; undefined when the model came alone. */
  companion: Companion | undefined;
  /** The model's bytes and the payloads in them left in the file (raw_data views there become deferred tensors). */
  unread?: { bytes: Uint8Array; payloads: UnreadBytes } | undefined;
}

/** The payload left in the file that `raw` is a view on, if it is one. */
function unreadPayload(raw: Uint8Array, ctx: TensorContext): DeferredBytes | undefined {
  const u = ctx.unread;
  if (!u || raw.buffer !== u.bytes.buffer) return undefined;
  return u.payloads.at(raw.byteOffset - u.bytes.byteOffset, raw.byteLength);
}

export function dimsOf(dims: readonly Int64[] | undefined, what: string, ctx: TensorContext): number[] {
  return (dims ?? []).map((d) => {
    const n = Number(toBigInt(d));
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new MyriadcError("bad-format", `${what} has an invalid dimension ${toBigInt(d)}`, { file: ctx.file });
    }
    return n;
  });
}

export function dtypeOf(id: number | undefined, what: string, file: string): DTypeName {
  const dt = dtypeFromOnnx(id ?? 0);
  if (dt === undefined) {
    throw new MyriadcError("unknown-dtype", `${what} has data type ${id ?? 0}, which is not an ONNX data type this tool knows (1–26)`, {
      file,
    });
  }
  return dt;
}

export function tensorFromProto(p: PTensor, ctx: TensorContext, fallbackName = ""): Tensor {
  const name = p.name || fallbackName;
  const what = `tensor ${JSON.stringify(name)}`;
  const dtype = dtypeOf(p.data_type, what, ctx.file);
  const dims = dimsOf(p.dims, what, ctx);
  const count = shapeSize(dims);
  if (!Number.isSafeInteger(count))
    throw new MyriadcError("bad-format", `${what} has shape [${dims.join(",")}], whose element count is beyond 2^53`, { file: ctx.file });
  if (has(p, "segment")) {
    throw new MyriadcError("unsupported", `${what} is a segment of a larger tensor, which is not supported`, { file: ctx.file });
  }
  let t: Tensor;
  if (p.data_location === 1) {
    t = externalTensor(p, dtype, dims, what, ctx);
  } else if (dtype === "string") {
    const strings = p.string_data ?? [];
    if (strings.length !== count) {
      throw new MyriadcError("bad-format", `${what} has ${strings.length} strings for shape [${dims.join(",")}]`, { file: ctx.file });
    }
    t = Tensor.fromStrings(dims, strings);
  } else if (has(p, "raw_data")) {
    const raw = p.raw_data!;
    const expected = byteLengthOf(dtype, count);
    if (raw.byteLength !== expected) {
      throw new MyriadcError(
        "bad-format",
        `${what} (${dtype}[${dims.join(",")}]) has ${raw.byteLength} bytes of raw_data, expected ${expected}`,
        { file: ctx.file },
      );
    }
    const deferred = unreadPayload(raw, ctx);
    t = deferred ? Tensor.fromDeferred(dtype, dims, deferred) : Tensor.fromBytes(dtype, dims, raw);
  } else {
    t = Tensor.fromBytes(dtype, dims, typedFieldBytes(p, dtype, count, what, ctx.file));
  }
  t.name = p.name || undefined;
  if (p.doc_string) t.docString = p.doc_string;
  if (p.metadata_props?.length) t.metadataProps = p.metadata_props.map((e) => ({ key: e.key ?? "", value: e.value ?? "" }));
  return t;
}

function externalTensor(p: PTensor, dtype: DTypeName, dims: number[], what: string, ctx: TensorContext): Tensor {
  if (dtype === "string")
    throw new MyriadcError("external-data", `${what} is a string tensor stored externally, which ONNX does not allow`, { file: ctx.file });
  const spec = parseExternalSpec(p.external_data ?? [], p.name ?? "", ctx.file);
  if (ctx.companion === undefined) {
    throw new MyriadcError(
      "external-data",
      `${what} refers to external file ${JSON.stringify(spec.location)}, but the model was not loaded from a folder`,
      { file: ctx.file },
    );
  }
  let data: CompanionFile;
  try {
    data = ctx.companion(spec.location);
  } catch (e) {
    if (!(e instanceof CompanionError)) throw e;
    throw new MyriadcError(
      "external-data",
      `tensor ${JSON.stringify(p.name ?? "")}: external-data location ${JSON.stringify(spec.location)} ${e.message}`,
      { file: ctx.file, cause: e },
    );
  }
  const expected = byteLengthOf(dtype, shapeSize(dims));
  const size = data.size;
  const length = spec.length ?? expected;
  if (length !== expected) {
    throw new MyriadcError(
      "external-data",
      `${what} (${dtype}[${dims.join(",")}]) needs ${expected} bytes but its external-data length is ${length}`,
      { file: ctx.file },
    );
  }
  if (spec.offset + length > size) {
    throw new MyriadcError(
      "external-data",
      `${what} needs bytes ${spec.offset}–${spec.offset + length} of ${JSON.stringify(spec.location)}, which has only ${size} bytes`,
      { file: ctx.file },
    );
  }
  const ref = {
    location: spec.location,
    path: data.path,
    offset: spec.offset,
    length,
    ...(spec.checksum ? { checksum: spec.checksum } : {}),
  };
  return Tensor.fromExternal(dtype, dims, ref, () => data.read(spec.offset, length));
}

/** Packs the typed-field form of a tensor into raw little-endian bytes. */
function typedFieldBytes(p: PTensor, dtype: DTypeName, count: number, what: string, file: string): Uint8Array {
  const info = dtypeInfo(dtype);
  const mismatch = (field: string, got: number, want: number): never => {
    throw new MyriadcError("bad-format", `${what} (${dtype}, ${count} elements) has ${got} entries in ${field}, expected ${want}`, {
      file,
    });
  };
  // Before allocating from the declared dims: no typed field packs more than 4 elements an entry.
  const entries = info.onnxField ? ((p[info.onnxField] as unknown[] | undefined)?.length ?? 0) : 0;
  if (info.onnxField && entries * 4 < count) mismatch(info.onnxField, entries, count);
  const out = new Uint8Array(byteLengthOf(dtype, count));
  const view = new DataView(out.buffer);
  switch (info.onnxField) {
    case "float_data": {
      const src = p.float_data ?? [];
      const want = dtype === "complex64" ? count * 2 : count;
      if (src.length !== want) mismatch("float_data", src.length, want);
      for (let i = 0; i < want; i++) view.setFloat32(i * 4, src[i]!, true);
      break;
    }
    case "double_data": {
      const src = p.double_data ?? [];
      const want = dtype === "complex128" ? count * 2 : count;
      if (src.length !== want) mismatch("double_data", src.length, want);
      for (let i = 0; i < want; i++) view.setFloat64(i * 8, src[i]!, true);
      break;
    }
    case "int64_data": {
      const src = p.int64_data ?? [];
      if (src.length !== count) mismatch("int64_data", src.length, count);
      for (let i = 0; i < count; i++) view.setBigInt64(i * 8, toBigInt(src[i]), true);
      break;
    }
    case "uint64_data": {
      const src = p.uint64_data ?? [];
      if (src.length !== count) mismatch("uint64_data", src.length, count);
      for (let i = 0; i < count; i++) {
        const v = BigInt.asUintN(64, toBigInt(src[i]));
        if (dtype === "uint32") view.setUint32(i * 4, Number(v & 0xffffffffn), true);
        else view.setBigUint64(i * 8, v, true);
      }
      break;
    }
    case "int32_data": {
      const src = p.int32_data ?? [];
      if (info.bits < 8) {
        // Sub-byte types: each int32 entry carries one already-packed byte.
        if (src.length !== out.length) mismatch("int32_data", src.length, out.length);
        for (let i = 0; i < out.length; i++) out[i] = src[i]! & 0xff;
      } else {
        if (src.length !== count) mismatch("int32_data", src.length, count);
        const bytes = info.bits / 8;
        for (let i = 0; i < count; i++) {
          const v = src[i]!;
          if (bytes === 1) out[i] = v & 0xff;
          else if (bytes === 2) view.setUint16(i * 2, v & 0xffff, true);
          else view.setInt32(i * 4, v, true);
        }
      }
      break;
    }
    default:
      throw new MyriadcError("bad-format", `${what} has no data`, { file });
  }
  return out;
}

export function sparseTensorFromProto(p: PSparseTensor, ctx: TensorContext): SparseTensor {
  if (!p.values || !p.indices) {
    throw new MyriadcError("bad-format", "a sparse tensor lacks its values or indices", { file: ctx.file });
  }
  const values = tensorFromProto(p.values, ctx);
  const indices = tensorFromProto(p.indices, ctx);
  return { values, indices, dims: dimsOf(p.dims, `sparse tensor ${JSON.stringify(values.name ?? "")}`, ctx) };
}

// --- writing ------------------------------------------------------------------------------

export interface ExternalWrite {
  /** Called for tensors that should go to the external file; returns where they were put. */
  place(tensor: Tensor): { location: string; offset: number; length: number } | undefined;
}

export function tensorToProto(t: Tensor, name: string | undefined, external?: ExternalWrite): PTensor {
  const p: PTensor = {
    dims: t.dims.map((d) => toLong(BigInt(d))),
    data_type: dtypeToOnnx(t.dtype),
  };
  if (name) p.name = name;
  if (t.docString) p.doc_string = t.docString;
  if (t.metadataProps?.length) p.metadata_props = t.metadataProps;
  if (t.dtype === "string") {
    p.string_data = [...t.stringBytes()];
    return p;
  }
  const placed = external?.place(t);
  if (placed) {
    p.data_location = 1;
    p.external_data = [
      { key: "location", value: placed.location },
      { key: "offset", value: String(placed.offset) },
      { key: "length", value: String(placed.length) },
    ];
  } else {
    p.raw_data = t.bytes();
  }
  return p;
}
