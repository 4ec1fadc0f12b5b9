/**
 * Opens a model file of any registered format. The format is decided by content (each
 * frontend's sniff of the first bytes), never by the file name, so a misnamed file still
 * opens and a file of no known format is reported as such, with the formats that are known.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { MyriadcError } from "../util/errors.js";
import { validateModel } from "../validate/validate.js";
import type { Frontend, LoadedModel } from "./frontend.js";
import { FRONTENDS } from "./registry.js";

export type { Frontend, GraphDialect, LoadedModel } from "./frontend.js";

const HEAD_BYTES = 64 * 1024;

function readHead(path: string): { head: Uint8Array; size: number } {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new MyriadcError("file-not-found", "no such file", { file: path });
  }
  if (st.isDirectory()) throw new MyriadcError("not-a-file", "is a directory, not a model file", { file: path });
  if (!st.isFile()) throw new MyriadcError("not-a-file", "is not a regular file", { file: path });
  if (st.size === 0) throw new MyriadcError("truncated", "is empty (0 bytes), not a model", { file: path });
  const head = new Uint8Array(Math.min(HEAD_BYTES, st.size));
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new MyriadcError("io", `cannot read: ${(e as Error).message}`, { file: path, cause: e });
  }
  try {
    const n = readSync(fd, head, 0, head.length, 0);
    return { head: head.subarray(0, n), size: st.size };
  } finally {
    closeSync(fd);
  }
}

/** The frontend whose format the file is in, or undefined. */
export function frontendFor(path: string): Frontend | undefined {
  const { head, size } = readHead(path);
  return FRONTENDS.find((f) => f.sniff(head, size));
}

/** "ONNX (a protobuf ModelProto, .onnx), OpenVINO IR (…)" for messages. */
export function knownFormats(): string {
  return FRONTENDS.map((f) => `${f.label} (${f.signature}, ${f.extensions.join("/")})`).join(", ");
}

/** Loads any registered format and validates what it read; the one entry every command goes through. */
export function loadModel(path: string): LoadedModel {
  const loaded = openModel(path);
  validateModel(loaded.model, loaded.dialect, path);
  return loaded;
}

function openModel(path: string): LoadedModel {
  const frontend = frontendFor(path);
  if (frontend) return frontend.load(path);
  // No frontend recognises the bytes. When the name promises a format, let that frontend say
  // what is wrong in its own terms; the message always lists what is known.
  const named = FRONTENDS.find((f) => f.extensions.some((ext) => path.toLowerCase().endsWith(ext)));
  let why = "";
  if (named) {
    try {
      return named.load(path);
    } catch (e) {
      if (!(e instanceof MyriadcError)) throw e;
      why = ` (read as ${named.label}: ${e.message})`;
    }
  }
  throw new MyriadcError("bad-format", `is not a model in a format myriadc reads${why}; known formats: ${knownFormats()}`, { file: path });
}
