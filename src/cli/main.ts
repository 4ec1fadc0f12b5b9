#!/usr/bin/env node
/** The `myriadc` executable, run from the tsc output (the package's bin is the bundle: scripts/build-cli.mjs). */
import { main } from "./entry.js";

process.exitCode = await main(process.argv.slice(2));
