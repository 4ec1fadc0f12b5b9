/**
 * Finding compile_tool: --compile-tool PATH, then $MYRIADC_COMPILE_TOOL, then
 * $INTEL_OPENVINO_DIR/tools/compile_tool/compile_tool (set by OpenVINO's setupvars.sh), then PATH.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { MyriadcError } from "../util/errors.js";

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The first executable named `name` on PATH. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

export interface Located {
  path: string | undefined;
  /** Where we looked, in order (for the "not found" message). */
  tried: string[];
}

export function locateCompileTool(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Located {
  if (explicit !== undefined) {
    if (!isExecutable(explicit))
      throw new MyriadcError("tool-not-found", `--compile-tool ${JSON.stringify(explicit)}: no executable file there`);
    return { path: explicit, tried: [explicit] };
  }
  const tried: string[] = [];
  const candidates = [
    env.MYRIADC_COMPILE_TOOL,
    env.INTEL_OPENVINO_DIR ? join(env.INTEL_OPENVINO_DIR, "tools", "compile_tool", "compile_tool") : undefined,
  ];
  for (const c of candidates) {
    if (!c) continue;
    tried.push(c);
    if (isExecutable(c)) return { path: c, tried };
  }
  tried.push("compile_tool on PATH");
  return { path: onPath("compile_tool", env), tried };
}
