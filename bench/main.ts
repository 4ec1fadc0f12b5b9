/**
 * `npm run bench`: the performance targets of issue 13, measured in one run and printed
 * next to their targets as ratios (never asserted in tests). Every figure is a whole
 * process — `node dist/src/cli/main.js <command>` as a user runs it — median of
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
 *   fix vs onnxscript         onnxscript (load + shape inference + optimize + save) ÷ fix
 *
 * Models are generated into .bench-out/ (see fixtures.ts). The Python peers use
 * $MYRIADC_PEER_PYTHON (else python3) when it imports onnx, onnxruntime and onnxscript; without
 * it the run row falls back to onnxruntime-node and the onnxscript row is skipped.
 * Set MYRIADC_CORPUS to point elsewhere than ../shared/corpus (for the zoo model).
 */
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Fixtures } from "./fixtures.js";
import { type Measured, measureCommand, measureNode, pythonHas } from "./process.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "../..");
const CLI = join(repo, "dist/src/cli/main.js");
const FLOOR = join(here, "floor.js");
const ORT_NODE = join(here, "peers/ort-run.js");
const PEERS = join(repo, "bench/peers");
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const MB = 1e6;

interface Row {
  work: string;
  measured: string;
  /** What the figure is compared with, and the ratio. */
  reference: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
}

const rows: Row[] = [];
const notes: string[] = [];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const times = (x: number) => `${x.toFixed(2)}×`;

function row(work: string, measured: string, reference: string, ratio: number | undefined, target: string, met: boolean | undefined): void {
  rows.push({ work, measured, reference, ratio: ratio === undefined ? "" : times(ratio), target, met });
}

function cli(args: string[], repeats = REPEATS): Measured {
  return measureNode(CLI, args, repeats);
}

function out(name: string): string {
  return join(scratch, name);
}

const scratch = join(repo, ".bench-out", "run");
const fixtures = new Fixtures(join(repo, ".bench-out"));

/** convert FP16 against the floor of the same work, and its peak RSS against the model size. */
function convertRows(label: string, slug: string, model: string, timeTarget: number | undefined): void {
  const xml = out(`${slug}.xml`);
  const bin = xml.replace(/\.xml$/, ".bin");
  const m = cli(["convert", model, "-o", xml, "--data-type", "FP16"]);
  const size = statSync(model).size;
  const floor = measureNode(FLOOR, [model, scratch, String(statSync(xml).size), String(statSync(bin).size)], REPEATS);
  const ratio = m.ms / floor.ms;
  row(
    `convert --data-type FP16 ${label} (${mb(size)})`,
    s(m.ms),
    `floor ${s(floor.ms)}`,
    ratio,
    timeTarget === undefined ? "(no target)" : `≤ ${times(timeTarget)} floor`,
    timeTarget === undefined ? undefined : ratio <= timeTarget,
  );
  const rss = m.peakRss ?? Number.NaN;
  const perByte = (rss - 60 * MB) / size;
  row(`  peak RSS, ${label}`, mb(rss), `(RSS − 60 MB) ÷ model`, perByte, `≤ 1.50× (≤ ${mb(1.5 * size + 60 * MB)})`, perByte <= 1.5);
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
  const ratio = large.ms / small.ms;
  row("convert mobilenet_v2 at 896² vs 224²", s(large.ms), `224²: ${s(small.ms)}`, ratio, "≤ 1.30×", ratio <= 1.3);
  const rssRatio = (large.peakRss ?? Number.NaN) / (small.peakRss ?? Number.NaN);
  row(
    "  peak RSS at 896² vs 224²",
    mb(large.peakRss ?? Number.NaN),
    `224²: ${mb(small.peakRss ?? Number.NaN)}`,
    rssRatio,
    "(no target)",
    undefined,
  );
}

function lintRow(resnet: string): void {
  const m = cli(["lint", resnet]);
  row("lint resnet18", s(m.ms), "target 0.40 s", m.ms / 400, "≤ 1.00×", m.ms <= 400);
}

const CHAIN_SIZES = [25_000, 50_000, 100_000, 200_000];
const CHAIN_LIMITS_MS: Record<string, number> = { inspect: 4000, fix: 10_000, convert: 25_000 };

function chainRows(): void {
  const files = CHAIN_SIZES.map((n) => fixtures.chain(n));
  for (const command of ["inspect", "fix", "convert"] as const) {
    const ms = files.map((file, i) => {
      const args =
        command === "inspect"
          ? ["inspect", file]
          : [command, file, "-o", out(`chain-${CHAIN_SIZES[i]}.${command === "fix" ? "onnx" : "xml"}`)];
      return cli(args).ms;
    });
    const label = (n: number) => `${n / 1000}k`;
    CHAIN_SIZES.forEach((n, i) => {
      if (i === 0) {
        row(`${command}, Add/Relu chain ${label(n)} nodes`, s(ms[i]!), "", undefined, "", undefined);
        return;
      }
      const growth = ms[i]! / ms[i - 1]!;
      const last = i === CHAIN_SIZES.length - 1;
      row(
        `${command}, Add/Relu chain ${label(n)} nodes`,
        s(ms[i]!),
        `${label(CHAIN_SIZES[i - 1]!)}: ${s(ms[i - 1]!)}`,
        growth,
        last ? "≤ 2.30×" : "",
        last ? growth <= 2.3 : undefined,
      );
    });
    const limit = CHAIN_LIMITS_MS[command]!;
    const at200k = ms.at(-1)!;
    row(`  ${command} at 200k, absolute`, s(at200k), `target ${s(limit)}`, at200k / limit, "≤ 1.00×", at200k <= limit);
  }
}

function runRow(resnet: string, python: string | undefined): void {
  const xml = out("resnet18-fp16.xml");
  if (!existsSync(xml)) cli(["convert", resnet, "-o", xml, "--data-type", "FP16"], 1);
  const input = fixtures.resnetInput();
  const ours = cli(["run", xml, "--input", `input=${input}`, "--output-dir", out("run-out")]);
  let peer: Measured;
  let peerName: string;
  if (python) {
    peer = measureCommand(python, [join(PEERS, "ort_run.py"), resnet, input, out("ort-out.npy")], REPEATS);
    peerName = "onnxruntime (Python)";
  } else {
    peer = measureNode(ORT_NODE, [resnet, input], REPEATS);
    peerName = "onnxruntime-node";
  }
  const ratio = ours.ms / peer.ms;
  row("run resnet18 FP16 IR", s(ours.ms), `${peerName} ${s(peer.ms)}`, ratio, "≤ 3.00×", ratio <= 3);
}

function peerRow(resnet: string, python: string | undefined): void {
  if (!python) {
    notes.push("onnxscript peer skipped: no Python that imports onnx, onnxruntime and onnxscript (set MYRIADC_PEER_PYTHON)");
    return;
  }
  const ours = cli(["fix", resnet, "-o", out("resnet18-fixed.onnx")]);
  const peer = measureCommand(python, [join(PEERS, "onnxscript_optimize.py"), resnet, out("resnet18-onnxscript.onnx")], REPEATS);
  const ratio = peer.ms / ours.ms;
  row("fix resnet18 vs onnxscript optimize", s(ours.ms), `onnxscript ${s(peer.ms)}`, ratio, "≥ 5.00× faster", ratio >= 5);
}

function findPython(): string | undefined {
  const python = process.env.MYRIADC_PEER_PYTHON || "python3";
  return pythonHas(python, ["onnx", "numpy", "onnxruntime", "onnxscript"]) ? python : undefined;
}

function print(startLoad: number[]): void {
  const head: Row = { work: "work", measured: "measured", reference: "compared with", ratio: "ratio", target: "target", met: undefined };
  const cells = (r: Row) => [
    r.work,
    r.measured,
    r.reference,
    r.ratio,
    r.target,
    r === head ? "" : r.met === undefined ? "" : r.met ? "met" : "MISSED",
  ];
  const all = [head, ...rows].map(cells);
  const widths = all[0]!.map((_, c) => Math.max(...all.map((r) => [...r[c]!].length)));
  const line = (r: string[]) => `| ${r.map((x, c) => x.padEnd(widths[c]!)).join(" | ")} |`;
  console.log(line(all[0]!));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of all.slice(1)) console.log(line(r));
  const judged = rows.filter((r) => r.met !== undefined);
  console.log(`\n${judged.filter((r) => r.met).length} of ${judged.length} targets met.`);
  for (const n of notes) console.log(`note: ${n}`);
  const end = loadavg();
  console.log(
    `Node ${process.version}, ${cpus().length} cores; load average ${startLoad[0]!.toFixed(1)} at start, ${end[0]!.toFixed(1)} at end ` +
      "(wall times on a shared machine move with its load; compare ratios measured in the same run).",
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
  convertRows("resnet18", "resnet18", resnet, 3.5);
  convertRows("resnet18 ×1.5 wide", "resnet18-wide", fixtures.wideResnet(), undefined);
  resolutionRows(corpus);
  lintRow(resnet);
  chainRows();
  runRow(resnet, python);
  peerRow(resnet, python);
  print(startLoad);
}

main();
