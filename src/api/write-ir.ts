/** Writing a conversion to disk (Node only; src/api/convert.ts stays node-free for the browser). */
import { writeFilesAtomic } from "../util/atomic-write.js";
import type { ConvertResult } from "./convert.js";

/** Writes a conversion's .xml and .bin together, atomically (the folder must exist). */
export function writeConverted(result: Pick<ConvertResult, "xml" | "bin">, xmlPath: string, binPath: string): void {
  writeFilesAtomic([
    { path: binPath, chunks: [result.bin] },
    { path: xmlPath, chunks: [new TextEncoder().encode(result.xml)] },
  ]);
}
