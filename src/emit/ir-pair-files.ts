/**
 * An IR pair as two finished files in memory (node-free: the browser page's downloads). The
 * same pair record as the command line's writer (src/emit/ir-pair.ts): the .xml's rt_info names
 * a fresh pair id and the .bin's size, the .bin ends with the trailer repeating the id, so a
 * downloaded .xml beside a .bin of another download is refused by our readers, not run with the
 * wrong weights.
 */
import type { IrNet } from "../frontends/openvino/ir-document.js";
import { newPairId, PAIR_TRAILER_BYTES, pairTrailer, withPairId } from "../frontends/openvino/ir-pair.js";
import { encodeIrXml } from "./ir-xml.js";

export function pairedIrFiles(net: IrNet, weights: Uint8Array): { xml: string; bin: Uint8Array } {
  const id = newPairId();
  const bin = new Uint8Array(weights.byteLength + PAIR_TRAILER_BYTES);
  bin.set(weights);
  bin.set(pairTrailer(id), weights.byteLength);
  return { xml: encodeIrXml(withPairId(net, { id, binSize: bin.byteLength })), bin };
}
