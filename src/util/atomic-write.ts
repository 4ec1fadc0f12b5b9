/**
 * Atomic file writes: data goes to a temporary file in the destination folder, which is
 * renamed over the target only once complete, so a crash or error never leaves a partial
 * output behind.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, writevSync } from "node:fs";
import { dirname } from "node:path";
import { type DeferredBytes, type Piece, pieceInMemory } from "./deferred-bytes.js";
import { MyriadcError } from "./errors.js";
import { removeStaleTemporaries, tempPathFor } from "./temp-files.js";

/** File-system failures are the user's to fix (a missing folder, no permission): say which file. */
export function asWriteError(target: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (!code) return e;
  const why =
    code === "ENOENT"
      ? `the folder ${dirname(target)} does not exist`
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "ENOSPC"
          ? "no space left on the device"
          : code === "ENAMETOOLONG"
            ? "the file name is longer than the file system allows"
            : code === "EISDIR"
              ? "it is a directory"
              : code === "ENOTDIR"
                ? "a part of the path is not a folder"
                : code;
  return new MyriadcError("io", `cannot write: ${why}`, { file: target, cause: e });
}

/**
 * A file's contents: pieces in order (buffers, or deferred bytes copied from their file), or a
 * function that hands its pieces to `write` in order (so large outputs can be produced while
 * written, never held whole).
 */
export type FileContents = readonly Piece[] | ((write: (piece: Uint8Array) => void) => void);

/** Pieces smaller than this are gathered and written together, so many small pieces cost few system calls. */
const GATHER_BYTES = 1 << 20;

/** Buffers handed to one writev call at most (Linux's IOV_MAX is 1024). */
const WRITEV_PIECES = 1024;

/** Deferred bytes go from their file to the output through one buffer of this size. */
const COPY_BYTES = 1 << 20;

/**
 * Writes buffers that stay valid until the end (a model's pieces: views on its weights and
 * the encoder's buffers) with writev, so no byte is copied on the way to the file.
 */
export function writePieces(fd: number, pieces: readonly Uint8Array[]): void {
  let i = 0;
  let offset = 0; // bytes of pieces[i] already written
  while (i < pieces.length) {
    if (offset >= pieces[i]!.byteLength) {
      i++;
      offset = 0;
      continue;
    }
    const batch = [pieces[i]!.subarray(offset)];
    for (let j = i + 1; j < pieces.length && batch.length < WRITEV_PIECES; j++) if (pieces[j]!.byteLength > 0) batch.push(pieces[j]!);
    let written = writevSync(fd, batch);
    if (written <= 0) throw new Error("writev wrote nothing");
    // Past the pieces written whole, and into the one written in part.
    while (written > 0 && i < pieces.length) {
      const left = pieces[i]!.byteLength - offset;
      if (written >= left) {
        written -= left;
        i++;
        offset = 0;
      } else {
        offset += written;
        written = 0;
      }
    }
  }
}

function writeOut(fd: number, c: Uint8Array): void {
  let off = 0;
  while (off < c.byteLength) off += writeSync(fd, c, off, c.byteLength - off);
}

/**
 * Writes pieces in order: those in memory by writev, deferred bytes still in their file
 * copied through one reused buffer (never held whole: reading them into fresh memory would
 * cost more than copying them).
 */
function writeMixed(fd: number, pieces: readonly Piece[]): void {
  let inMemory: Uint8Array[] = [];
  let copy: Uint8Array | undefined;
  for (const p of pieces) {
    const b = pieceInMemory(p);
    if (b) {
      inMemory.push(b);
      continue;
    }
    writePieces(fd, inMemory);
    inMemory = [];
    copy ??= new Uint8Array(COPY_BYTES);
    for (let from = 0; from < p.byteLength; from += COPY_BYTES) {
      const part = copy.subarray(0, Math.min(COPY_BYTES, p.byteLength - from));
      (p as DeferredBytes).copyTo(part, from);
      writeOut(fd, part);
    }
  }
  writePieces(fd, inMemory);
}

function writeAll(fd: number, contents: FileContents): void {
  if (typeof contents !== "function") {
    writeMixed(fd, contents);
    return;
  }
  let stage: Uint8Array | undefined;
  let fill = 0;
  const flush = () => {
    if (fill > 0) writeOut(fd, stage!.subarray(0, fill));
    fill = 0;
  };
  // Produced pieces: each is copied or written before the next one is taken, as producers may reuse buffers.
  const write = (c: Uint8Array) => {
    if (c.byteLength >= GATHER_BYTES / 4) {
      flush();
      writeOut(fd, c);
      return;
    }
    stage ??= new Uint8Array(GATHER_BYTES);
    if (fill + c.byteLength > GATHER_BYTES) flush();
    stage.set(c, fill);
    fill += c.byteLength;
  };
  contents(write);
  flush();
}

/** Removing a temporary must never hide the error that made us remove it. */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing to clean up (the name was never valid), or nothing we can do
  }
}

/** Writes the chunks in order to `target`, atomically. */
export function writeFileAtomic(target: string, chunks: Uint8Array | FileContents): void {
  const list = chunks instanceof Uint8Array ? [chunks] : chunks;
  removeStaleTemporaries(dirname(target));
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx");
    writeAll(fd, list);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    removeQuietly(tmp);
    throw asWriteError(target, e);
  }
}

/**
 * A group of files that must appear together (a model and its external data; an IR .xml
 * and .bin): each is written to a temporary file, and all are renamed only when every one
 * was written.
 */
export function writeFilesAtomic(files: readonly { path: string; chunks: FileContents }[]): void {
  const staged: { tmp: string; path: string }[] = [];
  for (const dir of new Set(files.map((f) => dirname(f.path)))) removeStaleTemporaries(dir);
  try {
    for (const f of files) {
      const tmp = tempPathFor(f.path);
      staged.push({ tmp, path: f.path });
      const fd = openSync(tmp, "wx");
      try {
        writeAll(fd, f.chunks);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    for (const s of staged) renameSync(s.tmp, s.path);
  } catch (e) {
    for (const s of staged) removeQuietly(s.tmp);
    throw asWriteError(staged.at(-1)?.path ?? files[0]?.path ?? "", e);
  }
}

/**
 * Writes `chunks` to a fresh temporary beside `target` (fsynced) and returns its path, for
 * protocols that rename several files in an order of their own (src/emit/ir-pair.ts). On an
 * error nothing is left behind.
 */
export function stageFile(target: string, chunks: FileContents): string {
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx");
    writeAll(fd, chunks);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    return tmp;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    removeQuietly(tmp);
    throw asWriteError(target, e);
  }
}
