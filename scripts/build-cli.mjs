#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js, from tsc) into one file, dist/myriadc.mjs,
// the package's `myriadc` executable (run by `npm run build`, hence by `npm ci`'s prepare).
// Why: node resolves, reads and links each of the ~400 modules of dist/src on every start,
// about 0.15 s and 10 MB before a command does anything — a large share of `lint` or `fix` on a
// typical model. npm dependencies stay external (resolved from node_modules as usual).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { writeInPlace } from "./build-web.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Builds `outFile` (default dist/myriadc.mjs) from the tsc output in dist/src. */
export async function buildCli(outFile = join(root, "dist/myriadc.mjs")) {
  const result = await build({
    entryPoints: [join(root, "dist/src/cli/main.js")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    write: false,
    outfile: outFile,
  });
  writeInPlace(result.outputFiles, 0o755);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildCli();
