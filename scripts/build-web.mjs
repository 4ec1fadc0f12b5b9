#!/usr/bin/env node
// Builds the browser side with esbuild (run by `npm run build`, hence by `npm ci`'s prepare):
//   dist/web/viewer.js     the report viewer (IIFE, dagre and its stylesheet inside), inlined into every report file
//   dist/web/app.js        the web page (web/index.html loads it): the core, the viewer and the page's logic
//   dist/browser/myriadc.js  the node-free core as an ES module, for use in other pages
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Builds all three bundles into `outDir` (default dist/). */
export async function buildWeb(outDir = join(root, "dist")) {
  const common = {
    bundle: true,
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    loader: { ".css": "text" },
    write: false,
  };
  const results = await Promise.all([
    build({ ...common, entryPoints: [join(root, "web/viewer/main.ts")], format: "iife", outfile: join(outDir, "web/viewer.js") }),
    build({ ...common, entryPoints: [join(root, "web/app/main.ts")], format: "iife", outfile: join(outDir, "web/app.js") }),
    build({ ...common, entryPoints: [join(root, "src/browser.ts")], format: "esm", outfile: join(outDir, "browser/myriadc.js") }),
  ]);
  writeInPlace(results.flatMap((r) => r.outputFiles));
}

/**
 * Writes esbuild's output files, each renamed into place once whole: tests running beside a
 * rebuild (a report reading viewer.js, a child running the executable) never see half of one.
 */
export function writeInPlace(files, mode = 0o644) {
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temp, file.contents, { mode });
    renameSync(temp, file.path);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildWeb();
