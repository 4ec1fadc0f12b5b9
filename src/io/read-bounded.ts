/**
 * Reading input files without trusting them: open once, look at what the file is (fstat),
 * and read only as many bytes as were asked for, so a device or a FIFO that never ends is
 * never read "to the end".
 */
import { closeSync, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { MyriadcError } from "../util/errors.js";

export function withFile<T>(path: string, use: (fd: number, st: Stats) => T): T {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MyriadcError(
      code === "ENOENT" ? "file-not-found" : "io",
      code === "ENOENT" ? "no such file" : `cannot read: ${code ?? (e as Error).message}`,
      { file: path, cause: e },
    );
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new MyriadcError("not-a-file", "is a directory, not a tensor file", { file: path });
    return use(fd, st);
  } finally {
    closeSync(fd);
  }
}

/** Up to `n` bytes from the current position; fewer only at the end of the file (or stream). */
export function readUpTo(fd: number, n: number, path: string): Uint8Array {
  const out = new Uint8Array(n);
  let got = 0;
  try {
    while (got < n) {
      const k = readSync(fd, out, got, n - got, null);
      if (k === 0) break;
      got += k;
    }
  } catch (e) {
    throw new MyriadcError("io", `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path, cause: e });
  }
  return got === n ? out : out.subarray(0, got);
}

/** Exactly `n` bytes, or a "truncated" error saying how many there were. */
export function readExactly(fd: number, n: number, path: string): Uint8Array {
  const b = readUpTo(fd, n, path);
  if (b.length < n)
    throw new MyriadcError("truncated", `is truncated: ${n} more bytes were expected, the file has ${b.length}`, { file: path });
  return b;
}
