/**
 * `npm run bench`: speed and memory, reported as ratios measured in one run (never asserted
 * in tests). Each measurement runs in a fresh child process so peak RSS belongs to it alone.
 *
 *   load   — loadOnnxFile on each zoo model (median of 7) next to a plain readFileSync of the
 *            same file (the floor any loader pays), and the child's peak RSS after one load.
 *   fix    — load + the `fix` pipeline + encoding the result, likewise; with the node count left
 *            next to onnxscript's optimizer's (bench/peers/onnxscript-node-counts.json).
 *   convert-fp32 / convert-fp16 — load + fix + lowering + MYRIAD legalization + IR emission
 *            (.xml text and .bin bytes).
 *   lint   — `lint --target myriad` on the ONNX file (two lowerings: as given and after fix).
 *
 * Set MYRIADC_CORPUS to point elsewhere than ../shared/corpus.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { convertToIr } from "../src/convert.js";
import { encodeIrXml } from "../src/emit/openvino-ir.js";
import { loadOnnxFile } from "../src/frontends/load-model.js";
import { encodeOnnx } from "../src/frontends/onnx/save.js";
import { lintFile } from "../src/lint/lint-file.js";
import { runPipeline } from "../src/passes/manager.js";
import { fixPipeline } from "../src/passes/pipelines.js";
import { benchTflite } from "./tflite.js";

/** One unit of work per benchmark kind; returns the node count it ends with. */
const WORK: Record<string, (file: string) => number> = {
  load: (file) => loadOnnxFile(file).model.graph.nodes.length,
  fix: (file) => {
    const { model } = loadOnnxFile(file);
    runPipeline(model, fixPipeline());
    encodeOnnx(model);
    return model.graph.nodes.length;
  },
  // Includes interpreter passes on zero inputs that observe types without computing float
  // tensors (how port shapes are found today; legalization observes between its pass groups).
  "convert-fp32": (file) => {
    const ir = convertToIr(loadOnnxFile(file).model, file, { dataType: "FP32" });
    encodeIrXml(ir.net);
    return ir.net.layers.length;
  },
  "convert-fp16": (file) => {
    const ir = convertToIr(loadOnnxFile(file).model, file, { dataType: "FP16" });
    encodeIrXml(ir.net);
    return ir.net.layers.length;
  },
  lint: (file) => lintFile(file).findings.length,
};

/** onnxscript's optimizer's node counts (a committed fixture), for comparison in the fix table. */
function peerCounts(): Record<string, { before: number; after: number }> {
  const p = resolve(here, "../../../bench/peers/onnxscript-node-counts.json");
  return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as { models: Record<string, { before: number; after: number }> }).models : {};
}

const here = fileURLToPath(import.meta.url);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

interface Sample {
  /** Nodes after the work (fix only). */
  nodes?: number;
  readMs: number;
  loadMs: number;
  peakRssMiB: number;
  baselineRssMiB: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Child mode: measure one file and print JSON. */
function child(kind: string, file: string): void {
  const baselineRssMiB = process.resourceUsage().maxRSS / 1024;
  // Peak memory of one load, before repeated runs leave garbage around.
  const work = WORK[kind]!;
  const nodes = work(file);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const reads: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    let t = performance.now();
    readFileSync(file);
    reads.push(performance.now() - t);
    t = performance.now();
    work(file);
    loads.push(performance.now() - t);
  }
  const sample: Sample = { nodes, readMs: median(reads), loadMs: median(loads), peakRssMiB, baselineRssMiB };
  process.stdout.write(JSON.stringify(sample));
}

function measure(kind: string, file: string): Sample {
  const out = execFileSync(process.execPath, ["--expose-gc", here, "--child", kind, file], { encoding: "utf8" });
  return JSON.parse(out) as Sample;
}

function main(): void {
  const corpus = process.env.MYRIADC_CORPUS ?? resolve(here, "../../../../shared/corpus");
  const zoo = join(corpus, "zoo");
  if (!existsSync(zoo)) {
    console.error(`bench: no zoo at ${zoo} (set MYRIADC_CORPUS)`);
    process.exitCode = 2;
    return;
  }
  const models = readdirSync(zoo)
    .map((d) => join(zoo, d, "model.onnx"))
    .filter(existsSync)
    .sort((a, b) => statSync(b).size - statSync(a).size);
  for (const kind of Object.keys(WORK)) {
    console.log(`${kind}: median of ${REPEATS} runs per model, each model in its own process (Node ${process.version})`);
    const peers = peerCounts();
    const nodesHeader = kind === "fix" ? ` ${"nodes".padStart(6)} ${"onnxscript".padStart(10)}` : "";
    console.log(
      `${"model".padEnd(28)} ${"MiB".padStart(7)} ${"read ms".padStart(8)} ${(`${kind} ms`).padStart(8)} ${(`${kind}/read`).padStart(9)} ` +
        `${"peak RSS MiB".padStart(13)} ${"RSS/file".padStart(9)}${nodesHeader}`,
    );
    for (const m of models) {
      const s = measure(kind, m);
      const mib = statSync(m).size / 2 ** 20;
      const name = m.split("/").at(-2)!;
      console.log(
        `${name.padEnd(28)} ${mib.toFixed(2).padStart(7)} ${s.readMs.toFixed(2).padStart(8)} ${s.loadMs.toFixed(2).padStart(8)} ` +
          `${(s.loadMs / s.readMs).toFixed(1).padStart(8)}× ${s.peakRssMiB.toFixed(0).padStart(13)} ` +
          `${((s.peakRssMiB - s.baselineRssMiB) / Math.max(mib, 0.01)).toFixed(1).padStart(8)}×` +
          (kind === "fix" ? ` ${String(s.nodes).padStart(6)} ${String(peers[name]?.after ?? "-").padStart(10)}` : ""),
      );
    }
    console.log("");
  }
  console.log("RSS/file = (peak RSS − RSS at start of the child) / file size: memory held per byte of model.");
  benchTflite(join(corpus, "tflite"));
}

const args = process.argv.slice(2);
if (args[0] === "--child") child(args[1]!, args[2]!);
else main();
