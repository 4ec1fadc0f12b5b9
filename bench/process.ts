/**
 * Whole-process measurements: a command is run `repeats` times, each in a fresh process,
 * and its wall time (median) and peak RSS (largest; node processes only, through the
 * preloaded rss-hook) are kept. A command that fails stops the bench with its stderr.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Measured {
  /** Median wall time over the runs. */
  ms: number;
  /** Largest peak RSS over the runs, in bytes (undefined for non-node commands). */
  peakRss: number | undefined;
  runs: number;
}

const RSS_HOOK = fileURLToPath(new URL("./rss-hook.js", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function runOnce(command: string, args: readonly string[], env: NodeJS.ProcessEnv): number {
  const t = performance.now();
  const r = spawnSync(command, args, { env, encoding: "utf8", maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  if (r.error) throw new Error(`bench: cannot run ${command}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`bench: ${command} ${args.join(" ")} exited with ${r.status}:\n${(r.stderr || r.stdout).slice(-2000)}`);
  return ms;
}

/** Runs a script with this node binary; the peak RSS is the script's own. */
export function measureNode(script: string, args: readonly string[], repeats: number): Measured {
  const rssFile = join(tmpdir(), `myriadc-bench-rss-${process.pid}`);
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < repeats; i++) {
    rmSync(rssFile, { force: true });
    times.push(runOnce(process.execPath, ["--import", RSS_HOOK, script, ...args], { ...process.env, MYRIADC_BENCH_RSS_FILE: rssFile }));
    if (existsSync(rssFile)) peak = Math.max(peak, Number(readFileSync(rssFile, "utf8")));
  }
  rmSync(rssFile, { force: true });
  return { ms: median(times), peakRss: peak || undefined, runs: repeats };
}

/** Runs any command (the Python peers). */
export function measureCommand(command: string, args: readonly string[], repeats: number): Measured {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(runOnce(command, args, process.env));
  return { ms: median(times), peakRss: undefined, runs: repeats };
}

/** Whether `python` can import every module named. */
export function pythonHas(python: string, modules: readonly string[]): boolean {
  const r = spawnSync(python, ["-c", `import ${modules.join(", ")}`], { encoding: "utf8" });
  return r.status === 0;
}
