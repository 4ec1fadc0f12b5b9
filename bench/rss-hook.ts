/**
 * Preloaded into every node process the bench measures (`node --import`): writes the
 * process's peak resident memory, in bytes, to $MYRIADC_BENCH_RSS_FILE at exit, so the
 * command itself needs no bench hooks.
 */
import { writeFileSync } from "node:fs";

const target = process.env.MYRIADC_BENCH_RSS_FILE;
if (target) process.on("exit", () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
