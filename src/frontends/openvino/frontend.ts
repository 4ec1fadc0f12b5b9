/** The OpenVINO IR frontend: an XML document (the .xml) and its weights (the .bin beside it). */
import { MyriadcError } from "../../util/errors.js";
import { CompanionError } from "../companion.js";
import type { Frontend, ModelSource } from "../frontend.js";
import { checkIrPair } from "./ir-pair.js";
import { binNameFor, checkIrNet, parseIrXml } from "./parse-ir.js";
import { irToModel } from "./to-graph.js";

/** XML: optional UTF-8 byte order mark and white space, then '<'. */
function looksLikeXml(head: Uint8Array): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x3c;
}

/**
 * The .bin beside the .xml, or undefined when there is none (an IR without weights needs
 * none). A .bin that is there but cannot be read as a file is refused, naming it.
 */
function weightsOf(source: ModelSource, binName: string, binPath: string): Uint8Array | undefined {
  if (!source.companion) return undefined;
  let bin: ReturnType<NonNullable<ModelSource["companion"]>>;
  try {
    bin = source.companion(binName);
  } catch (e) {
    if (!(e instanceof CompanionError)) throw e;
    if (e.problem === "missing") return undefined;
    const what =
      e.problem === "directory"
        ? "are a directory"
        : e.problem === "not-a-file"
          ? "are not a regular file"
          : `cannot be read: it ${e.message}`;
    throw new MyriadcError("not-a-file", `its weights ${binPath} ${what}`, { file: source.name });
  }
  return bin.read(0, bin.size);
}

export const openvinoFrontend: Frontend = {
  name: "openvino-ir",
  label: "OpenVINO IR",
  extensions: [".xml"],
  signature: "an XML document",
  sniff: (head) => looksLikeXml(head),
  loadBytes(source) {
    const file = source.name;
    const doc = parseIrXml(new TextDecoder().decode(source.bytes), file);
    const binName = binNameFor(file.split(/[\\/]/).pop()!);
    const bin = weightsOf(source, binName, binNameFor(file));
    // An .xml myriadc wrote names its .bin (ir-pair.ts); the record is checked, then left out of the document.
    const pair = checkIrPair(doc, bin && { size: bin.length, tail: (n) => bin.subarray(bin.length - n) }, file, binNameFor(file));
    const net = pair.net;
    const weights = bin?.subarray(0, pair.weightsBytes);
    checkIrNet(net, weights?.length ?? 0, weights ? file : `${file} (no ${binNameFor(file)})`);
    if (net.layers.length === 0) throw new MyriadcError("bad-format", "is an IR with no layers", { file });
    const bytes = weights ?? new Uint8Array();
    return {
      model: irToModel(net, bytes, file),
      format: "openvino-ir",
      dialect: "openvino",
      warnings: [],
      externalFiles: bin?.length ? [binName] : [],
      fileBytes: source.bytes.byteLength + (bin?.length ?? 0),
    };
  },
};
