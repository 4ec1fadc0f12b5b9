/**
 * The write protocol of an IR's .xml/.bin pair (issue 16, part 4): every state a reader can
 * observe is the old pair, the new pair, or a mismatch the reader names (the pair id recorded
 * in the .xml against the .bin's trailer, src/frontends/openvino/ir-pair.ts).
 *
 * 1. Both destinations are checked before anything is written (a folder in the way, a folder
 *    we cannot write to, a name the file system refuses), so a refused write replaces nothing.
 * 2. Stale temporaries of killed runs are removed from the destination folders.
 * 3. The .bin (weights + trailer) and the .xml (pair id + .bin size in rt_info) are written
 *    in full to temporaries and fsynced.
 * 4. The .xml is renamed first, the .bin second. Between the two renames the new .xml sits
 *    beside the old .bin (or none) and readers refuse it; the reverse order would leave the
 *    old .xml — Model Optimizer's, perhaps, with no pair id to check — silently reading the new
 *    weights. After the second rename the pair is whole.
 */
import { accessSync, closeSync, constants, fsyncSync, lstatSync, openSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { type IrPairId, newPairId, PAIR_TRAILER_BYTES, pairTrailer } from "../frontends/openvino/ir-pair.js";
import { asWriteError, type FileContents, removeQuietly, stageFile } from "../util/atomic-write.js";
import { concatPieces } from "../util/deferred-bytes.js";
import { MyriadcError } from "../util/errors.js";
import { removeStaleTemporaries } from "../util/temp-files.js";

export interface IrPairContents {
  /** The .xml's bytes, made once the pair id and the .bin's size are known (may be produced while written). */
  xml: (pair: IrPairId) => FileContents;
  /** The weights in order (or produced while written), and their total length (the trailer follows them). */
  weights: FileContents;
  weightsBytes: number;
}

/**
 * Tests stop the writer at a step to kill it there (MYRIADC_TEST_PAUSE_AT=<step>: it says so on
 * stderr and sleeps). Nothing else sets the variable.
 */
export type PairWriteStep = "bin-staged" | "staged" | "xml-renamed";

function pauseForTests(step: PairWriteStep): void {
  if (process.env.MYRIADC_TEST_PAUSE_AT !== step) return;
  process.stderr.write(`myriadc-test: paused at ${step}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}

/** Refuses a destination that cannot take the file, before anything is written. */
function checkDestination(path: string): void {
  try {
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    accessSync(dirname(path), constants.W_OK);
  } catch (e) {
    throw asWriteError(path, e);
  }
}

/** Makes the renames durable; a file system that cannot sync a folder loses nothing we promised. */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported here (some platforms and file systems)
  }
}

/** Writes the pair by the protocol above. */
export function writeIrPair(xmlPath: string, binPath: string, contents: IrPairContents): void {
  checkDestination(xmlPath);
  checkDestination(binPath);
  for (const dir of new Set([dirname(xmlPath), dirname(binPath)])) removeStaleTemporaries(dir);
  const pair: IrPairId = { id: newPairId(), binSize: contents.weightsBytes + PAIR_TRAILER_BYTES };
  const weights = contents.weights;
  const binTmp = stageFile(binPath, (write) => {
    if (typeof weights === "function") weights(write);
    else for (const w of weights) write(concatPieces([w])); // a buffer as it is; bytes still in a file, read
    write(pairTrailer(pair.id));
  });
  pauseForTests("bin-staged");
  let xmlTmp: string;
  try {
    xmlTmp = stageFile(xmlPath, contents.xml(pair));
  } catch (e) {
    removeQuietly(binTmp);
    throw e;
  }
  pauseForTests("staged");
  try {
    renameSync(xmlTmp, xmlPath);
  } catch (e) {
    removeQuietly(xmlTmp);
    removeQuietly(binTmp);
    throw asWriteError(xmlPath, e);
  }
  pauseForTests("xml-renamed");
  try {
    renameSync(binTmp, binPath);
  } catch (e) {
    removeQuietly(binTmp);
    const why = asWriteError(binPath, e);
    // The new .xml is in place and its readers will refuse it beside the old .bin: say so.
    throw why instanceof MyriadcError
      ? new MyriadcError(why.code, `${why.message}; ${xmlPath} was written and is refused until the pair is written again`, {
          file: binPath,
          cause: e,
        })
      : why;
  }
  syncFolder(dirname(xmlPath));
  if (dirname(binPath) !== dirname(xmlPath)) syncFolder(dirname(binPath));
}
