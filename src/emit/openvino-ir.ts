/**
 * Writes an IR document (.xml text) and its weights (.bin) as one pair (the protocol is
 * ir-pair.ts's: the .xml records a pair id the .bin's trailer repeats).
 */
import type { IrNet } from "../frontends/openvino/ir-document.js";
import { withPairId } from "../frontends/openvino/ir-pair.js";
import { writeIrPair } from "./ir-pair.js";
import { encodeIrXml } from "./ir-xml.js";

export { encodeIrXml } from "./ir-xml.js";

export function writeIr(xmlPath: string, binPath: string, net: IrNet, weights: Uint8Array): void {
  writeIrPair(xmlPath, binPath, {
    xml: (pair) => [new TextEncoder().encode(encodeIrXml(withPairId(net, pair)))],
    weights: [weights],
    weightsBytes: weights.byteLength,
  });
}
