/**
 * `myriadc report` without a browser (test/browser draws the same files in Chromium): the file
 * is self-contained, its data agrees with `lint --format json`, `inspect --json` and
 * `convert`, every source node names the IR layers it became, convert and calibration flags
 * reach the model card, and bad input is one line naming the file, exit 2, nothing written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "../../scripts/build-web.mjs";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { loadModel } from "../../src/frontends/load-model.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { attr } from "../../src/ir/attribute.js";
import { Tensor } from "../../src/ir/tensor.js";
import type { ReportData } from "../../src/report/report-data.js";
import { GraphBuilder } from "../support/build.js";
import { CORPUS, corpusAvailable, warnIfCorpusMissing } from "../support/corpus.js";

warnIfCorpusMissing();

const dir = mkdtempSync(join(tmpdir(), "myriadc-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The report inlines the built viewer: build it from this checkout (written atomically, so
// the browser tests rebuilding it at the same time do no harm).
beforeAll(() => buildWeb(), 120_000);

/** Conv 3→4 (3×3, pad 1) and Relu on a 1×3×8×8 image: 3·4·9·64 = 6,912 MACs. */
function convModel(): string {
  const b = new GraphBuilder(13);
  const x = b.input("image", "float32", [1, 3, 8, 8]);
  const w = b.const(
    "w",
    Tensor.fromArray(
      "float32",
      [4, 3, 3, 3],
      Float32Array.from({ length: 108 }, (_, i) => (i % 7) / 10 - 0.3),
    ),
  );
  const c = b.op("Conv", [x, w], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) })[0]!;
  b.output(b.op("Relu", [c])[0]!);
  const file = join(dir, "conv.onnx");
  saveOnnxFile(b.model(), file);
  return file;
}

async function cli(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

function reportData(html: string): ReportData {
  const text = readFileSync(html, "utf8");
  return JSON.parse(/<script type="application\/json" id="myriadc-report">(.*?)<\/script>/s.exec(text)![1]!) as ReportData;
}

describe("myriadc report", () => {
  it("writes one self-contained HTML file that fetches nothing", async () => {
    const html = join(dir, "conv.html");
    const r = await cli("report", convModel(), "-o", html);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("conv.html: 2 nodes");
    const text = readFileSync(html, "utf8");
    expect(text).toContain(`content="default-src 'none'; script-src 'unsafe-inline'`);
    // Every script and style is inline: nothing names an outside resource.
    expect(text).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(text).not.toMatch(/<link\b/i);
    expect(text.match(/<script\b/g)).toHaveLength(2);
  });

  it("agrees with lint --format json, inspect --json and convert; every source node names its IR layers", async () => {
    const model = convModel();
    const html = join(dir, "agree.html");
    expect((await cli("report", model, "-o", html, "--data-type", "FP16")).code).toBe(0);
    const data = reportData(html);
    const [source, ir] = data.graphs;
    expect(source!.nodes.map((n) => n.op)).toEqual(loadModel(model).model.graph.nodes.map((n) => n.opType));
    const lint = JSON.parse((await cli("lint", model, "--format", "json")).out) as { findings: unknown[] };
    expect(source!.findings).toEqual(lint.findings);
    const inspect = JSON.parse((await cli("inspect", model, "--json")).out) as { statistics: { macs: number; weightBytesFp16: number } };
    expect(data.card.macs).toBe(3 * 4 * 9 * 64);
    expect(data.card.macs).toBe(inspect.statistics.macs);
    expect(data.card.weightBytesFp16).toBe(inspect.statistics.weightBytesFp16);
    expect(data.card.macsPerLayer).toEqual([{ node: source!.nodes[0]!.name, op: "Conv", macs: 6912 }]);
    expect(data.card.oakEstimate).toMatch(/^≈ .* FPS .*±\d+% on 15 published models.*not a measurement/);
    // The IR drawn is the one convert writes.
    const xml = join(dir, "agree.xml");
    expect((await cli("convert", model, "-o", xml, "--data-type", "FP16")).code).toBe(0);
    // Parameters and Results are drawn as the graph's inputs and outputs, Consts on their readers.
    const layers = [...readFileSync(xml, "utf8").matchAll(/<layer [^>]*name="([^"]*)" type="([^"]*)"/g)]
      .filter((m) => !["Parameter", "Result", "Const"].includes(m[2]!))
      .map((m) => m[1]);
    expect(ir!.nodes.map((n) => n.name).sort()).toEqual([...layers].sort());
    expect(data.card.conversion).toMatchObject({ dataType: "FP16" });
    // The lowering trace: each source node became layers of that IR, and those layers point back.
    for (const n of source!.nodes) {
      expect(n.becameLayers!.length, n.name).toBeGreaterThan(0);
      for (const l of n.becameLayers!) expect(ir!.nodes.find((m) => m.name === l)?.fromSource, l).toBe(n.name);
    }
  });

  it("shows the preprocessing and the FP16 calibration it was given", async () => {
    const html = join(dir, "flags.html");
    const r = await cli(
      "report",
      convModel(),
      "-o",
      html,
      "--mean-values",
      "image[1,2,3]",
      "--reverse-input-channels",
      "--calibrate-range",
      "0,255",
    );
    expect(r.code, r.err).toBe(0);
    const { card } = reportData(html);
    expect(card.inputs[0]!.preprocessing).toEqual(["channel order reversed (RGB ↔ BGR)", "minus mean [1, 2, 3]"]);
    expect(card.calibration?.inputs).toBe("uniform values in [0, 255]");
    const lint = JSON.parse((await cli("lint", convModel(), "--format", "json", "--calibrate-range", "0,255")).out) as {
      findings: { rule: string }[];
    };
    expect(card.calibration?.findings).toEqual(lint.findings.filter((f) => f.rule.startsWith("myriad/fp16-")));
  });

  it("lists each tensor's peak against FP16's ±65504, nearest first, agreeing with the overflow findings", async () => {
    for (const range of ["0,1", "0,1e7"]) {
      const html = join(dir, `peaks-${range}.html`);
      const r = await cli("report", convModel(), "-o", html, "--calibrate-range", range);
      expect(r.code, r.err).toBe(0);
      const calibration = reportData(html).card.calibration!;
      const peaks = calibration.tensors.map((t) => t.maxAbs);
      expect(peaks.length, range).toBeGreaterThan(0);
      expect(calibration.tensorCount).toBeGreaterThanOrEqual(peaks.length);
      expect(peaks, range).toEqual([...peaks].sort((a, b) => b - a));
      const overflows = calibration.findings.some((f) => f.rule === "myriad/fp16-activation-overflow");
      expect(peaks[0]! > 65504, range).toBe(overflows);
      // Ten million times the first range: the first layers scale with the input, past FP16.
      if (range === "0,1e7") expect(overflows).toBe(true);
    }
  });

  it.skipIf(!corpusAvailable)("reports TFLite and IR models of the corpus", async () => {
    for (const rel of [
      "tflite/models/landmark_regressor_96/model.tflite",
      "openvino-ir/pairs/2_yunet_postproc_nms/postproc_yunet_top50_180x320.xml",
    ]) {
      const html = join(dir, `${rel.replace(/\W+/g, "_")}.html`);
      const r = await cli("report", join(CORPUS, rel), "-o", html);
      expect(r.code, r.err).toBe(0);
      const data = reportData(html);
      expect(data.graphs[0]!.nodes).toHaveLength(loadModel(join(CORPUS, rel)).model.graph.nodes.length);
      expect(data.card.parameters, rel).toBeGreaterThan(0);
    }
  });
});

describe("myriadc report on bad input", () => {
  const expectOneLine = (r: { code: number; out: string; err: string }, file: string, problem: RegExp) => {
    expect(r.code).toBe(2);
    const lines = r.err.trimEnd().split("\n");
    expect(lines, r.err).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(lines[0]).toMatch(problem);
  };

  it("a missing model: one line, exit 2, no report", async () => {
    const html = join(dir, "missing.html");
    expectOneLine(await cli("report", join(dir, "nope.onnx"), "-o", html), "nope.onnx", /no such file/);
    expect(existsSync(html)).toBe(false);
  });

  it("a truncated model: one line, exit 2, nothing written", async () => {
    const file = join(dir, "cut.onnx");
    writeFileSync(file, readFileSync(convModel()).subarray(0, 120));
    const before = readdirSync(dir).length;
    expectOneLine(await cli("report", file, "-o", join(dir, "cut.html")), "cut.onnx", /./);
    expect(readdirSync(dir).length).toBe(before);
  });

  it("an output that is not .html", async () => {
    const r = await cli("report", convModel(), "-o", join(dir, "report.txt"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the report is an \.html file/);
  });
});
