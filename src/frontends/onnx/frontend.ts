/** The ONNX frontend: a protobuf ModelProto, recognised by the shape of its first fields. */
import type { Frontend } from "../frontend.js";
import { loadOnnxBytes } from "./load.js";

/** ModelProto field numbers and the wire type each is written with (ONNX IR spec). */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0], // ir_version
  [2, 2], // producer_name
  [3, 2], // producer_version
  [4, 2], // domain
  [5, 0], // model_version
  [6, 2], // doc_string
  [7, 2], // graph
  [8, 2], // opset_import
  [14, 2], // metadata_props
  [20, 2], // training_info
  [25, 2], // functions
  [26, 2], // configuration
]);

function readVarint(b: Uint8Array, at: number): [value: number, next: number] | undefined {
  let v = 0;
  let scale = 1;
  for (let i = at; i < b.length && i < at + 10; i++) {
    v += (b[i]! & 0x7f) * scale;
    if ((b[i]! & 0x80) === 0) return [v, i + 1];
    scale *= 128;
  }
  return undefined;
}

/**
 * A ModelProto starts with well-formed top-level fields: known field numbers with their own
 * wire types, lengths that fit in the file. Checked over the head of the file; one field is
 * enough when it is long.
 */
export function looksLikeModelProto(head: Uint8Array, size: number): boolean {
  // A file ending in the middle of a field is still ONNX (the loader reports the truncation).
  let at = 0;
  let fields = 0;
  while (at < head.length) {
    const tag = readVarint(head, at);
    if (!tag) return fields > 0;
    const [key, afterTag] = tag;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (MODEL_FIELDS.get(field) !== wire) return false;
    if (wire === 0) {
      const v = readVarint(head, afterTag);
      if (!v) return fields > 0; // the head (or a truncated file) ends inside the field
      at = v[1];
    } else {
      const len = readVarint(head, afterTag);
      if (!len) return fields > 0;
      if (len[1] + len[0] > size) return fields > 0; // a truncated file is still ONNX, and says so on load
      at = len[1] + len[0];
    }
    fields++;
  }
  return fields > 0;
}

export const onnxFrontend: Frontend = {
  name: "onnx",
  label: "ONNX",
  extensions: [".onnx"],
  signature: "a protobuf ModelProto",
  sniff: looksLikeModelProto,
  loadBytes(source) {
    return {
      ...loadOnnxBytes(source.bytes, source.name, { companion: source.companion, unread: source.unread }),
      format: "onnx",
      dialect: "onnx",
    };
  },
};
