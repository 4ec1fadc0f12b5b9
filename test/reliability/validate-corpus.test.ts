/**
 * The validation step must never refuse a valid model: every model of the shared corpus
 * (ONNX backend tests, zoo, the real Model Optimizer IRs, the TFLite files) goes through the
 * loading entry, which validates, and must load. Models the corpus round trip itself cannot
 * load (none today) would show here as well.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/frontends/load-model.js";
import { type IrNet, irNetFromXml } from "../../src/frontends/openvino/ir-document.js";
import { irToModel } from "../../src/frontends/openvino/to-graph.js";
import { parseXml } from "../../src/util/xml.js";
import { findModelProblems } from "../../src/validate/validate.js";
import { TFLITE_MISSING, tfliteCases, tfliteCorpusAvailable } from "../frontends/tflite/tflite-corpus.js";
import { CORPUS, corpusAvailable, onnxFilesUnder, warnIfCorpusMissing } from "../support/corpus.js";

function xmlFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".xml")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** The end of the last Const's bytes, in this net and its bodies. */
function weightsEnd(net: IrNet): number {
  let end = 0;
  for (const l of net.layers) {
    const get = (k: string) => Number(l.data?.find(([n]) => n === k)?.[1] ?? 0);
    if (l.type === "Const") end = Math.max(end, get("offset") + get("size"));
    for (const b of l.bodies) end = Math.max(end, weightsEnd(b.net));
  }
  return end;
}

function refusals(files: readonly string[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    try {
      const loaded = loadModel(f);
      const problems = findModelProblems(loaded.model, loaded.dialect);
      if (problems.length) bad.push(`${f}: ${problems[0]!.message}`);
    } catch (e) {
      if (/validation|invalid-graph/.test(String((e as { code?: string }).code))) bad.push(`${f}: ${(e as Error).message}`);
      else throw new Error(`${f}: ${(e as Error).message}`);
    }
  }
  return bad;
}

warnIfCorpusMissing();
if (!tfliteCorpusAvailable) console.warn(`SKIP: ${TFLITE_MISSING}`);

describe.skipIf(!corpusAvailable)("validation accepts every corpus model", () => {
  it("every ONNX model of the corpus (backend tests, zoo) loads through the validating entry", () => {
    const files = [...onnxFilesUnder(join(CORPUS, "onnx-backend")), ...onnxFilesUnder(join(CORPUS, "zoo"))];
    expect(files.length).toBeGreaterThan(1900);
    expect(refusals(files)).toEqual([]);
  }, 600_000);

  it("every real OpenVINO IR of the corpus passes validation (zero weights stand in for a .bin the corpus lacks)", () => {
    const files = xmlFilesUnder(join(CORPUS, "openvino-ir")).filter((f) => /<net /.test(readFileSync(f, "utf8")));
    expect(files.length).toBeGreaterThanOrEqual(18);
    const withBin = files.filter((f) => existsSync(f.replace(/\.xml$/, ".bin")));
    expect(refusals(withBin)).toEqual([]);
    const bad: string[] = [];
    for (const f of files.filter((x) => !withBin.includes(x))) {
      const net = irNetFromXml(parseXml(readFileSync(f, "utf8")));
      const model = irToModel(net, new Uint8Array(weightsEnd(net)), f);
      const problems = findModelProblems(model, "openvino");
      if (problems.length) bad.push(`${f}: ${problems[0]!.message}`);
    }
    expect(bad).toEqual([]);
  }, 600_000);
});

describe.skipIf(!tfliteCorpusAvailable)("validation accepts every TFLite corpus model", () => {
  it("every .tflite of the corpus loads through the validating entry", () => {
    const files = tfliteCases().map((c) => c.model);
    expect(files.length).toBeGreaterThan(0);
    expect(refusals(files)).toEqual([]);
  }, 600_000);
});
