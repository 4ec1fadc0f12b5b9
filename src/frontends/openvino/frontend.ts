/** The OpenVINO IR frontend: an XML document (the .xml) and its weights (the .bin beside it). */
import { statSync } from "node:fs";
import { MyriadcError } from "../../util/errors.js";
import type { Frontend } from "../frontend.js";
import { readIr } from "./read-ir.js";
import { irToModel } from "./to-graph.js";

/** XML: optional UTF-8 byte order mark and white space, then '<'. */
function looksLikeXml(head: Uint8Array): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x3c;
}

export const openvinoFrontend: Frontend = {
  name: "openvino-ir",
  label: "OpenVINO IR",
  extensions: [".xml"],
  signature: "an XML document",
  sniff: (head) => looksLikeXml(head),
  load(file) {
    const ir = readIr(file);
    if (ir.net.layers.length === 0) throw new MyriadcError("bad-format", "is an IR with no layers", { file });
    return {
      model: irToModel(ir.net, ir.weights, file),
      format: "openvino-ir",
      dialect: "openvino",
      warnings: [],
      externalFiles: ir.weights.length ? [ir.binPath.split(/[\\/]/).pop()!] : [],
      fileBytes: statSync(file).size + ir.weights.length,
    };
  },
};
