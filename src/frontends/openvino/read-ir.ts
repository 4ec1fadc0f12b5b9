/**
 * Reads an OpenVINO IR pair (.xml + .bin) from disk into the document model (the checks are
 * parse-ir.ts's). Models are opened through load-model.ts; this reader serves tools that
 * want the document of an .xml/.bin pair.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { MyriadcError } from "../../util/errors.js";
import type { IrNet } from "./ir-document.js";
import { checkIrPair } from "./ir-pair.js";
import { binNameFor, checkIrNet, parseIrXml } from "./parse-ir.js";

export { checkIrNet } from "./parse-ir.js";

export interface IrFiles {
  xmlPath: string;
  binPath: string;
  net: IrNet;
  /** The .bin contents (empty when the IR has no weights and no .bin). */
  weights: Uint8Array;
}

export function binPathFor(xmlPath: string): string {
  return binNameFor(xmlPath);
}

export function readIr(xmlPath: string, binPath = binPathFor(xmlPath)): IrFiles {
  if (!existsSync(xmlPath)) throw new MyriadcError("file-not-found", "no such file", { file: xmlPath });
  if (statSync(xmlPath).isDirectory()) throw new MyriadcError("not-a-file", "is a directory, not an IR .xml file", { file: xmlPath });
  const doc: IrNet = parseIrXml(readFileSync(xmlPath, "utf8"), xmlPath);
  const binStat = statSync(binPath, { throwIfNoEntry: false });
  if (binStat && !binStat.isFile())
    throw new MyriadcError("not-a-file", `its weights ${binPath} are ${binStat.isDirectory() ? "a directory" : "not a regular file"}`, {
      file: xmlPath,
    });
  const bin = binStat ? new Uint8Array(readFileSync(binPath)) : undefined;
  // An .xml myriadc wrote names its .bin; the pair record is checked, then left out of the document.
  const { net, weightsBytes } = checkIrPair(doc, bin && { size: bin.length, tail: (n) => bin.subarray(bin.length - n) }, xmlPath, binPath);
  const weights = bin ? bin.subarray(0, weightsBytes) : new Uint8Array();
  checkIrNet(net, weights.length, bin ? xmlPath : `${xmlPath} (no ${binPath})`);
  return { xmlPath, binPath, net, weights };
}
