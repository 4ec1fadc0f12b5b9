/** An IR document as .xml text (node-free; openvino-ir.ts writes it to disk with the .bin). */
import { type IrNet, netXml } from "../frontends/openvino/ir-document.js";
import { writeXml } from "../util/xml.js";

export function encodeIrXml(net: IrNet): string {
  return writeXml(netXml(net));
}
