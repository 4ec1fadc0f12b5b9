/**
 * TFLite part of `npm run bench`: for each model of the TFLite corpus (../shared/corpus/tflite),
 * the time to load it (flatbuffer reading and translation to the ONNX dialect) next to a plain
 * read of the file, and the time to convert it to an FP16 IR (fix, lowering, MYRIAD
 * legalization, emission), medians of BENCH_REPEATS runs in this process. Reported, never
 * asserted.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { convertToIr } from "../src/convert.js";
import { encodeIrXml } from "../src/emit/openvino-ir.js";
import { loadTfliteBytes } from "../src/frontends/tflite/load.js";
import { readNpy } from "../src/io/npy.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timed<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
}

/** Input shapes from the case's reference inputs (dynamic dims pinned as the references are). */
function inputShapes(dir: string, names: readonly string[]): Map<string, number[]> {
  return new Map(names.map((n, i) => [n, [...readNpy(join(dir, `input_${i}.npy`)).dims]]));
}

export function benchTflite(corpusDir: string): void {
  console.log("");
  if (!existsSync(corpusDir)) {
    console.log(`tflite: no TFLite corpus at ${corpusDir}; skipped\n`);
    return;
  }
  const cases = ["models", "ops"]
    .flatMap((kind) => readdirSync(join(corpusDir, kind)).map((name) => join(corpusDir, kind, name)))
    .filter((dir) => existsSync(join(dir, "model.tflite")))
    .sort((a, b) => statSync(join(b, "model.tflite")).size - statSync(join(a, "model.tflite")).size);
  console.log(`tflite: load and convert (FP16) per corpus model, median of ${REPEATS} runs (Node ${process.version})`);
  console.log(
    `${"model".padEnd(40)} ${"KiB".padStart(8)} ${"read ms".padStart(8)} ${"load ms".padStart(8)} ${"convert ms".padStart(11)} ${"layers".padStart(7)}`,
  );
  let totalLoad = 0;
  let totalConvert = 0;
  for (const dir of cases) {
    const file = join(dir, "model.tflite");
    const reads: number[] = [];
    const loads: number[] = [];
    const converts: number[] = [];
    let layers = 0;
    for (let i = 0; i < REPEATS; i++) {
      const [bytes, readMs] = timed(() => readFileSync(file));
      const [loaded, loadMs] = timed(() => loadTfliteBytes(bytes, file));
      const shapes = inputShapes(
        dir,
        loaded.model.graph.inputs.map((v) => v.name),
      );
      const [ir, convertMs] = timed(() => {
        const converted = convertToIr(loaded.model, file, { dataType: "FP16", inputShapes: shapes });
        encodeIrXml(converted.net);
        return converted;
      });
      layers = ir.net.layers.length;
      reads.push(readMs);
      loads.push(loadMs);
      converts.push(convertMs);
    }
    totalLoad += median(loads);
    totalConvert += median(converts);
    const name = dir.split(/[\\/]/).slice(-2).join("/");
    console.log(
      `${name.padEnd(40)} ${(statSync(file).size / 1024).toFixed(1).padStart(8)} ${median(reads).toFixed(2).padStart(8)} ` +
        `${median(loads).toFixed(2).padStart(8)} ${median(converts).toFixed(1).padStart(11)} ${String(layers).padStart(7)}`,
    );
  }
  console.log(`${cases.length} models: load ${totalLoad.toFixed(0)} ms, convert ${totalConvert.toFixed(0)} ms in all\n`);
}
