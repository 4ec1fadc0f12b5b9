/**
 * Companion files: the bytes a model file refers to beside it (an IR's .bin, ONNX external
 * data). Frontends read them only through a `Companion`, given with the model's bytes, so
 * they never touch a file system: the CLI's companion reads the model's folder
 * (load-model.ts), the browser's the files the user dropped.
 *
 * One rule holds for every companion: a model may not make us read outside its folder.
 * The lexical part of that rule (no absolute paths, no `..` above the folder) is checked
 * here for every source; the file-system part (symlinks leading out) where files live.
 */

/** A companion file, read by ranges so large external data never has to be in memory at once. */
import { copyPiece, type Piece, pieceInMemory } from "../util/deferred-bytes.js";

export interface CompanionFile {
  /** Where it is, for messages and external-data references (a real path, or the dropped file's name). */
  readonly path: string;
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/** What is wrong with a companion, where a frontend treats the cases apart (an IR without a .bin needs none). */
export type CompanionProblem = "missing" | "directory" | "not-a-file" | "refused";

/** Why a companion could not be had; frontends put it into their own message ("external-data location … <reason>"). */
export class CompanionError extends Error {
  constructor(
    message: string,
    readonly problem: CompanionProblem = "refused",
  ) {
    super(message);
  }
}

/** Finds a file by its path relative to the model's folder; throws CompanionError when it is refused or missing. */
export type Companion = (relativePath: string) => CompanionFile;

/**
 * The folder-relative path of `location` as "a/b/c", or throws CompanionError saying why it
 * is refused (a NUL byte, an absolute path, an escape above the folder).
 */
export function companionPath(location: string): string {
  if (location.includes("\0")) throw new CompanionError("contains a NUL byte");
  if (/^([\\/]|[a-zA-Z]:[\\/])/.test(location))
    throw new CompanionError("is an absolute path; only paths inside the model's folder are read");
  const parts: string[] = [];
  for (const part of location.split(/[\\/]+/)) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) throw new CompanionError("points outside the model's folder");
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0) throw new CompanionError("points outside the model's folder");
  return parts.join("/");
}

/** A companion over files held in memory, by folder-relative path (the browser's dropped files). */
export function memoryCompanion(files: ReadonlyMap<string, Uint8Array>): Companion {
  return (relativePath) => {
    const key = companionPath(relativePath);
    // Files dropped into a browser come without folders: match those by file name.
    const base = key.split("/").pop();
    const bytes = files.get(key) ?? [...files].find(([name]) => name.split("/").pop() === base)?.[1];
    if (!bytes) throw new CompanionError("does not exist", "missing");
    return bytesFile(key, bytes);
  };
}

/** A companion file over bytes in memory. */
export function bytesFile(path: string, bytes: Uint8Array): CompanionFile {
  return {
    path,
    size: bytes.byteLength,
    read(offset, length) {
      if (offset + length > bytes.byteLength) throw new CompanionError(`ends at byte ${bytes.byteLength}, before ${offset + length}`);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/**
 * A companion file made of pieces in order (a file about to be written, as encoded), read by
 * ranges without joining them: a read inside one piece in memory is a view, any other a copy
 * (from the model file, for weights still there).
 */
export function piecesFile(path: string, pieces: readonly Piece[]): CompanionFile {
  const starts: number[] = [];
  let size = 0;
  for (const p of pieces) {
    starts.push(size);
    size += p.byteLength;
  }
  return {
    path,
    size,
    read(offset, length) {
      if (offset + length > size) throw new CompanionError(`ends at byte ${size}, before ${offset + length}`);
      // The last piece starting at or before offset.
      let lo = 0;
      let hi = pieces.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      const first = pieces[lo];
      const inFirst = offset - (starts[lo] ?? 0);
      const firstBytes = first && pieceInMemory(first);
      if (firstBytes && inFirst + length <= firstBytes.byteLength) return firstBytes.subarray(inFirst, inFirst + length);
      const out = new Uint8Array(length);
      for (let i = lo, at = 0; at < length; i++) {
        const p = pieces[i]!;
        const from = i === lo ? inFirst : 0;
        const n = Math.min(p.byteLength - from, length - at);
        copyPiece(p, out.subarray(at, at + n), from);
        at += n;
      }
      return out;
    },
  };
}

/** The companion of a model that came with none: every reference is refused. */
export const noCompanion: Companion = () => {
  throw new CompanionError("cannot be read: the model was not loaded with the files beside it");
};
