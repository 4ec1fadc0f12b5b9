#!/usr/bin/env node
/** The `myriadc` executable. */
import { processIO } from "./io.js";
import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2), processIO);
process.exitCode = code;
