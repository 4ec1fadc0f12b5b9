/**
 * External data (ONNX `data_location = EXTERNAL`). `location` is relative to the model's
 * folder; anything that would read outside that folder (absolute paths, `..` escapes,
 * symlinks pointing out) is refused. Reads are by range, so data files above Node's 2 GiB
 * readFileSync limit work.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { MyriadcError } from "../../util/errors.js";

export interface ExternalSpec {
  location: string;
  offset: number;
  length: number | undefined;
  checksum: string | undefined;
}

/** Parses TensorProto.external_data entries. */
export function parseExternalSpec(entries: readonly { key?: string; value?: string }[], tensorName: string, file: string): ExternalSpec {
  let location: string | undefined;
  let offset = 0;
  let length: number | undefined;
  let checksum: string | undefined;
  for (const e of entries) {
    const v = e.value ?? "";
    switch (e.key) {
      case "location":
        location = v;
        break;
      case "offset":
        offset = parseByteCount(v, "offset", tensorName, file);
        break;
      case "length":
        length = parseByteCount(v, "length", tensorName, file);
        break;
      case "checksum":
        checksum = v;
        break;
      default:
        // Other keys are allowed by the spec and carry nothing we need.
        break;
    }
  }
  if (!location)
    throw new MyriadcError("external-data", `tensor ${JSON.stringify(tensorName)} is stored externally but has no location`, { file });
  return { location, offset, length, checksum };
}

function parseByteCount(v: string, key: string, tensorName: string, file: string): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw new MyriadcError(
      "external-data",
      `tensor ${JSON.stringify(tensorName)} has external-data ${key} ${JSON.stringify(v)}, not a byte count`,
      { file },
    );
  }
  return Number(v);
}

/**
 * Resolves `location` inside `modelDir`, refusing escapes. Returns the real path of the file.
 */
export function resolveExternalPath(location: string, modelDir: string, tensorName: string, file: string): string {
  const refuse = (why: string): never => {
    throw new MyriadcError(
      "external-data",
      `tensor ${JSON.stringify(tensorName)}: external-data location ${JSON.stringify(location)} ${why}`,
      { file },
    );
  };
  if (location.includes("\0")) refuse("contains a NUL byte");
  if (isAbsolute(location) || /^[a-zA-Z]:[\\/]/.test(location))
    refuse("is an absolute path; only paths inside the model's folder are read");
  const joined = normalize(join(modelDir, location));
  if (!isInside(modelDir, joined)) refuse("points outside the model's folder");
  let real: string;
  try {
    real = realpathSync(joined);
  } catch {
    return refuse("does not exist");
  }
  const realDir = realpathSync(modelDir);
  if (!isInside(realDir, real)) refuse("is a link that leads outside the model's folder");
  if (!statSync(real).isFile()) refuse("is not a regular file");
  return real;
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

export function fileSize(path: string): number {
  const fd = openSync(path, "r");
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
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
