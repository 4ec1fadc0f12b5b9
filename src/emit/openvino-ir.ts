/**
 * Writes an IR document (.xml text) and its weights (.bin) as one pair (the protocol is
 * ir-pair.ts's: the .xml records a pair id the .bin's trailer repeats).
 */
import type { IrNet } from "../frontends/openvino/ir-document.js";
import { withPairId } from "../frontends/openvino/ir-pair.js";
import { writeIrPair } from "./ir-pair.js";
import type { IrWeights } from "./ir-weights.js";
import { encodeIrXml, writeIrXml } from "./ir-xml.js";

export { encodeIrXml };

/**
 * `weights` may be the emitter's layout (`EmittedIr.bin`): then the .bin is produced while
 * written, and the .xml text is streamed in pieces too.
 */
export function writeIr(xmlPath: string, binPath: string, net: IrNet, weights: Uint8Array | IrWeights): void {
  writeIrPair(xmlPath, binPath, {
    xml: (pair) => (write) => writeIrXml(withPairId(net, pair), (text) => write(Buffer.from(text))),
    weights: weights instanceof Uint8Array ? [weights] : (write) => weights.writeTo(write),
    weightsBytes: weights.byteLength,
  });
}
