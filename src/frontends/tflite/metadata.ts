/**
 * The model's metadata as ONNX-style metadata_props, so `inspect` shows it without knowing
 * TFLite: the signature defs, min_runtime_version, and the TFLite Support metadata (the
 * "TFLITE_METADATA" buffer, a flatbuffer of its own, identifier "M001", field slots from
 * tensorflow_lite_support/metadata/metadata_schema.fbs): model name/description/version/
 * author/license, per input/output tensor its name, description, normalization mean/std and
 * label files. Label files are packed in a zip appended to the model; stored (uncompressed)
 * ones are read for their label count and first labels.
 */
import type { MetadataEntry, Model } from "../../ir/model.js";
import { FlatBuffer, FlatError, type FlatTable } from "./flat.js";
import type { TfliteModel } from "./schema.js";

const MODEL_METADATA = { name: 0, description: 1, version: 2, subgraphs: 3, author: 4, license: 5, files: 6 } as const;
const SUBGRAPH_METADATA = { inputs: 2, outputs: 3 } as const;
const TENSOR_METADATA = { name: 0, description: 1, processUnits: 4, files: 6 } as const;
const PROCESS_UNIT = { optionsType: 0, options: 1 } as const;
const NORMALIZATION_OPTIONS_TYPE = 1;
const NORMALIZATION = { mean: 0, std: 1 } as const;
const ASSOCIATED_FILE = { name: 0, description: 1, type: 2 } as const;
/** AssociatedFileType values of label files. */
const LABEL_FILE_TYPES = new Set([2, 3]);
const SHOWN_LABELS = 5;

/** Stored files of the zip appended to a model, by name (local headers, method 0 only). */
function storedZipFiles(bytes: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder();
  for (let i = 0; i + 30 <= bytes.byteLength; i++) {
    if (view.getUint32(i, true) !== 0x04034b50) continue;
    const method = view.getUint16(i + 8, true);
    const size = view.getUint32(i + 18, true);
    const nameLength = view.getUint16(i + 26, true);
    const extra = view.getUint16(i + 28, true);
    const start = i + 30 + nameLength + extra;
    if (start + size > bytes.byteLength) continue;
    const name = dec.decode(bytes.subarray(i + 30, i + 30 + nameLength));
    if (method === 0) files.set(name, bytes.subarray(start, start + size));
    i = start + size - 1;
  }
  return files;
}

function labelSummary(name: string, zip: Map<string, Uint8Array>): string {
  const data = zip.get(name);
  if (!data) return name;
  const labels = new TextDecoder()
    .decode(data)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  return `${name} (${labels.length} labels: ${labels.slice(0, SHOWN_LABELS).join(", ")}${labels.length > SHOWN_LABELS ? ", …" : ""})`;
}

function tensorEntries(t: FlatTable, key: string, zip: Map<string, Uint8Array>): MetadataEntry[] {
  const out: MetadataEntry[] = [];
  const put = (k: string, v: string | undefined) => {
    if (v) out.push({ key: `${key}.${k}`, value: v });
  };
  put("name", t.string(TENSOR_METADATA.name));
  put("description", t.string(TENSOR_METADATA.description));
  for (const unit of t.tables(TENSOR_METADATA.processUnits, "process units")) {
    if (unit.uint8(PROCESS_UNIT.optionsType) !== NORMALIZATION_OPTIONS_TYPE) continue;
    const n = unit.table(PROCESS_UNIT.options, "normalization options");
    put("mean", n?.float32s(NORMALIZATION.mean)?.join(","));
    put("std", n?.float32s(NORMALIZATION.std)?.join(","));
  }
  const labels = t
    .tables(TENSOR_METADATA.files, "associated files")
    .filter((f) => LABEL_FILE_TYPES.has(f.int8(ASSOCIATED_FILE.type)))
    .map((f) => labelSummary(f.string(ASSOCIATED_FILE.name) ?? "", zip));
  put("labels", labels.join("; "));
  return out;
}

/** The TFLite Support metadata of a model, or a warning when it cannot be read. */
function supportMetadata(tflite: TfliteModel, bytes: Uint8Array, file: Uint8Array, model: Model): MetadataEntry[] {
  const buf = new FlatBuffer(bytes);
  if (buf.identifier() !== "M001") throw new FlatError(`its identifier is "${buf.identifier()}", not "M001"`);
  const root = buf.root("the metadata");
  const out: MetadataEntry[] = [];
  for (const [k, slot] of [
    ["name", MODEL_METADATA.name],
    ["description", MODEL_METADATA.description],
    ["version", MODEL_METADATA.version],
    ["author", MODEL_METADATA.author],
    ["license", MODEL_METADATA.license],
  ] as const) {
    const v = root.string(slot);
    if (v) out.push({ key: k, value: v });
  }
  const zip = storedZipFiles(file);
  const sg = root.tables(MODEL_METADATA.subgraphs, "subgraph metadata")[0];
  if (!sg) return out;
  const main = tflite.subgraphs[0]!;
  const describe = (
    tables: FlatTable[],
    indices: number[],
    side: "input" | "output",
    values: readonly { name: string; docString: string | undefined }[],
  ) => {
    tables.forEach((t, i) => {
      const tensor = main.tensors[indices[i] ?? -1];
      if (!tensor) return;
      const entries = tensorEntries(t, `${side}.${tensor.name}`, zip);
      out.push(...entries);
      const v = values[i];
      const name = entries.find((e) => e.key.endsWith(".name"))?.value;
      if (v && name) v.docString = name;
    });
  };
  describe(sg.tables(SUBGRAPH_METADATA.inputs, "input metadata"), main.inputs, "input", model.graph.inputs);
  describe(sg.tables(SUBGRAPH_METADATA.outputs, "output metadata"), main.outputs, "output", model.graph.outputs);
  return out;
}

/** Metadata entries of a model; `file` is the whole file (label files live after the flatbuffer). */
export function metadataEntries(tflite: TfliteModel, file: Uint8Array, model: Model, warnings: string[]): MetadataEntry[] {
  const out: MetadataEntry[] = [];
  for (const s of tflite.signatures) {
    const list = (l: { name: string; tensor: number }[]) =>
      l.map((m) => `${m.name}=${tflite.subgraphs[s.subgraph]?.tensors[m.tensor]?.name ?? m.tensor}`).join(", ");
    out.push({ key: `tflite.signature.${s.key || "default"}`, value: `inputs: ${list(s.inputs)}; outputs: ${list(s.outputs)}` });
  }
  for (const m of tflite.metadata) {
    const bytes = tflite.buffers[m.buffer];
    if (!bytes?.byteLength) continue;
    if (m.name === "min_runtime_version") {
      out.push({ key: "tflite.min_runtime_version", value: new TextDecoder().decode(bytes).replace(/\0+$/, "") });
    } else if (m.name === "TFLITE_METADATA") {
      try {
        out.push(...supportMetadata(tflite, bytes, file, model));
      } catch (e) {
        if (!(e instanceof FlatError)) throw e;
        warnings.push(`the TFLITE_METADATA buffer cannot be read: ${e.message}`);
      }
    }
  }
  return out;
}
