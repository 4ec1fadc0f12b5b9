/**
 * `npm run bench`: the performance targets of issue 13, measured in one run and printed
 * next to their targets as ratios (never asserted in tests). Every figure is a whole
 * process — `node dist/myriadc.mjs <command>` (the package's executable) as a user runs it — median of
 * BENCH_REPEATS runs (default 3); peak RSS is the largest of the runs.
 *
 *   convert FP16 resnet18     time ÷ the floor (a node process reading the model and writing
 *                             the outputs' bytes, measured here), peak RSS against the model size
 *   convert FP16 ~100 MB      the same architecture 1.5× wider: peak RSS against its size
 *   convert 224² vs 896²      one zoo model at two input sizes: time ratio
 *   lint resnet18             absolute time
 *   Add/Relu chains           inspect, fix, convert at 25k … 200k nodes: absolute at 200k and
 *                             t(200k) ÷ t(100k)
 *   run resnet18 FP16 IR      ÷ onnxruntime's whole process on the ONNX model
 *   fix vs onnxscript         onnxscript (load + shape inference + optimize + save) ÷ fix; the
 *                             floor of fix's I/O (see floor.ts) is shown beside it
 *
 * The targets are about wall time, and "met" judges the wall-time ratio. Each row also shows
 * the same ratio in CPU time (user + system of the processes): on a machine shared with other
 * work, wall times stretch with the load and unevenly between processes, CPU times much less,
 * so the CPU ratio is what a quiet machine's wall-time ratio will be close to.
 *
 * Models are generated into .bench-out/ (see fixtures.ts). The Python peers use
 * $MYRIADC_PEER_PYTHON (else python3) when it imports onnx, onnxruntime and onnxscript; without
 * it the run row falls back to onnxruntime-node and the onnxscript row is skipped.
 * Set MYRIADC_CORPUS to point elsewhere than ../shared/corpus (for the zoo model), and
 * BENCH_ONLY to a comma-separated list of sections (convert, resolution, lint, chains, run,
 * peer, tflite) to measure only those. The tflite section (bench/tflite.ts: load and FP16
 * convert time per TFLite corpus model, in this process) prints its own table after the targets.
 */
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Fixtures } from "./fixtures.js";
import { type Measured, measureNode, measurePython, pythonHas } from "./process.js";
import { benchTflite } from "./tflite.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "../..");
const CLI = join(repo, "dist/myriadc.mjs");
const FLOOR = join(here, "floor.js");
const ORT_NODE = join(here, "peers/ort-run.js");
const PEERS = join(repo, "bench/peers");
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const MB = 1e6;

/** A ratio by wall time and by CPU time; `atMost` targets want it low, `atLeast` ones high. */
interface Judged {
  wall: number;
  cpu: number | undefined;
  target: { atMost: number } | { atLeast: number };
}

interface Row {
  work: string;
  measured: string;
  /** What the figure is compared with. */
  reference: string;
  ratio: string;
  cpuRatio: string;
  target: string;
  verdict: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const times = (x: number) => `${x.toFixed(2)}×`;
/** "3.62 s (cpu 1.30 s)" */
const both = (m: Measured) => `${s(m.ms)} (cpu ${s(m.cpuMs)})`;

function meets(x: number, target: Judged["target"]): boolean {
  return "atMost" in target ? x <= target.atMost : x >= target.atLeast;
}

function row(work: string, measured: string, reference: string, judged?: Judged): void {
  if (!judged) {
    rows.push({ work, measured, reference, ratio: "", cpuRatio: "", target: "", verdict: "" });
    return;
  }
  const { wall, cpu, target } = judged;
  const wallMet = meets(wall, target);
  const cpuMet = cpu !== undefined && meets(cpu, target);
  rows.push({
    work,
    measured,
    reference,
    ratio: times(wall),
    cpuRatio: cpu === undefined ? "" : times(cpu),
    target: "atMost" in target ? `≤ ${times(target.atMost)}` : `≥ ${times(target.atLeast)}`,
    verdict: wallMet ? "met" : cpu !== undefined && cpuMet ? "MISSED (cpu: met)" : "MISSED",
  });
}

function cli(args: string[], repeats = REPEATS): Measured {
  return measureNode(CLI, args, repeats);
}

const scratch = join(repo, ".bench-out", "run");
const fixtures = new Fixtures(join(repo, ".bench-out"));
const out = (name: string) => join(scratch, name);

/** convert FP16 against the floor of the same work (when there is a time target), and its peak RSS against the model size. */
function convertRows(label: string, slug: string, model: string, timeTarget: number | undefined): void {
  const xml = out(`${slug}.xml`);
  const bin = xml.replace(/\.xml$/, ".bin");
  const m = cli(["convert", model, "-o", xml, "--data-type", "FP16"]);
  const size = statSync(model).size;
  const title = `convert --data-type FP16 ${label} (${mb(size)})`;
  if (timeTarget === undefined) row(title, both(m), "");
  else {
    const floor = measureNode(FLOOR, [model, scratch, String(statSync(xml).size), String(statSync(bin).size)], REPEATS);
    row(title, both(m), `floor ${both(floor)}`, { wall: m.ms / floor.ms, cpu: m.cpuMs / floor.cpuMs, target: { atMost: timeTarget } });
  }
  row(`  peak RSS, ${label}`, mb(m.peakRss), `(RSS − 60 MB) ÷ ${mb(size)}`, {
    wall: (m.peakRss - 60 * MB) / size,
    cpu: undefined,
    target: { atMost: 1.5 },
  });
}

function resolutionRows(corpus: string): void {
  const model = join(corpus, "zoo", "mobilenet_v2_op11", "model.onnx");
  if (!existsSync(model)) {
    notes.push(`resolution pair skipped: no ${model} (set MYRIADC_CORPUS)`);
    return;
  }
  const at = (px: number) => cli(["convert", model, "-o", out(`mbv2-${px}.xml`), "--input-shape", `input_0=[1,3,${px},${px}]`]);
  const small = at(224);
  const large = at(896);
  row("convert mobilenet_v2 at 896² vs 224²", both(large), `224²: ${both(small)}`, {
    wall: large.ms / small.ms,
    cpu: large.cpuMs / small.cpuMs,
    target: { atMost: 1.3 },
  });
  row("  peak RSS at 896² vs 224²", mb(large.peakRss), `224²: ${mb(small.peakRss)} (${times(large.peakRss / small.peakRss)})`);
}

function lintRow(resnet: string): void {
  const m = cli(["lint", resnet]);
  row("lint resnet18", both(m), "target 0.40 s", { wall: m.ms / 400, cpu: m.cpuMs / 400, target: { atMost: 1 } });
}

const CHAIN_SIZES = [25_000, 50_000, 100_000, 200_000];
const CHAIN_LIMITS_MS: Record<string, number> = { inspect: 4000, fix: 10_000, convert: 25_000 };

function chainRows(): void {
  const files = CHAIN_SIZES.map((n) => fixtures.chain(n));
  const label = (n: number) => `${n / 1000}k`;
  for (const command of ["inspect", "fix", "convert"] as const) {
    const ms = files.map((file, i) => {
      const output = out(`chain-${CHAIN_SIZES[i]}.${command === "fix" ? "onnx" : "xml"}`);
      return cli(command === "inspect" ? ["inspect", file] : [command, file, "-o", output]);
    });
    CHAIN_SIZES.forEach((n, i) => {
      const work = `${command}, Add/Relu chain ${label(n)} nodes`;
      const m = ms[i]!;
      const prev = ms[i - 1];
      if (!prev) row(work, both(m), "");
      else if (i < CHAIN_SIZES.length - 1) row(work, both(m), `${label(CHAIN_SIZES[i - 1]!)}: ${s(prev.ms)} (${times(m.ms / prev.ms)})`);
      else
        row(work, both(m), `${label(CHAIN_SIZES[i - 1]!)}: ${both(prev)}`, {
          wall: m.ms / prev.ms,
          cpu: m.cpuMs / prev.cpuMs,
          target: { atMost: 2.3 },
        });
    });
    const limit = CHAIN_LIMITS_MS[command]!;
    const last = ms.at(-1)!;
    row(`  ${command} at 200k, absolute`, both(last), `target ${s(limit)}`, {
      wall: last.ms / limit,
      cpu: last.cpuMs / limit,
      target: { atMost: 1 },
    });
  }
}

function runRow(resnet: string, python: string | undefined): void {
  const xml = out("resnet18-fp16.xml");
  cli(["convert", resnet, "-o", xml, "--data-type", "FP16"], 1);
  const input = fixtures.resnetInput();
  const ours = cli(["run", xml, "--input", `input=${input}`, "--output-dir", out("run-out")]);
  const peer = python
    ? measurePython(python, join(PEERS, "ort_run.py"), [resnet, input, out("ort-out.npy")], REPEATS)
    : measureNode(ORT_NODE, [resnet, input], REPEATS);
  const peerName = python ? "onnxruntime (Python)" : "onnxruntime-node";
  row("run resnet18 FP16 IR", both(ours), `${peerName} ${both(peer)}`, {
    wall: ours.ms / peer.ms,
    cpu: ours.cpuMs / peer.cpuMs,
    target: { atMost: 3 },
  });
}

function peerRow(resnet: string, python: string | undefined): void {
  if (!python) {
    notes.push("onnxscript peer skipped: no Python that imports onnx, onnxruntime and onnxscript (set MYRIADC_PEER_PYTHON)");
    return;
  }
  const fixed = out("resnet18-fixed.onnx");
  const ours = cli(["fix", resnet, "-o", fixed]);
  const peer = measurePython(python, join(PEERS, "onnxscript_optimize.py"), [resnet, out("resnet18-onnxscript.onnx")], REPEATS);
  // What fix cannot go below (reading the model, writing its output), for reading the ratio.
  const floor = measureNode(FLOOR, [resnet, scratch, String(statSync(fixed).size)], REPEATS);
  row("fix resnet18, onnxscript ÷ myriadc", both(ours), `onnxscript ${both(peer)}; floor ${s(floor.ms)}`, {
    wall: peer.ms / ours.ms,
    cpu: peer.cpuMs / ours.cpuMs,
    target: { atLeast: 5 },
  });
}

function findPython(): string | undefined {
  const python = process.env.MYRIADC_PEER_PYTHON || "python3";
  return pythonHas(python, ["onnx", "numpy", "onnxruntime", "onnxscript"]) ? python : undefined;
}

function print(startLoad: number[]): void {
  const head = ["work", "measured", "compared with", "ratio", "cpu ratio", "target", ""];
  const all = [head, ...rows.map((r) => [r.work, r.measured, r.reference, r.ratio, r.cpuRatio, r.target, r.verdict])];
  const widths = head.map((_, c) => Math.max(...all.map((r) => [...r[c]!].length)));
  const line = (r: string[]) => `| ${r.map((x, c) => x.padEnd(widths[c]!)).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of all.slice(1)) console.log(line(r));
  const judged = rows.filter((r) => r.verdict !== "");
  const byCpu = judged.filter((r) => r.verdict === "MISSED (cpu: met)").length;
  console.log(`\n${judged.filter((r) => r.verdict === "met").length} of ${judged.length} targets met (${byCpu} more met by CPU time).`);
  for (const n of notes) console.log(`note: ${n}`);
  const end = loadavg();
  console.log(
    `Node ${process.version}, ${cpus().length} cores; load average ${startLoad[0]!.toFixed(1)} at start, ${end[0]!.toFixed(1)} at end ` +
      "(wall times on a shared machine stretch with its load; CPU ratios much less).",
  );
}

function main(): void {
  if (!existsSync(CLI)) throw new Error(`bench: ${CLI} is missing (npm run build)`);
  const startLoad = loadavg();
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const corpus = process.env.MYRIADC_CORPUS ?? resolve(repo, "..", "shared", "corpus");
  const python = findPython();
  const resnet = fixtures.resnet18();
  console.log(`bench: ${REPEATS} run(s) per figure, each a fresh process; models in ${fixtures.dir}\n`);
  const only = process.env.BENCH_ONLY?.split(",").map((x) => x.trim());
  const section = (name: string, measure: () => void) => {
    if (!only || only.includes(name)) measure();
  };
  section("convert", () => {
    convertRows("resnet18", "resnet18", resnet, 3.5);
    convertRows("resnet18 ×1.5 wide", "resnet18-wide", fixtures.wideResnet(), undefined);
  });
  section("resolution", () => resolutionRows(corpus));
  section("lint", () => lintRow(resnet));
  section("chains", chainRows);
  section("run", () => runRow(resnet, python));
  section("peer", () => peerRow(resnet, python));
  print(startLoad);
  section("tflite", () => benchTflite(join(corpus, "tflite")));
}

main();
