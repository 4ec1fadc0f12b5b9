/**
 * The issue 14 fixtures as a user meets them: `myriadc convert` (in-process, the real CLI)
 * to an IR on disk, `myriadc run` of that IR on the stored inputs, and the outputs compared
 * with onnxruntime's stored ones (FP32 1e-5/1e-4, FP16 4e-3/2e-2, scaled by the output's
 * magnitude above 1).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { safeFileName } from "../../src/cli/commands/run.js";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { readNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { type Diff, diff } from "../support/compare.js";
import { REPO_ROOT } from "../support/corpus.js";

export const FIXTURES = join(REPO_ROOT, "test", "fixtures", "realworld");

export interface IoMeta {
  name: string;
  dtype: string;
  file: string;
}

export interface Meta {
  case: string;
  class: string;
  flags: { freeze?: Record<string, number>; input_shape?: Record<string, number[]> };
  inputs: IoMeta[];
  outputs: IoMeta[];
  expect: { fp16_within_tolerance: boolean; error_contains?: string[]; extra_macs?: number };
  quantized_vs_float_model?: { max_abs: number; mean_abs: number; ref_max_abs: number };
}

export const fixtureNames = (): string[] =>
  existsSync(FIXTURES)
    ? readdirSync(FIXTURES)
        .filter((d) => existsSync(join(FIXTURES, d, "meta.json")))
        .sort()
    : [];

export const readMeta = (name: string): Meta => JSON.parse(readFileSync(join(FIXTURES, name, "meta.json"), "utf8")) as Meta;

export const modelOf = (name: string) => join(FIXTURES, name, "model.onnx");

export function npy(path: string): Tensor {
  const a = readNpy(path);
  return Tensor.fromBytes(a.dtype, a.dims, a.data);
}

/** `--input-shape` flags of a fixture (what a user passes for its dynamic inputs). */
export function shapeFlags(meta: Meta): string[] {
  return Object.entries(meta.flags.input_shape ?? {}).flatMap(([k, v]) => ["--input-shape", `${k}=[${v.join(",")}]`]);
}

/** `--calibrate name=file` for every input of a fixture (its own stored inputs). */
export function calibrateFlags(name: string, meta: Meta): string[] {
  return meta.inputs.flatMap((i) => ["--calibrate", `${i.name}=${join(FIXTURES, name, i.file)}`]);
}

let scratch: string | undefined;
/** A fresh folder for one conversion (removed by cleanScratch). */
export function scratchDir(label: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), "myriadc-realworld-"));
  const d = join(scratch, `${label}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(d, { recursive: true });
  return d;
}

export function cleanScratch(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(args: string[]): Promise<CliResult> {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

/** `myriadc convert` of a fixture into a fresh folder; the IR path and what the command printed. */
export async function convert(name: string, dataType: "FP32" | "FP16", extra: string[] = []): Promise<CliResult & { xml: string }> {
  const xml = join(scratchDir(`${name}-${dataType}`), "model.xml");
  const r = await cli(["convert", modelOf(name), "-o", xml, "--data-type", dataType, ...shapeFlags(readMeta(name)), ...extra]);
  return { ...r, xml };
}

/** `myriadc run` of an IR on the fixture's inputs; each output's difference from onnxruntime's. */
export async function runAndCompare(name: string, xml: string): Promise<{ name: string; diff: Diff }[]> {
  const meta = readMeta(name);
  const out = join(xml, "..", "run");
  const r = await cli([
    "run",
    xml,
    ...meta.inputs.flatMap((i) => ["--input", `${i.name}=${join(FIXTURES, name, i.file)}`]),
    "--output-dir",
    out,
  ]);
  if (r.code !== 0) throw new Error(`myriadc run failed (${r.code}): ${r.err}`);
  return meta.outputs.map((o) => ({
    name: o.name,
    diff: diff(npy(join(out, `${safeFileName(o.name)}.npy`)), npy(join(FIXTURES, name, o.file))),
  }));
}

export const describeDiffs = (diffs: readonly { name: string; diff: Diff }[]): string =>
  diffs.map((d) => `${d.name}: max-abs ${d.diff.maxAbs.toExponential(2)}, mean-abs ${d.diff.meanAbs.toExponential(2)}`).join("; ");
