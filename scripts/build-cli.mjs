#!/usr/bin/env node
// Builds the package's `myriadc` executable (run by `npm run build`, hence by `npm ci`'s prepare):
//   dist/myriadc.cjs    the compiled CLI (dist/src/cli/entry.js, from tsc) and its npm
//                       dependencies in one CommonJS file, its first line naming its content
//   dist/myriadc.mjs    the launcher (scripts/cli-launcher.mjs): runs the bundle through V8's code cache
//   dist/myriadc.cache  that cache, made by running the launcher once
// Why: unbundled, node resolves, reads and links ~400 modules and the dependencies' files on
// every start, and compiling even one bundle is ~50 ms; with the cache a command starts in
// about 60 ms more than an empty node process.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { writeInPlace } from "./build-web.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Builds the executable into `outDir` (default dist/) from the tsc output in dist/src. */
export async function buildCli(outDir = join(root, "dist")) {
  const result = await build({
    entryPoints: [join(root, "dist/src/cli/entry.js")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // Pure ASCII (non-ASCII characters escaped, comments dropped with the whitespace; names are
    // kept for stack traces): the launcher reads it as latin1, a one-byte string. Decoding 1.5 MB
    // of UTF-8 with a few "→" in it into a two-byte string took ~5 ms of every start.
    charset: "ascii",
    minifyWhitespace: true,
    legalComments: "none",
    // The source's `import.meta.url` (finding the report viewer beside the executable) is the bundle's own URL.
    define: { "import.meta.url": "__importMetaUrl" },
    banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: "warning",
    write: false,
    outfile: join(outDir, "myriadc.cjs"),
  });
  const [out] = result.outputFiles;
  const body = out.text;
  if (/[\u0080-\uffff]/.test(body))
    throw new Error("build-cli: the bundle has a non-ASCII character, which the launcher cannot read as latin1");
  const named = `// myriadc bundle ${createHash("sha256").update(body).digest("hex").slice(0, 32)}\n${body}`;
  const launcher = readFileSync(join(root, "scripts/cli-launcher.mjs"));
  writeInPlace([{ path: out.path, contents: new TextEncoder().encode(named) }]);
  writeInPlace([{ path: join(outDir, "myriadc.mjs"), contents: launcher }], 0o755);
  const made = spawnSync(process.execPath, [join(outDir, "myriadc.mjs"), "--version"], {
    env: { ...process.env, MYRIADC_WRITE_CODE_CACHE: "1" },
    encoding: "utf8",
  });
  if (made.status !== 0) throw new Error(`build-cli: the built executable failed to start:\n${made.stderr}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildCli();
