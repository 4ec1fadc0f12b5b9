/**
 * Writes an IR document (.xml text) and its weights (.bin), both atomically and together.
 */
import type { IrNet } from "../frontends/openvino/ir-document.js";
import { writeFilesAtomic } from "../util/atomic-write.js";
import type { IrWeights } from "./ir-weights.js";

import { encodeIrXml, writeIrXml } from "./ir-xml.js";

export { encodeIrXml };

/** `weights` may be the emitter's layout (`EmittedIr.bin`): then the .bin is produced while written. */
export function writeIr(xmlPath: string, binPath: string, net: IrNet, weights: Uint8Array | IrWeights): void {
  writeFilesAtomic([
    { path: binPath, chunks: weights instanceof Uint8Array ? [weights] : (write) => weights.writeTo(write) },
    { path: xmlPath, chunks: (write) => writeIrXml(net, (text) => write(Buffer.from(text))) },
  ]);
}
