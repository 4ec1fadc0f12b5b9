/**
 * Atomic file writes: data goes to a temporary file in the destination folder, which is
 * renamed over the target only once complete, so a crash or error never leaves a partial
 * output behind.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
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

/** Removing a temporary must never hide the error that made us remove it. */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing to clean up (the name was never valid), or nothing we can do
  }
}

/** Writes the chunks in order to `target`, atomically. */
export function writeFileAtomic(target: string, chunks: Uint8Array | readonly Uint8Array[]): void {
  const list = chunks instanceof Uint8Array ? [chunks] : chunks;
  removeStaleTemporaries(dirname(target));
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx");
    for (const c of list) {
      let off = 0;
      while (off < c.byteLength) off += writeSync(fd, c, off, c.byteLength - off);
    }
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
export function writeFilesAtomic(files: readonly { path: string; chunks: readonly Uint8Array[] }[]): void {
  const staged: { tmp: string; path: string }[] = [];
  for (const dir of new Set(files.map((f) => dirname(f.path)))) removeStaleTemporaries(dir);
  try {
    for (const f of files) {
      const tmp = tempPathFor(f.path);
      staged.push({ tmp, path: f.path });
      const fd = openSync(tmp, "wx");
      try {
        for (const c of f.chunks) {
          let off = 0;
          while (off < c.byteLength) off += writeSync(fd, c, off, c.byteLength - off);
        }
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
export function stageFile(target: string, chunks: readonly Uint8Array[]): string {
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx");
    for (const c of chunks) {
      let off = 0;
      while (off < c.byteLength) off += writeSync(fd, c, off, c.byteLength - off);
    }
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
