/**
 * The report and the web page in a real browser (Debian's Chromium through puppeteer-core),
 * one browser for the whole file. Reports of every zoo model and of real IRs: every node is
 * drawn, a flagged node's click shows its findings exactly as `lint --format json` gives them,
 * the console stays clean and nothing is fetched. A 5,000-node graph opens (the time is
 * printed, not asserted). The web page converts a model dropped through its file input, and
 * the IR it offers for download is what `myriadc convert` writes, byte for byte apart from its own pair id.
 */

import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "../../scripts/build-web.mjs";
import { chromiumMissing, launchChromium } from "../../scripts/chromium.mjs";
import { viewerScriptPath } from "../../src/cli/commands/report.js";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { loadModel } from "../../src/frontends/load-model.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { PAIR_TRAILER_BYTES } from "../../src/frontends/openvino/ir-pair.js";
import { reportGraph } from "../../src/report/build-report.js";
import { renderReportHtml } from "../../src/report/render-html.js";
import type { ReportData, ReportFinding } from "../../src/report/report-data.js";
import { CORPUS, corpusAvailable, REPO_ROOT, warnIfCorpusMissing } from "../support/corpus.js";
import { residualChain } from "./large-model.js";

const missing = chromiumMissing();
if (missing) console.warn(`SKIP: ${missing}`);
warnIfCorpusMissing();

const dir = mkdtempSync(join(tmpdir(), "myriadc-browser-"));
let chromium: { browser: Browser; close(): Promise<void> } | undefined;

beforeAll(async () => {
  if (missing) return;
  await buildWeb(); // the tests see the viewer and page of this checkout
  chromium = await launchChromium();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  errors: string[];
  /** Requests for anything but the page's own file, inline data and blob: URLs. */
  fetched: string[];
}

async function open(url: string, downloadPath?: string): Promise<Opened> {
  const context = downloadPath
    ? await chromium!.browser.createBrowserContext({ downloadBehavior: { policy: "allow", downloadPath } })
    : chromium!.browser.defaultBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const errors: string[] = [];
  const fetched: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => {
    if (!/^(data|blob):/.test(r.url()) && r.url() !== url && !r.url().startsWith(pathToFileURL(join(REPO_ROOT, "dist", "web")).href))
      fetched.push(r.url());
  });
  await page.goto(url);
  return { page, errors, fetched };
}

async function report(model: string, name: string, flags: string[] = []): Promise<{ html: string; data: ReportData }> {
  const html = join(dir, `${name}.html`);
  const io = memoryIO();
  expect(await runCli(["report", model, "-o", html, ...flags], io), io.err).toBe(0);
  const text = readFileSync(html, "utf8");
  const json = /<script type="application\/json" id="myriadc-report">(.*?)<\/script>/s.exec(text)![1]!;
  return { html, data: JSON.parse(json) as ReportData };
}

async function lintJson(model: string): Promise<ReportFinding[]> {
  const io = memoryIO();
  await runCli(["lint", model, "--format", "json"], io);
  return (JSON.parse(io.out) as { findings: ReportFinding[] }).findings;
}

/** Searches a node by name and clicks it in the graph; returns the details panel's findings. */
interface ShownFinding {
  message: string;
  suggestion: string | null;
  whyNot: string | null;
  rule: string;
  json: string;
}

async function clickNode(page: Page, name: string): Promise<ShownFinding[]> {
  await page.click(".search", { count: 3 });
  await page.type(".search", name);
  await page.waitForSelector(".search-results li");
  await page.click(".search-results li");
  const node = await page.waitForSelector(`.graph-view[data-graph="source"] g.node[data-name="${CSS.escape(name)}"]`);
  await node!.click();
  await page.waitForSelector(`.details[data-node="${CSS.escape(name)}"]`);
  return page.$$eval(".details .finding", (els) =>
    els.map((e) => ({
      rule: e.querySelector(".rule")!.textContent!,
      message: e.querySelector(".message")!.textContent!,
      suggestion: e.querySelector(".suggestion")?.textContent ?? null,
      whyNot: e.querySelector(".why-not-fixable")?.textContent ?? null,
      json: e.querySelector(".finding-json")!.textContent!,
    })),
  );
}

// CSS.escape for Node (the selectors are built here, used in the page).
const CSS = { escape: (s: string) => s.replace(/["\\]/g, "\\$&") };

function zooModels(): string[] {
  const zoo = join(CORPUS, "zoo");
  return existsSync(zoo) ? readdirSync(zoo).filter((m) => existsSync(join(zoo, m, "model.onnx"))) : [];
}

/** A few TFLite and IR models of the corpus (the TFLite mobilenet has a dynamic batch: drawn and linted, not converted). */
const CORPUS_MODELS = [
  "tflite/models/blaze_like_detector_128/model.tflite",
  "tflite/models/landmark_regressor_96/model.tflite",
  "tflite/models/mobilenet_v2_035_96/model.tflite",
  "openvino-ir/samples/luxonis+depthai-experiments/reshaping-openvino-model/model/face-detection-retail-0004.xml",
  "openvino-ir/pairs/2_yunet_postproc_nms/postproc_yunet_top50_180x320.xml",
];

describe.skipIf(missing !== undefined)("the report in Chromium", () => {
  it.skipIf(!corpusAvailable)("the zoo is there to test", () => {
    expect(zooModels().length).toBeGreaterThan(5);
  });

  for (const m of zooModels()) {
    it(`zoo ${m}: every node drawn, findings shown as lint --format json gives them, no console error`, async () => {
      const file = join(CORPUS, "zoo", m, "model.onnx");
      const { html, data } = await report(file, m);
      const { page, errors, fetched } = await open(pathToFileURL(html).href);
      await page.waitForSelector("#app[data-ready='1']");
      const drawn = await page.$$eval('.graph-view[data-graph="source"] g.node.op', (x) => x.length);
      expect(drawn).toBe(loadModel(file).model.graph.nodes.length);
      if (data.graphs[1]) {
        await page.click('button[data-mode="ir"]');
        const ir = await page.$$eval('.graph-view[data-graph="ir"] g.node.op', (x) => x.length);
        expect(ir).toBe(data.graphs[1].nodes.length);
        await page.click('button[data-mode="source"]');
      }
      // The lowering trace: the heaviest layer's details list the IR layers it became, and the link leads there.
      const heaviest = data.card.macsPerLayer[0];
      if (heaviest && data.graphs[1]) {
        await clickNode(page, heaviest.node);
        const became = data.graphs[0]!.nodes.find((n) => n.name === heaviest.node)!.becameLayers!;
        expect(became.length).toBeGreaterThan(0);
        expect(await page.$$eval(".details .trace .layer-link", (x) => x.map((e) => e.textContent))).toEqual(became);
        await page.click(".details .trace .layer-link");
        await page.waitForSelector(`.details[data-node="${CSS.escape(became[0]!)}"]`);
        await page.waitForSelector(`.graph-view[data-graph="ir"] g.node[data-name="${CSS.escape(became[0]!)}"]`);
        await page.click('button[data-mode="source"]');
      }
      const lint = await lintJson(file);
      expect(data.graphs[0]!.findings).toEqual(lint);
      const flagged = lint.find((f) => f.node && data.graphs[0]!.nodes.some((n) => n.name === f.node));
      if (flagged) {
        const shown = await clickNode(page, flagged.node);
        const expected = lint.filter((f) => f.node === flagged.node);
        expect(shown.map((s) => s.message)).toEqual(expected.map((f) => f.message));
        expect(shown.map((s) => s.suggestion)).toEqual(expected.map((f) => f.suggestion));
        expect(shown.map((s) => s.whyNot)).toEqual(expected.map((f) => (f.whyNotFixable ? `not fixable: ${f.whyNotFixable}` : null)));
        expect(shown.map((s) => s.rule)).toEqual(expected.map((f) => f.rule));
        expect(shown.map((s) => JSON.parse(s.json))).toEqual(expected);
      }
      expect(errors).toEqual([]);
      expect(fetched).toEqual([]);
      await page.close();
    });
  }

  it.skipIf(!corpusAvailable)("TFLite models and real IRs: every node drawn, flagged nodes show their findings", async () => {
    for (const rel of CORPUS_MODELS) {
      const file = join(CORPUS, rel);
      const { html, data } = await report(file, rel.replace(/\W+/g, "_"));
      const { page, errors } = await open(pathToFileURL(html).href);
      await page.waitForSelector("#app[data-ready='1']");
      expect(await page.$$eval('.graph-view[data-graph="source"] g.node.op', (x) => x.length), rel).toBe(
        loadModel(file).model.graph.nodes.length,
      );
      if (data.graphs[1]) {
        await page.click('button[data-mode="ir"]');
        expect(await page.$$eval('.graph-view[data-graph="ir"] g.node.op', (x) => x.length), rel).toBe(data.graphs[1].nodes.length);
        await page.click('button[data-mode="source"]');
      }
      const lint = await lintJson(file);
      expect(data.graphs[0]!.findings).toEqual(lint);
      const flagged = lint.find((f) => f.node && data.graphs[0]!.nodes.some((n) => n.name === f.node));
      if (flagged) {
        const shown = await clickNode(page, flagged.node);
        expect(shown.map((s) => s.message)).toEqual(lint.filter((f) => f.node === flagged.node).map((f) => f.message));
      }
      expect(errors, rel).toEqual([]);
      await page.close();
    }
  });

  it("refused layers: the card lists them, their nodes are red and say why, and why fix cannot help", async () => {
    const { GraphBuilder } = await import("../support/build.js");
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 2, 4, 4]);
    const y = b.op("Relu", [x])[0]!;
    // Lint cuts the Einsum out to check what follows it.
    b.output(b.op("Sin", [b.op("Einsum", [y, y], { equation: { type: "string", value: "bchw,bchw->bc" } })[0]!])[0]!);
    const file = join(dir, "refused.onnx");
    saveOnnxFile(b.model(), file);
    const { html, data } = await report(file, "refused");
    const lint = await lintJson(file);
    const refused = lint.filter((f) => f.severity === "error");
    // Einsum has no OpenVINO opset1–10 layer; Sin has one that MYRIAD lacks, and no exact rewrite.
    expect(refused.map((f) => f.op).sort()).toEqual(["Einsum", "Sin"]);
    const sin = refused.find((f) => f.op === "Sin")!;
    expect(sin.whyNotFixable).toEqual(expect.any(String));
    const { page, errors } = await open(pathToFileURL(html).href);
    await page.waitForSelector("#app[data-ready='1']");
    expect((await page.$$eval("g.node.severity-error", (x) => x.map((e) => e.getAttribute("data-name")))).sort()).toEqual(
      refused.map((f) => f.node).sort(),
    );
    expect(await page.$$eval(".card .refused .finding .message", (x) => x.map((e) => e.textContent))).toEqual(
      refused.map((f) => f.message),
    );
    const shown = await clickNode(page, sin.node);
    expect(shown.map((s) => s.message)).toEqual([sin.message]);
    expect(shown.map((s) => s.whyNot)).toEqual([`not fixable: ${sin.whyNotFixable}`]);
    expect(shown.map((s) => JSON.parse(s.json))).toEqual([sin]);
    expect(data.card.conversion).toHaveProperty("error");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a 5,000-node graph opens (time printed); what is off screen is drawn when scrolled to", async () => {
    const model = residualChain(1000);
    expect(model.graph.nodes.length).toBe(5000);
    // The viewer's part is measured here: the graph and an empty card, without convert and lint.
    const data: ReportData = {
      schemaVersion: 1,
      generator: "test",
      model: { name: "residual-5000", format: "onnx" },
      graphs: [reportGraph("source", "ONNX (as given)", model.graph, [])],
      card: {
        inputs: [],
        outputs: [],
        parameters: 0,
        weightBytesFp16: 0,
        macs: null,
        macsByOp: {},
        macsPerLayer: [],
        oakEstimate: null,
        refused: [],
        calibration: null,
        conversion: null,
      },
      compile: null,
    };
    const html = join(dir, "large.html");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(html, renderReportHtml(data, readFileSync(viewerScriptPath(), "utf8")));
    const started = Date.now();
    const { page, errors } = await open(pathToFileURL(html).href);
    await page.waitForSelector("#app[data-ready='1']");
    const wall = Date.now() - started;
    const inPage = await page.$eval("#app", (e) => e.getAttribute("data-ready-ms"));
    const drawn = await page.$$eval('.graph-view[data-graph="source"] g.node.op', (x) => x.length);
    console.log(`5,000-node graph: open to first drawn frame ${wall} ms (viewer ${inPage} ms), ${drawn} nodes drawn in view`);
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThan(5000);
    const last = model.graph.nodes.at(-1)!.name;
    await clickNode(page, last);
    expect(await page.$$eval(`g.node[data-name="${last}"]`, (x) => x.length)).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.skipIf(missing !== undefined)("web/index.html in Chromium", () => {
  it.skipIf(!corpusAvailable)("converts a model from the file input; the downloaded IR is what myriadc convert writes", async () => {
    const zooDir = join(CORPUS, "zoo", "squeezenet1_1_op11");
    const downloads = join(dir, "downloads");
    const { page, errors, fetched } = await open(pathToFileURL(join(REPO_ROOT, "web", "index.html")).href, downloads);
    expect(await page.$eval("body", (b) => b.textContent)).toContain("Nothing leaves this machine");
    await page.waitForSelector("body[data-state='ready']");
    await page.select("#data-type", "FP16");
    await page.type("#input-shapes", "input_0=[1,3,160,160]");
    await page.keyboard.press("Tab"); // the field's change event fires now, before the model is chosen
    const input = await page.$("#file");
    await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(join(zooDir, "model.onnx"));
    await page.waitForSelector("body[data-state='done']", { timeout: 60_000 });
    expect(await page.$$eval('.graph-view[data-graph="source"] g.node.op', (x) => x.length)).toBe(
      loadModel(join(zooDir, "model.onnx")).model.graph.nodes.length,
    );
    expect(await page.$eval('pre[data-command="myriadc"]', (e) => e.textContent)).toBe("myriadc compile model.xml -o model.blob");
    expect(await page.$eval('pre[data-command="compile_tool"]', (e) => e.textContent)).toBe(
      "compile_tool -m model.xml -d MYRIAD -o model.blob -c myriad.conf",
    );
    await page.click('a.download[data-file="model.xml"]');
    await page.click('a.download[data-file="model.bin"]');
    const done = async () => {
      for (let i = 0; i < 200; i++) {
        if (["model.xml", "model.bin"].every((f) => existsSync(join(downloads, f)))) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("the downloads did not arrive");
    };
    await done();
    // The same model, flags and name through the command line (run where the model is, as the page names it).
    const cli = join(dir, "cli");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(cli);
    copyFileSync(join(zooDir, "model.onnx"), join(cli, "model.onnx"));
    const cwd = process.cwd();
    process.chdir(cli);
    try {
      const io = memoryIO();
      expect(
        await runCli(["convert", "model.onnx", "-o", "out.xml", "--data-type", "FP16", "--input-shape", "input_0=[1,3,160,160]"], io),
        io.err,
      ).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    // Both carry a pair record (ir-pair.ts: two rt_info entries, a 24-byte .bin trailer), each with its own pair id:
    // apart from the ids the files are the same, and each .xml reads with its own .bin only.
    const pairId = (xml: string) => /<myriadc_pair_id value="([0-9a-f]{32})"\/>/.exec(xml)?.[1];
    const cliXml = readFileSync(join(cli, "out.xml"), "utf8");
    const cliBin = readFileSync(join(cli, "out.bin"));
    const pageXml = readFileSync(join(downloads, "model.xml"), "utf8");
    const pageBin = readFileSync(join(downloads, "model.bin"));
    const [cliId, pageId] = [pairId(cliXml), pairId(pageXml)];
    expect(cliId).toBeDefined();
    expect(pageId).toBeDefined();
    expect(pageId).not.toBe(cliId);
    expect(pageXml).toBe(cliXml.replace(cliId!, pageId!));
    expect(pageBin.length).toBe(cliBin.length);
    const weights = cliBin.length - PAIR_TRAILER_BYTES;
    expect(pageBin.subarray(0, weights).equals(cliBin.subarray(0, weights))).toBe(true);
    expect(loadModel(join(downloads, "model.xml")).model.graph.nodes.length).toBeGreaterThan(0);
    copyFileSync(join(cli, "out.bin"), join(downloads, "model.bin"));
    expect(() => loadModel(join(downloads, "model.xml"))).toThrow(/does not belong to this \.xml/);
    expect(errors).toEqual([]);
    expect(fetched).toEqual([]);
    await page.close();
  });
});
