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
  | "invalid-graph";

export class MyriadcError extends Error {
  readonly code: ErrorCode;
  /** The file the problem is in, when there is one; the CLI prints it first. */
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MyriadcError";
    this.code = code;
    this.file = options.file;
  }

  /** Usage and input problems exit 2, as the CLI contract says. */
  get exitCode(): number {
    return 2;
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
