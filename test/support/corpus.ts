/**
 * Locating ../shared/corpus. Tests that need it skip with a clear message when it is absent
 * (a plain clone without the shared folder), and fail when it is present but empty, so they
 * never pass vacuously.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const CORPUS = process.env.MYRIADC_CORPUS ?? resolve(REPO_ROOT, "..", "shared", "corpus");
export const corpusAvailable = existsSync(join(CORPUS, "onnx-backend")) && existsSync(join(CORPUS, "zoo"));

export const CORPUS_MISSING_MESSAGE = `shared corpus not found at ${CORPUS} (set MYRIADC_CORPUS or place shared/ beside the repo); corpus tests are skipped`;

export function warnIfCorpusMissing(): void {
  if (!corpusAvailable) console.warn(`SKIP: ${CORPUS_MISSING_MESSAGE}`);
}

export interface CorpusModel {
  /** e.g. "node/test_abs" or "zoo/mobilenet_v2_op11" */
  id: string;
  model: string;
  /** input_*.pb / input_*.npy files in order, and the matching reference outputs. */
  inputs: string[];
  outputs: string[];
}

function sortedByIndex(files: string[]): string[] {
  const idx = (f: string) => Number(/_(\d+)\./.exec(f)?.[1] ?? 0);
  return files.sort((a, b) => idx(a) - idx(b));
}

/** Backend-test style folders: <dir>/model.onnx + test_data_set_0/{input,output}_N.pb */
export function backendModels(category: "node" | "pytorch-converted" | "pytorch-operator" | "simple"): CorpusModel[] {
  const dir = join(CORPUS, "onnx-backend", category);
  if (!existsSync(dir)) return [];
  const out: CorpusModel[] = [];
  for (const name of readdirSync(dir).sort()) {
    const model = join(dir, name, "model.onnx");
    if (!existsSync(model)) continue;
    const data = join(dir, name, "test_data_set_0");
    const files = existsSync(data) ? readdirSync(data) : [];
    out.push({
      id: `${category}/${name}`,
      model,
      inputs: sortedByIndex(files.filter((f) => f.startsWith("input_"))).map((f) => join(data, f)),
      outputs: sortedByIndex(files.filter((f) => f.startsWith("output_"))).map((f) => join(data, f)),
    });
  }
  return out;
}

/** The "light" models: <name>.onnx with <name>_output_0.pb and no inputs. */
export function lightModels(): CorpusModel[] {
  const dir = join(CORPUS, "onnx-backend", "light");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".onnx"))
    .sort()
    .map((f) => {
      const base = f.slice(0, -5);
      return { id: `light/${base}`, model: join(dir, f), inputs: [], outputs: [join(dir, `${base}_output_0.pb`)] };
    });
}

/** Zoo models: model.onnx + input_N.npy + output_N.npy */
export function zooModels(): CorpusModel[] {
  const dir = join(CORPUS, "zoo");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => statSync(join(dir, d)).isDirectory() && existsSync(join(dir, d, "model.onnx")))
    .sort()
    .map((d) => {
      const files = readdirSync(join(dir, d));
      return {
        id: `zoo/${d}`,
        model: join(dir, d, "model.onnx"),
        inputs: sortedByIndex(files.filter((f) => /^input_\d+\.npy$/.test(f))).map((f) => join(dir, d, f)),
        outputs: sortedByIndex(files.filter((f) => /^output_\d+\.npy$/.test(f))).map((f) => join(dir, d, f)),
      };
    });
}

/** Every ONNX file under a folder (for load-only sweeps). */
export function onnxFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".onnx")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}
