/** What every command file exports: a function that adds the command, with its flags, to the program. */
import type { Command } from "commander";
import type { CliIO } from "./io.js";

export interface CliContext {
  io: CliIO;
  /** The command's exit code. */
  setCode(code: number): void;
  /** Whether --verbose was given. */
  verbose(): boolean;
}

export type DefineCommand = (program: Command, ctx: CliContext) => void;
