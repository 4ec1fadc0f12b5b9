/**
 * Writes an IR document (.xml text) and its weights (.bin), both atomically and together.
 */
import { type IrNet, netXml } from "../frontends/openvino/ir-document.js";
import { writeFilesAtomic } from "../util/atomic-write.js";
import { writeXml } from "../util/xml.js";

export function encodeIrXml(net: IrNet): string {
  return writeXml(netXml(net));
}

export function writeIr(xmlPath: string, binPath: string, net: IrNet, weights: Uint8Array): void {
  writeFilesAtomic([
    { path: binPath, chunks: [weights] },
    { path: xmlPath, chunks: [new TextEncoder().encode(encodeIrXml(net))] },
  ]);
}
