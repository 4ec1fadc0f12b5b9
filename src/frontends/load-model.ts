/**
 * Models from files: the one place that reads model files and the files beside them. The
 * frontends get bytes and a companion (open-model.ts); this module gives them the file's bytes
 * and a companion over its folder, which enforces the rule that a model may not make us read
 * outside its folder — absolute locations, `..` escapes and symlinks leading out are refused.
 * Companions are read by ranges, so external data above Node's 2 GiB readFileSync limit works.
 * A large ONNX file is read without its large weights (onnx/unread-weights.ts): the file stays
 * open and they are read from it when needed.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, realpathSync, type Stats, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { DeferredBytes } from "../util/deferred-bytes.js";
import { MyriadcError } from "../util/errors.js";
import { type Companion, CompanionError, companionPath } from "./companion.js";
import type { Frontend, LoadedModel, ModelSource, UnreadBytes } from "./frontend.js";
import { onnxFrontend } from "./onnx/frontend.js";
import { type LoadResult, loadOnnxBytes, MAX_PROTOBUF_BYTES } from "./onnx/load.js";
import { readWithoutWeights, type UnreadRange } from "./onnx/unread-weights.js";
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

/** Below this size a model file is simply read whole. */
const READ_WHOLE_BELOW = 1 << 20;

/** Closes a held model file once nothing can read from it any more. */
const closeWhenUnreachable = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed with the process, or never ours to close
  }
});

/**
 * A model file kept open while weights left in it may be read. Reads go through the open
 * descriptor, so replacing the file (a rename over it, `fix m.onnx -o m.onnx`) does not change
 * what is read; a file changed in place is noticed (its size or time changes) and refused.
 */
class HeldFile {
  private readonly size: number;
  private readonly mtimeMs: number;

  constructor(
    readonly path: string,
    private readonly fd: number,
  ) {
    const st = fstatSync(fd);
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
    closeWhenUnreachable.register(this, fd, this);
  }

  /** When nothing was left in the file: no need to hold it. */
  close(): void {
    closeWhenUnreachable.unregister(this);
    closeSync(this.fd);
  }

  get byteLength(): number {
    return this.size;
  }

  /** Reads bytes [offset, offset + into.byteLength) into `into`. */
  fill(into: Uint8Array, offset: number): void {
    for (let done = 0; done < into.byteLength; ) {
      const n = readSync(this.fd, into, done, into.byteLength - done, offset + done);
      if (n === 0) throw new MyriadcError("io", `ended at byte ${offset + done} while being read`, { file: this.path });
      done += n;
    }
  }

  /** `fill` for a read after loading: the file must still be the one that was loaded. */
  fillUnchanged(into: Uint8Array, offset: number): void {
    const st = fstatSync(this.fd);
    if (st.size !== this.size || st.mtimeMs !== this.mtimeMs)
      throw new MyriadcError(
        "io",
        "was changed while myriadc was using it (large weights are read from the file when needed); run the command again",
        {
          file: this.path,
        },
      );
    this.fill(into, offset);
  }
}

/** A payload left in the file; once read, it is where the whole-file read would have put it (in the model's bytes). */
class UnreadPayload implements DeferredBytes {
  loaded: Uint8Array | undefined;

  constructor(
    private readonly file: HeldFile,
    private readonly home: Uint8Array,
    private readonly offset: number,
  ) {}

  get byteLength(): number {
    return this.home.byteLength;
  }

  bytes(): Uint8Array {
    if (!this.loaded) {
      this.file.fillUnchanged(this.home, this.offset);
      this.loaded = this.home;
    }
    return this.loaded;
  }

  copyTo(into: Uint8Array, from: number): void {
    if (this.loaded) into.set(this.loaded.subarray(from, from + into.byteLength));
    else this.file.fillUnchanged(into, this.offset + from);
  }
}

function unreadBytes(file: HeldFile, bytes: Uint8Array, ranges: readonly UnreadRange[]): UnreadBytes {
  const payloads = new Map<number, UnreadPayload>();
  for (const r of ranges) payloads.set(r.offset, new UnreadPayload(file, bytes.subarray(r.offset, r.offset + r.length), r.offset));
  const starts = ranges.map((r) => r.offset);
  return {
    at(offset, length) {
      const exact = payloads.get(offset);
      if (exact?.byteLength === length) return exact;
      // The last payload starting before the end of [offset, offset + length) must end at or before its start.
      let lo = 0;
      let hi = starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (starts[mid]! < offset + length) lo = mid + 1;
        else hi = mid;
      }
      const before = ranges[lo - 1];
      if (before && before.offset + before.length > offset)
        throw new Error(`bytes ${offset}+${length} overlap a payload left unread (${before.offset}+${before.length})`);
      return undefined;
    },
  };
}

/**
 * The bytes of a model file: a large ONNX file without its large weights (left in the file,
 * which stays open), anything else whole.
 */
function readModelBytes(path: string, size: number): Pick<ModelSource, "bytes" | "unread"> {
  if (size < READ_WHOLE_BELOW) return { bytes: readWhole(path) };
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new MyriadcError("io", `cannot read: ${(e as Error).message}`, { file: path, cause: e });
  }
  const file = new HeldFile(path, fd);
  let held = false;
  try {
    const head = new Uint8Array(Math.min(HEAD_BYTES, file.byteLength));
    file.fill(head, 0);
    const read =
      frontendForHead(head, file.byteLength) === onnxFrontend
        ? readWithoutWeights(file.byteLength, (into, offset) => file.fill(into, offset))
        : undefined;
    if (!read) return { bytes: readFileSync(fd) };
    if (read.unread.length === 0) return { bytes: read.bytes };
    held = true;
    return { bytes: read.bytes, unread: unreadBytes(file, read.bytes, read.unread) };
  } catch (e) {
    if (e instanceof MyriadcError) throw e;
    throw new MyriadcError("io", `cannot read: ${(e as Error).message}`, { file: path, cause: e });
  } finally {
    if (!held) file.close();
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
  return { name: path, ...readModelBytes(path, st.size), companion: folderCompanion(dirname(resolve(path))) };
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
  const { bytes, unread } = readModelBytes(path, st.size);
  return loadOnnxBytes(bytes, path, { companion: folderCompanion(options.baseDir ?? dirname(resolve(path))), unread });
}
