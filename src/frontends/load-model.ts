/**
 * Models from files: the one place that reads model files and the files beside them. The
 * frontends get bytes and a companion (open-model.ts); this module gives them the file's bytes
 * and a companion over its folder, which enforces the rule that a model may not make us read
 * outside its folder — absolute locations, `..` escapes and symlinks leading out are refused.
 * Companions are read by ranges, so external data above Node's 2 GiB readFileSync limit works.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, realpathSync, type Stats, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { MyriadcError } from "../util/errors.js";
import { type Companion, CompanionError, companionPath } from "./companion.js";
import type { Frontend, LoadedModel, ModelSource } from "./frontend.js";
import { type LoadResult, loadOnnxBytes, MAX_PROTOBUF_BYTES } from "./onnx/load.js";
import { frontendForHead, HEAD_BYTES, openModel } from "./open-model.js";

export type { Frontend, GraphDialect, LoadedModel, ModelSource } from "./frontend.js";
export { knownFormats, openModel } from "./open-model.js";

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

/** Reads [offset, offset+length) of a file, in chunks of at most 1 GiB. */
export function readRange(path: string, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const fd = openSync(path, "r");
  try {
    const CHUNK = 1 << 30;
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, Math.min(CHUNK, length - done), offset + done);
      if (n === 0) throw new Error(`unexpected end of ${path} at byte ${offset + done}`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

export function fileSize(path: string): number {
  const fd = openSync(path, "r");
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** The companion of a model in `modelDir`: files inside that folder only, symlinks resolved. */
export function folderCompanion(modelDir: string): Companion {
  return (location) => {
    const rel = companionPath(location);
    let real: string;
    try {
      real = realpathSync(join(modelDir, ...rel.split("/")));
    } catch {
      throw new CompanionError("does not exist", "missing");
    }
    if (!isInside(realpathSync(modelDir), real)) throw new CompanionError("is a link that leads outside the model's folder");
    const st = statSync(real);
    if (st.isDirectory()) throw new CompanionError("is a directory", "directory");
    if (!st.isFile()) throw new CompanionError("is not a regular file", "not-a-file");
    return { path: real, size: fileSize(real), read: (offset, length) => readRange(real, offset, length) };
  };
}

function statFile(path: string, what: string): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    throw new MyriadcError("file-not-found", "no such file", { file: path });
  }
  if (st.isDirectory()) throw new MyriadcError("not-a-file", `is a directory, not ${what}`, { file: path });
  if (!st.isFile()) throw new MyriadcError("not-a-file", "is not a regular file", { file: path });
  return st;
}

function readWhole(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new MyriadcError("io", `cannot read: ${(e as Error).message}`, { file: path, cause: e });
  }
}

/** A model file as bytes with the companion of its folder. */
export function readModelSource(path: string): ModelSource {
  const st = statFile(path, "a model file");
  if (st.size === 0) throw new MyriadcError("truncated", "is empty (0 bytes), not a model", { file: path });
  if (st.size > MAX_PROTOBUF_BYTES) {
    // No format myriadc reads keeps more than 2 GiB in the model file itself.
    throw new MyriadcError(
      "bad-format",
      `is ${st.size} bytes; a model file above 2 GiB is not read (large weights belong in external data)`,
      {
        file: path,
      },
    );
  }
  return { name: path, bytes: readWhole(path), companion: folderCompanion(dirname(resolve(path))) };
}

/** The frontend whose format the file is in, or undefined (reads the first 64 KiB only). */
export function frontendFor(path: string): Frontend | undefined {
  const st = statFile(path, "a model file");
  if (st.size === 0) throw new MyriadcError("truncated", "is empty (0 bytes), not a model", { file: path });
  const head = new Uint8Array(Math.min(HEAD_BYTES, st.size));
  const fd = openSync(path, "r");
  try {
    const n = readSync(fd, head, 0, head.length, 0);
    return frontendForHead(head.subarray(0, n), st.size);
  } finally {
    closeSync(fd);
  }
}

/** Loads any registered format from a file and validates it (openModel); the one entry every command goes through. */
export function loadModel(path: string): LoadedModel {
  return openModel(readModelSource(path));
}

export interface LoadOptions {
  /** Folder that external-data locations are relative to (defaults to the model's folder). */
  baseDir?: string;
}

/** Loads an ONNX model file (whatever its content, read as ONNX). Failures are MyriadcErrors naming the file. */
export function loadOnnxFile(path: string, options: LoadOptions = {}): LoadResult {
  const st = statFile(path, "an ONNX model file");
  if (st.size > MAX_PROTOBUF_BYTES) {
    throw new MyriadcError(
      "bad-format",
      `is ${st.size} bytes; an ONNX protobuf cannot exceed 2 GiB (large weights belong in external data)`,
      { file: path },
    );
  }
  return loadOnnxBytes(readWhole(path), path, { companion: folderCompanion(options.baseDir ?? dirname(resolve(path))) });
}
