/**
 * Running a compiler process (compile_tool, or docker running it) and turning what happened
 * into a blob or a one-line diagnostic: known failure texts become messages naming the layer
 * and the fix; the raw output is kept for --verbose.
 */
import { existsSync, readFileSync } from "node:fs";
import { MyriadcError } from "../util/errors.js";
import { checkBlob } from "./blob-header.js";
import { explainToolOutput, lastLine, type ToolDiagnostic } from "./known-errors.js";
import { runProcess } from "./run-process.js";

export interface CompilerRun {
  timeoutMs: number;
  onOutput?: (text: string) => void;
  /** Exit codes that mean the wrapper (docker) failed before the compiler ran. */
  wrapperFailure?: (code: number | null, output: string) => MyriadcError | undefined;
}

/** One line from the known-error diagnostics (or the tool's last words). */
export function failureMessage(tool: string, diagnostics: readonly ToolDiagnostic[], fallback: string): string {
  if (!diagnostics.length) return `${tool} failed: ${fallback || "no message"}`;
  const each = diagnostics.map((d) => `${d.node ? `layer ${JSON.stringify(d.node)}: ` : ""}${d.message} — ${d.suggestion}`);
  return `${tool} refused the model: ${each.join("; ")}`;
}

export async function runCompiler(
  tool: string,
  command: string,
  args: readonly string[],
  blobPath: string,
  run: CompilerRun,
): Promise<Uint8Array> {
  const r = await runProcess(command, args, { timeoutMs: run.timeoutMs, ...(run.onOutput ? { onOutput: run.onOutput } : {}) });
  const output = `${r.stdout}${r.stderr}`;
  // Output already streamed to the user (--verbose) is not repeated in the error.
  const details = run.onOutput ? undefined : output;
  const wrapper = run.wrapperFailure?.(r.code, output);
  if (wrapper) throw wrapper;
  if (r.timedOut)
    throw new MyriadcError(
      "timeout",
      `${tool} did not finish within ${Math.round(run.timeoutMs / 1000)} s and was stopped (raise --timeout for big models)`,
      { ...(details ? { details } : {}) },
    );
  if (r.code !== 0)
    throw new MyriadcError(
      "compile-failed",
      failureMessage(tool, explainToolOutput(output), `exit code ${r.code}: ${lastLine(r.stderr) || lastLine(r.stdout)}`),
      { ...(details ? { details } : {}) },
    );
  if (!existsSync(blobPath))
    throw new MyriadcError("compile-failed", `${tool} reported success but wrote no blob`, { ...(details ? { details } : {}) });
  const blob = new Uint8Array(readFileSync(blobPath));
  checkBlob(blob, `${tool} output`);
  return blob;
}
