/**
 * Runs a tool with an argument array (never through a shell), collecting its output, with a
 * timeout that kills the whole process group, and optional streaming of the output as it comes.
 */
import { spawn } from "node:child_process";
import { MyriadcError } from "../util/errors.js";

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs: number;
  cwd?: string;
  /** Called with each chunk of stdout/stderr (for --verbose). */
  onOutput?: (text: string) => void;
}

export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout also stops what the tool started (docker run, …).
    const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined && process.platform !== "win32") process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, options.timeoutMs);
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
      options.onOutput?.(b.toString());
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      options.onOutput?.(b.toString());
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = e.code === "ENOENT" ? "not found" : e.code === "EACCES" ? "not executable" : e.message;
      reject(new MyriadcError("tool-not-found", `cannot run ${command}: ${why}`, { cause: e }));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
