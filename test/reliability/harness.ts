/**
 * The reliability harness: the real `myriadc` executable in a child process with a bounded
 * JavaScript heap (--max-old-space-size) *and* a bounded address space (ulimit -v, since
 * typed arrays live outside the heap), under a wall-clock guard, in a fresh working folder.
 * `expectCleanRefusal` states the contract of issue 16: exit 2, exactly one
 * `myriadc: error:` line naming the file (and the node), no stack trace, nothing written,
 * and no death by memory.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { expect } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { REPO_ROOT } from "../support/corpus.js";

/** JavaScript heap of the child, in MiB. */
export const HEAP_MB = 512;
/** Address space of the child, in KiB: room for node itself, far below what a runaway tensor takes. */
export const ADDRESS_SPACE_KB = 3 * 1024 * 1024;
/** Wall-clock guard per run. Generous: two cores are shared by many test workers. */
export const TIMEOUT_MS = 60_000;

function sourceHash(): string {
  const h = createHash("sha256");
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) h.update(relative(REPO_ROOT, p)).update(readFileSync(p));
    }
  };
  walk(join(REPO_ROOT, "src"));
  h.update(readFileSync(join(REPO_ROOT, "tsconfig.json")));
  return h.digest("hex").slice(0, 16);
}

/**
 * Builds the CLI from the current sources into a private folder keyed by their hash (so a
 * stale dist/ is never tested, and parallel test files neither rebuild nor see a half-built
 * tree: the build goes to a temporary folder that is renamed into place).
 */
export function buildCli(): string {
  const cache = join(REPO_ROOT, "node_modules", ".cache", "myriadc-reliability");
  const key = sourceHash();
  const main = join(cache, key, "src", "cli", "main.js");
  if (existsSync(main)) return main;
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(cache, `.build-${key}-`));
  execFileSync(
    process.execPath,
    [
      join(REPO_ROOT, "node_modules/typescript/bin/tsc"),
      "-p",
      join(REPO_ROOT, "tsconfig.build.json"),
      "--outDir",
      staging,
      "--sourceMap",
      "false",
    ],
    { stdio: "inherit" },
  );
  try {
    renameSync(staging, join(cache, key));
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another worker finished first
  }
  // The cache is shared by every worktree whose node_modules is the same folder, and another
  // one may be running its build right now: only builds untouched for a day go.
  const stale = Date.now() - 24 * 3600_000;
  for (const e of readdirSync(cache)) {
    if (e === key || e.startsWith(".build-")) continue;
    const p = join(cache, e);
    if (statSync(p).mtimeMs < stale) rmSync(p, { recursive: true, force: true });
  }
  return main;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  out: string;
  err: string;
}

/** Runs the built CLI with bounded heap, address space and time, in `cwd`. */
export function runChild(main: string, args: readonly string[], cwd: string, timeoutMs = TIMEOUT_MS): CliRun {
  const r = spawnSync(
    "/bin/sh",
    ["-c", `ulimit -v ${ADDRESS_SPACE_KB} && exec "$0" "$@"`, process.execPath, `--max-old-space-size=${HEAP_MB}`, main, ...args],
    { cwd, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 },
  );
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  return { code: r.status, signal: r.signal, timedOut, out: r.stdout ?? "", err: r.stderr ?? "" };
}

/** The same contract, in-process (fast) where memory is not the point. */
export async function runInProcess(args: readonly string[]): Promise<CliRun> {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, signal: null, timedOut: false, out: io.out, err: io.err };
}

/** A fresh folder with an empty `out/` the command may write to (and must not, when it refuses). */
export function workspace(prefix = "myriadc-rel-"): { dir: string; out: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const out = join(dir, "out");
  mkdirSync(out);
  return { dir, out, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What dying of memory (or a bug) looks like in our output or in node's. */
const CRASH = new RegExp(
  ["internal error", "Invalid typed array length", "Array buffer allocation failed", "heap out of memory"]
    .concat(["Cannot read properties", "cannot be converted to a BigInt", "FATAL ERROR"])
    .join("|"),
);

export interface Refusal {
  /** The file the line must name (the model, or the input file at fault). */
  file: string;
  /** The node the line must name, when the problem is at one. */
  node?: string;
  /** What the line must say. */
  problem?: RegExp;
  /** The folder nothing may be written to. */
  out?: string;
}

export function expectCleanRefusal(r: CliRun, want: Refusal): void {
  const ctx = `exit ${r.code} signal ${r.signal}${r.timedOut ? " (timed out)" : ""}\nstderr: ${r.err.slice(0, 2000)}`;
  expect(r.timedOut, ctx).toBe(false);
  expect(r.signal, ctx).toBeNull();
  expect(r.err, ctx).not.toMatch(CRASH);
  expect(r.code, ctx).toBe(2);
  const lines = r.err.trimEnd().split("\n");
  expect(lines, ctx).toHaveLength(1);
  expect(lines[0], ctx).toMatch(/^myriadc: error: /);
  expect(lines[0], ctx).toContain(want.file);
  if (want.node !== undefined) expect(lines[0], ctx).toContain(JSON.stringify(want.node));
  if (want.problem) expect(lines[0], ctx).toMatch(want.problem);
  expect(r.err, ctx).not.toMatch(/\n\s+at /);
  if (want.out) expect(readdirSync(want.out), `nothing may be written to ${want.out}`).toEqual([]);
}

/** A run that must not die, whatever its verdict: bounded memory and time, a known exit code, no JS error text. */
export function expectNoCrash(r: CliRun): void {
  const ctx = `exit ${r.code} signal ${r.signal}${r.timedOut ? " (timed out)" : ""}\nstderr: ${r.err.slice(0, 2000)}`;
  expect(r.timedOut, ctx).toBe(false);
  expect(r.signal, ctx).toBeNull();
  expect(r.err, ctx).not.toMatch(CRASH);
  expect([0, 1, 2], ctx).toContain(r.code);
  if (r.code === 2) expect(r.err.trimEnd().split("\n"), ctx).toHaveLength(1);
}

export function fileSize(path: string): number {
  return statSync(path).size;
}
