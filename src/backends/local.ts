/** The local backend: compile_tool on this machine, in a scratch folder. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CompileOptions, compileToolArgs, myriadConfigText } from "./compile-options.js";
import { type CompilerRun, runCompiler } from "./run-compiler.js";

export interface IrFiles {
  xml: string;
  bin: string;
}

/** The command and config file the local backend runs (also what --dry-run prints). */
export function localCommand(tool: string, ir: IrFiles, blob: string, config: string, o: CompileOptions): string[] {
  return [tool, ...compileToolArgs(ir.xml, blob, config, o)];
}

export async function compileLocal(tool: string, ir: IrFiles, o: CompileOptions, run: CompilerRun): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "myriadc-compile-"));
  try {
    const config = join(dir, "myriad.conf");
    writeFileSync(config, myriadConfigText(o));
    const blob = join(dir, "model.blob");
    const [command, ...args] = localCommand(tool, ir, blob, config, o);
    return await runCompiler("compile_tool", command!, args, blob, run);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
