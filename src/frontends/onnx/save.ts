/**
 * Model → ONNX file. Names, the order of inputs/outputs/initializers/nodes, op-set imports,
 * metadata, doc strings and functions are written back as they are in the IR. Large tensors
 * can go to an external-data file (always for models whose weights exceed what one protobuf
 * may hold), which is written next to the model; both files appear atomically.
 */
import { basename, dirname, join } from "node:path";
import { isAttributeRef } from "../../ir/attribute.js";
import type { Graph } from "../../ir/graph.js";
import type { Model } from "../../ir/model.js";
import type { Tensor } from "../../ir/tensor.js";
import { writeFilesAtomic } from "../../util/atomic-write.js";
import { concatPieces, type Piece, piecesLength } from "../../util/deferred-bytes.js";
import { encodeModelPieces } from "./encode.js";
import type { ExternalWrite } from "./tensor-proto.js";

export interface SaveOptions {
  /**
   * "auto" (default): external data only when the tensors would not fit in one protobuf;
   * "always": every tensor of at least `threshold` bytes; "never": everything inline.
   */
  externalData?: "auto" | "always" | "never";
  /** Minimum tensor size in bytes for external storage (default 1024). */
  threshold?: number;
  /** External data file name, relative to the model (default `<model file>.data`). */
  location?: string;
}

/** Above this many bytes of tensor data, "auto" moves tensors out (protobuf's limit is 2 GiB). */
export const AUTO_EXTERNAL_BYTES = 1.8 * 2 ** 30;

export interface SaveResult {
  modelBytes: number;
  externalFile: string | undefined;
  externalBytes: number;
}

/** An ONNX model's files as they will be written: the external-data file (if any) first, the model last; pieces are views. */
export interface EncodedOnnxFiles {
  files: { path: string; chunks: Piece[] }[];
  result: SaveResult;
}

/** The files saveOnnxFile writes for `model` at `path`, in memory (weights as views on the model's tensors). */
export function encodeOnnxFiles(model: Model, path: string, options: SaveOptions = {}): EncodedOnnxFiles {
  const mode = options.externalData ?? "auto";
  const threshold = options.threshold ?? 1024;
  const useExternal = mode === "always" || (mode === "auto" && totalTensorBytes(model) > AUTO_EXTERNAL_BYTES);
  const location = options.location ?? `${basename(path)}.data`;
  const chunks: Piece[] = [];
  let externalBytes = 0;
  let placedCount = 0;
  const external: ExternalWrite | undefined = useExternal
    ? {
        place(t: Tensor) {
          if (t.byteLength < threshold) return undefined;
          // Page-align large tensors so the data file can be memory-mapped, as the spec suggests.
          const align = t.byteLength >= 65536 ? 4096 : 16;
          const pad = (align - (externalBytes % align)) % align;
          if (pad) chunks.push(new Uint8Array(pad));
          const offset = externalBytes + pad;
          const bytes = t.deferred ?? t.bytes();
          chunks.push(bytes);
          externalBytes = offset + bytes.byteLength;
          placedCount++;
          return { location, offset, length: bytes.byteLength };
        },
      }
    : undefined;
  const pieces = encodeOnnxPieces(model, external);
  const modelBytes = piecesLength(pieces);
  const files = [{ path, chunks: pieces }];
  // Written even when every placed tensor is empty: the model refers to the file.
  if (placedCount > 0) files.unshift({ path: join(dirname(path), location), chunks });
  return { files, result: { modelBytes, externalFile: placedCount > 0 ? location : undefined, externalBytes } };
}

/** Writes `model` as ONNX at `path` (and its external-data file beside it), both atomically. */
export function saveOnnxFile(model: Model, path: string, options: SaveOptions = {}): SaveResult {
  const { files, result } = encodeOnnxFiles(model, path, options);
  writeFilesAtomic(files);
  return result;
}

/** Serialises a model to ONNX protobuf bytes (all tensors inline unless `external` places them). */
export function encodeOnnx(model: Model, external?: ExternalWrite): Uint8Array {
  // Without large tensors the encoding is one buffer already: no copy.
  return concatPieces(encodeOnnxPieces(model, external));
}

/**
 * The same bytes as encodeOnnx, as pieces in order: the raw_data of large tensors are views
 * on the tensors (usually on the input file), not copied into one buffer, so saving a model
 * costs no second copy of its weights (encode.ts).
 */
export function encodeOnnxPieces(model: Model, external?: ExternalWrite): Piece[] {
  return encodeModelPieces(model, external);
}

/** Bytes of tensor data in every graph (initializers and tensor attributes). */
export function totalTensorBytes(model: Model): number {
  let n = 0;
  const visit = (g: Graph): void => {
    for (const v of g.initializers.values()) n += v.initializer?.byteLength ?? 0;
    for (const node of g.nodes) {
      for (const a of node.attributeMap.values()) if (!isAttributeRef(a) && a.type === "tensor") n += a.value.byteLength;
      for (const sg of node.subgraphs()) visit(sg);
    }
  };
  visit(model.graph);
  return n;
}
