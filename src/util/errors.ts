/**
 * Typed errors. Every error a user can cause carries a code and the exit status the CLI
 * should use; anything else reaching the CLI is an internal error (a bug) and exits 70.
 */

export type ErrorCode =
  | "usage"
  | "file-not-found"
  | "not-a-file"
  | "io"
  | "bad-format"
  | "truncated"
  | "unsupported"
  | "unknown-dtype"
  | "external-data"
  | "invalid-graph"
  /** A compiler (compile_tool, the blobconverter service) refused the model. */
  | "compile-failed"
  /** A tool we need (compile_tool, docker) is not installed or not found. */
  | "tool-not-found"
  /** A web service could not be reached or answered wrongly. */
  | "network"
  /** A tool or service did not finish in the time allowed. */
  | "timeout"
  /** A tensor (or a file) is larger than the configured limit (src/util/limits.ts). */
  | "too-large";

export class MyriadcError extends Error {
  readonly code: ErrorCode;
  /** The file the problem is in, when there is one; the CLI prints it first. */
  readonly file: string | undefined;
  /** Longer text (a tool's raw output) the CLI prints only with --verbose. */
  readonly details: string | undefined;

  constructor(code: ErrorCode, message: string, options: { file?: string; cause?: unknown; details?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MyriadcError";
    this.code = code;
    this.file = options.file;
    this.details = options.details;
  }

  /**
   * Usage and input problems exit 2, as the CLI contract says; a model the compiler refused
   * exits 1, like lint errors (the model needs changing, not the command line).
   */
  get exitCode(): number {
    return this.code === "compile-failed" ? 1 : 2;
  }

  /** One line: `file: message`. */
  oneLine(): string {
    const msg = this.message.replace(/\s*\n\s*/g, " ");
    return this.file ? `${this.file}: ${msg}` : msg;
  }
}

export function isMyriadcError(e: unknown): e is MyriadcError {
  return e instanceof MyriadcError;
}
