/** Writing a conversion to disk (Node only; src/api/convert.ts stays node-free for the browser). */
import { writeIr } from "../emit/openvino-ir.js";
import type { ConvertResult } from "./convert.js";

/**
 * Writes a conversion's .xml and .bin as one pair (the folder must exist): the .xml records a
 * pair id the .bin's trailer repeats (src/emit/ir-pair.ts), so a reader never takes one file
 * of an old pair with one of a new.
 */
export function writeConverted(result: Pick<ConvertResult, "net" | "weights">, xmlPath: string, binPath: string): void {
  writeIr(xmlPath, binPath, result.net, result.weights);
}
