#!/usr/bin/env node
// `npm run screenshot`: the README's picture of a report (docs/report.png), made with the
// browser set-up of the browser tests. Needs the build (npm run build) and the shared corpus.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromiumMissing, launchChromium } from "./chromium.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const corpus = process.env.MYRIADC_CORPUS ?? join(root, "..", "shared", "corpus");
const model = join(corpus, "zoo", "mobilenet_v2_op11", "model.onnx");
const out = join(root, "docs", "report.png");

const missing = chromiumMissing();
if (missing) {
  console.error(missing);
  process.exit(2);
}
const { runCli } = await import(pathToFileURL(join(root, "dist/src/cli/program.js")).href);
const work = mkdtempSync(join(tmpdir(), "myriadc-shot-"));
const html = join(work, "report.html");
const io = { stdout: () => {}, stderr: (t) => process.stderr.write(t), isTTY: false };
if ((await runCli(["report", model, "-o", html, "--data-type", "FP16"], io)) !== 0) process.exit(1);
const { browser, close } = await launchChromium();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 860 });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector("#app[data-ready='1']");
  // Select the first node with a finding, as a user would: search it, then click it.
  const name = await page.$eval("g.node.severity-warning, g.node.severity-error", (e) => e.getAttribute("data-name"));
  await page.type(".search", name);
  await page.click(".search-results li");
  await page.click(`g.node[data-name="${name}"]`);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`${out}: report of ${model}, node ${name} selected`);
} finally {
  await close();
  rmSync(work, { recursive: true, force: true });
}
