/**
 * Whole-process measurements: a command is run `repeats` times, each in a fresh process.
 * Kept per command: the median wall time (what the targets are about), the median CPU time
 * (user + system of the process; on a shared machine it moves far less with the load than
 * the wall time does) and the largest peak RSS. Node scripts report CPU and RSS through the
 * preloaded rss-hook, Python ones through a small runpy wrapper. A command that fails stops
 * the bench with its stderr.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Measured {
  /** Median wall time over the runs. */
  ms: number;
  /** Median CPU time (user + system) over the runs. */
  cpuMs: number;
  /** Largest peak RSS over the runs, in bytes. */
  peakRss: number;
  runs: number;
}

const RSS_HOOK = fileURLToPath(new URL("./rss-hook.js", import.meta.url));

/** Runs a Python script as `python script args…` would, then reports like rss-hook (ru_maxrss is in KiB on Linux). */
const PYTHON_WRAPPER = [
  "import json, os, resource, runpy, sys",
  "sys.argv = sys.argv[1:]",
  "try:",
  "    runpy.run_path(sys.argv[0], run_name='__main__')",
  "finally:",
  "    u = resource.getrusage(resource.RUSAGE_SELF)",
  "    with open(os.environ['MYRIADC_BENCH_RSS_FILE'], 'w') as f:",
  "        json.dump({'peakRss': u.ru_maxrss * 1024, 'cpuMs': (u.ru_utime + u.ru_stime) * 1000}, f)",
].join("\n");

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

function measure(command: string, args: readonly string[], repeats: number): Measured {
  const report = join(tmpdir(), `myriadc-bench-usage-${process.pid}`);
  const times: number[] = [];
  const cpu: number[] = [];
  let peak = 0;
  for (let i = 0; i < repeats; i++) {
    rmSync(report, { force: true });
    times.push(runOnce(command, args, { ...process.env, MYRIADC_BENCH_RSS_FILE: report }));
    if (!existsSync(report)) throw new Error(`bench: ${command} ${args.join(" ")} left no usage report`);
    const usage = JSON.parse(readFileSync(report, "utf8")) as { peakRss: number; cpuMs: number };
    cpu.push(usage.cpuMs);
    peak = Math.max(peak, usage.peakRss);
  }
  rmSync(report, { force: true });
  return { ms: median(times), cpuMs: median(cpu), peakRss: peak, runs: repeats };
}

/** Runs a script with this node binary. */
export function measureNode(script: string, args: readonly string[], repeats: number): Measured {
  return measure(process.execPath, ["--import", RSS_HOOK, script, ...args], repeats);
}

/** Runs a Python script with `python` (the peers), interpreter start included. */
export function measurePython(python: string, script: string, args: readonly string[], repeats: number): Measured {
  return measure(python, ["-c", PYTHON_WRAPPER, script, ...args], repeats);
}

/** Whether `python` can import every module named. */
export function pythonHas(python: string, modules: readonly string[]): boolean {
  const r = spawnSync(python, ["-c", `import ${modules.join(", ")}`], { encoding: "utf8" });
  return r.status === 0;
}
