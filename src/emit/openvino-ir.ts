/**
 * Writes an IR document (.xml text) and its weights (.bin), both atomically and together.
 */
import type { IrNet } from "../frontends/openvino/ir-document.js";
import { writeFilesAtomic } from "../util/atomic-write.js";
import { encodeIrXml } from "./ir-xml.js";

export { encodeIrXml } from "./ir-xml.js";

export function writeIr(xmlPath: string, binPath: string, net: IrNet, weights: Uint8Array): void {
  writeFilesAtomic([
    { path: binPath, chunks: [weights] },
    { path: xmlPath, chunks: [new TextEncoder().encode(encodeIrXml(net))] },
  ]);
}
