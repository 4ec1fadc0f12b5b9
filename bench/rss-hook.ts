/**
 * Preloaded into every node process the bench measures (`node --import`): writes the
 * process's peak resident memory (bytes) and CPU time (user + system, every thread, ms) to
 * $MYRIADC_BENCH_RSS_FILE at exit, so the command itself needs no bench hooks.
 */
import { writeFileSync } from "node:fs";

const target = process.env.MYRIADC_BENCH_RSS_FILE;
if (target) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ peakRss: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
