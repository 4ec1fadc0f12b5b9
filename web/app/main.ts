/**
 * The static page (web/index.html): a model dropped or chosen here is read, linted, converted
 * and shown with the report viewer — all in this page, nothing is sent anywhere. The IR
 * (.xml + .bin) can be downloaded; the page shows how to compile it to a .blob.
 */
import { buildReport, formatBytesText, memoryCompanion, pairedIrFiles } from "../../src/browser.js";
import { el } from "../viewer/dom.js";
import css from "../viewer/viewer.css";
import { mountViewer } from "../viewer/viewer.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface Dropped {
  model: File;
  companions: Map<string, Uint8Array>;
}

let dropped: Dropped | undefined;
const links: string[] = [];

function setStatus(text: string, error = false): void {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("error", error);
}

/** The model is the one .onnx / .xml / .tflite file; every other file is a companion (.bin, external data). */
async function pick(files: readonly File[]): Promise<Dropped | undefined> {
  const model = files.find((f) => /\.(onnx|xml|tflite)$/i.test(f.name)) ?? files[0];
  if (!model) return undefined;
  const companions = new Map<string, Uint8Array>();
  for (const f of files) if (f !== model) companions.set(f.name, new Uint8Array(await f.arrayBuffer()));
  return { model, companions };
}

function download(name: string, bytes: Uint8Array | string, type: string): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  links.push(url);
  return el("a", { href: url, download: name, class: "download", "data-file": name }, [name]);
}

async function run(): Promise<void> {
  if (!dropped) return;
  for (const u of links.splice(0)) URL.revokeObjectURL(u);
  $("downloads").replaceChildren();
  setStatus(`reading ${dropped.model.name} …`);
  // Let the status paint before the (synchronous) conversion starts.
  await new Promise((r) => setTimeout(r, 0));
  const started = performance.now();
  try {
    const bytes = new Uint8Array(await dropped.model.arrayBuffer());
    const shapes = $<HTMLInputElement>("input-shapes").value.split(/\s+/).filter(Boolean);
    const dataType = $<HTMLSelectElement>("data-type").value;
    const built = buildReport(
      { name: dropped.model.name, bytes, companion: memoryCompanion(dropped.companions) },
      { flags: { dataType, inputShape: shapes } },
    );
    mountViewer($("viewer"), built.data);
    if (built.ir) {
      // With the command line's pair record: a .xml of one download beside the .bin of another is refused, not run.
      const files = pairedIrFiles(built.ir.net, built.ir.weights);
      const xml = download(built.ir.xmlName, files.xml, "application/xml");
      const bin = download(built.ir.binName, files.bin, "application/octet-stream");
      $("downloads").replaceChildren("Download the IR: ", xml, " ", bin, ` (${formatBytesText(built.ir.weights.length)} of weights)`);
    }
    setStatus(`${dropped.model.name}: done in ${Math.round(performance.now() - started)} ms`);
    document.body.dataset.state = "done";
  } catch (e) {
    setStatus(`${dropped.model.name}: ${(e as Error).message}`, true);
    document.body.dataset.state = "error";
  }
}

function init(): void {
  const style = document.createElement("style");
  style.textContent = css;
  document.head.append(style);
  const input = $<HTMLInputElement>("file");
  input.addEventListener("change", async () => {
    dropped = await pick([...(input.files ?? [])]);
    await run();
  });
  const zone = $("drop");
  zone.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", async (ev) => {
    ev.preventDefault();
    zone.classList.remove("over");
    dropped = await pick([...(ev.dataTransfer?.files ?? [])]);
    await run();
  });
  for (const id of ["input-shapes", "data-type"]) $(id).addEventListener("change", () => void run());
  document.body.dataset.state = "ready";
}

init();
