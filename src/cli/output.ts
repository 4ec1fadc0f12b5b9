/**
 * Where commands write. Like Model Optimizer's --output_dir, a folder that does not exist
 * yet is created — just before writing, once everything else has succeeded, so a failed
 * command leaves nothing behind.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { MyriadcError } from "../util/errors.js";

/** Creates a folder and its parents; a path in the way (a file) is the user's to fix. */
export function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "EEXIST" || code === "ENOTDIR" ? "a file is in the way" : code === "EACCES" ? "permission denied" : String(code);
    throw new MyriadcError("io", `cannot create the folder: ${why}`, { file: dir, cause: e });
  }
}

/** Creates the folder a file is to be written in. */
export function ensureFolderFor(file: string): void {
  ensureFolder(dirname(resolve(file)));
}

/** Refuses an output path that is the input itself. */
export function refuseOverwrite(input: string, output: string): void {
  if (resolve(input) === resolve(output))
    throw new MyriadcError("usage", `-o ${JSON.stringify(output)} would overwrite the input ${input}; choose another path`);
}

/** Refuses an output path without the ending its format needs (`what` says why). */
export function requireEnding(output: string, ending: string, what: string): void {
  if (!output.toLowerCase().endsWith(ending)) throw new MyriadcError("usage", `-o ${JSON.stringify(output)}: ${what}`);
}
