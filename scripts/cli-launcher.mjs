#!/usr/bin/env node
// The package's `myriadc` executable, copied to dist/myriadc.mjs by scripts/build-cli.mjs. It runs
// the bundled program, dist/myriadc.cjs, compiled through node:vm with V8's code cache,
// dist/myriadc.cache (written by the build). Why: node 20 has no compile cache of its own
// (module.enableCompileCache came with node 22), and parsing the 1 MB bundle anew is about
// 50 ms of every command's start. Without a usable cache the bundle is simply compiled.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const dir = dirname(fileURLToPath(import.meta.url));
const bundle = join(dir, "myriadc.cjs");
const cacheFile = join(dir, "myriadc.cache");
// ASCII (the build escapes every other character), so read as latin1: a one-byte string, no decoding.
const source = readFileSync(bundle, "latin1");
// The bundle's first line names its content (a hash, written by the build). The cache starts with
// the same line, so a cache is used only with the bundle it was made from: V8 itself checks
// no more than the source's length, its own version and its flags.
const header = Buffer.from(`${source.slice(0, source.indexOf("\n"))}\n`);

function readCache() {
  try {
    const bytes = readFileSync(cacheFile);
    return bytes.subarray(0, header.length).equals(header) ? bytes.subarray(header.length) : undefined;
  } catch {
    return undefined;
  }
}

// Strict, as the ES modules it was bundled from (the bundle's own "use strict" comes after its first line).
const cachedData = readCache();
const script = new Script(`(function (exports, require, module, __filename, __dirname) {"use strict";${source}\n})`, {
  filename: bundle,
  cachedData,
});
// For the tests (and anyone wondering whether start-up is as fast as it should be).
if (process.env.MYRIADC_CODE_CACHE_REPORT === "1")
  process.stderr.write(`code cache: ${cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "used"}\n`);
const program = { exports: {} };
script.runInThisContext()(program.exports, createRequire(bundle), program, bundle, dir);
process.exitCode = await program.exports.main(process.argv.slice(2));

// The build runs `MYRIADC_WRITE_CODE_CACHE=1 node dist/myriadc.mjs --version` once: the cache
// then holds what start-up compiles (the modules' top levels, the command-line parser).
if (process.env.MYRIADC_WRITE_CODE_CACHE === "1") {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([header, script.createCachedData()]));
    renameSync(temp, cacheFile);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
