/**
 * Opens a model file of any supported format: ONNX (.onnx, or anything that is not XML) or
 * OpenVINO IR (.xml with its .bin). The format is sniffed from the first bytes, so a
 * misnamed file still opens, and a wrong one is reported as what it is.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { MyriadcError } from "../util/errors.js";
import { loadOnnxFile, type LoadResult } from "./onnx/load.js";
import { readIr } from "./openvino/read-ir.js";
import { irToModel } from "./openvino/to-graph.js";

export type ModelFormat = "onnx" | "openvino-ir";

export function sniffFormat(path: string): ModelFormat {
  let head = new Uint8Array(64);
  try {
    if (statSync(path).isDirectory()) return "onnx"; // the ONNX loader reports directories
    const fd = openSync(path, "r");
    try {
      const n = readSync(fd, head, 0, head.length, 0);
      head = head.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  } catch {
    return path.toLowerCase().endsWith(".xml") ? "openvino-ir" : "onnx";
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head).replace(/^\uFEFF/, "").trimStart();
  return text.startsWith("<") ? "openvino-ir" : "onnx";
}

export function loadModelFile(path: string): LoadResult & { format: ModelFormat } {
  const format = sniffFormat(path);
  if (format === "onnx") return { ...loadOnnxFile(path), format };
  const ir = readIr(path);
  if (ir.net.layers.length === 0) throw new MyriadcError("bad-format", "is an IR with no layers", { file: path });
  return {
    model: irToModel(ir.net, ir.weights, path),
    warnings: [],
    externalFiles: ir.weights.length ? [ir.binPath.split(/[\\/]/).pop()!] : [],
    fileBytes: statSync(path).size + ir.weights.length,
    format,
  };
}
