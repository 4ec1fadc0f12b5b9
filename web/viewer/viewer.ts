/**
 * The report viewer: the model card, the source graph and the emitted IR (one at a time or
 * side by side), search by node or tensor name, and the selected node's details. The same
 * code draws the `myriadc report` file and the browser page.
 */
import type { ReportData, ReportGraph } from "../../src/report/report-data.js";
import { el } from "./dom.js";
import { GraphView } from "./graph-view.js";
import type { DrawnNode } from "./layout.js";
import { modelCard, nodeDetails } from "./panels.js";

export interface MountedViewer {
  views: GraphView[];
  /** Milliseconds from mount to the first drawn frame of every graph. */
  readyMs: number;
}

type Mode = "source" | "ir" | "both";

function searchMatches(graph: ReportGraph, query: string): { key: string; text: string }[] {
  const q = query.toLowerCase();
  const out: { key: string; text: string }[] = [];
  for (const t of graph.inputs) if (t.name.toLowerCase().includes(q)) out.push({ key: `in:${t.name}`, text: `input ${t.name}` });
  for (const n of graph.nodes) {
    const tensor = [...n.inputs, ...n.outputs].find((t) => t.name.toLowerCase().includes(q));
    if (n.name.toLowerCase().includes(q) || n.op.toLowerCase() === q || tensor)
      out.push({
        key: `op:${n.id}`,
        text: `${n.name || "(unnamed)"} · ${n.op}${tensor && !n.name.toLowerCase().includes(q) ? ` · ${tensor.name}` : ""}`,
      });
    if (out.length >= 200) break;
  }
  for (const t of graph.outputs) if (t.name.toLowerCase().includes(q)) out.push({ key: `out:${t.name}`, text: `output ${t.name}` });
  return out;
}

export function mountViewer(root: HTMLElement, data: ReportData): MountedViewer {
  const started = performance.now();
  root.replaceChildren();
  root.classList.add("myriadc-viewer");
  const details = el("aside", { class: "details-panel" }, [
    el("div", { class: "dim" }, ["Click a node to see its op, attributes, shapes, findings and IR layers."]),
  ]);
  const panes = el("div", { class: "panes" });
  let current: GraphView | undefined;
  const views: GraphView[] = [];
  const show = (view: GraphView, node: DrawnNode): void => {
    for (const v of views) if (v !== view) v.select(undefined);
    details.replaceChildren(
      nodeDetails(view.graph, node, {
        showLayer: (name) => reveal("ir", name),
        showSource: (name) => reveal("source", name),
      }),
    );
  };
  for (const g of data.graphs) {
    const view: GraphView = new GraphView(g, (n) => show(view, n));
    views.push(view);
    panes.append(
      el("section", { class: "pane", "data-pane": g.id }, [
        el("div", { class: "pane-title" }, [g.title, ` — ${g.nodes.length} nodes`]),
        view.element,
      ]),
    );
  }
  const reveal = (graphId: ReportGraph["id"], name: string): void => {
    const view = views.find((v) => v.graph.id === graphId);
    const node = view?.graph.nodes.find((n) => n.name === name);
    if (!view || !node) return;
    if (mode !== "both") setMode(graphId);
    view.reveal(`op:${node.id}`);
    show(view, view.layout.byKey.get(`op:${node.id}`)!);
  };
  let mode: Mode = "source";
  const modeButtons = new Map<Mode, HTMLButtonElement>();
  const setMode = (m: Mode): void => {
    mode = m;
    root.dataset.mode = m;
    for (const [k, b] of modeButtons) b.classList.toggle("active", k === m);
    current = views.find((v) => v.graph.id === (m === "ir" ? "ir" : "source"));
    for (const v of views)
      if (!v.element.dataset.started && v.element.isConnected && v.element.getBoundingClientRect().width > 0) {
        v.element.dataset.started = "1";
        v.start();
      }
  };
  const toolbar = el("div", { class: "toolbar" });
  const labels: [Mode, string][] = [
    ["source", "Source graph"],
    ["ir", "OpenVINO IR"],
    ["both", "Side by side"],
  ];
  for (const [m, label] of labels) {
    if (m !== "source" && data.graphs.length < 2) continue;
    const b = el("button", { type: "button", "data-mode": m }, [label]);
    b.addEventListener("click", () => setMode(m));
    modeButtons.set(m, b);
    toolbar.append(b);
  }
  const search = el("input", { type: "search", class: "search", placeholder: "search node or tensor name", "aria-label": "search" });
  const results = el("ul", { class: "search-results" });
  search.addEventListener("input", () => {
    const q = search.value.trim();
    results.replaceChildren();
    if (!q) return;
    const targets = mode === "both" ? views : views.filter((v) => v === current);
    for (const v of targets) {
      for (const m of searchMatches(v.graph, q).slice(0, 50)) {
        const li = el("li", { "data-key": m.key }, [data.graphs.length > 1 ? `${v.graph.id === "ir" ? "IR" : "source"}: ` : "", m.text]);
        li.addEventListener("click", () => {
          v.reveal(m.key);
          show(v, v.layout.byKey.get(m.key)!);
          results.replaceChildren();
        });
        results.append(li);
      }
    }
  });
  const zoomIn = el("button", { type: "button", title: "zoom in" }, ["+"]);
  const zoomOut = el("button", { type: "button", title: "zoom out" }, ["−"]);
  const fit = el("button", { type: "button", class: "fit", title: "whole graph in view" }, ["Fit"]);
  const forVisible = (f: (v: GraphView) => void) => {
    for (const v of views) if (mode === "both" || v === current) f(v);
  };
  zoomIn.addEventListener("click", () => forVisible((v) => v.zoom(1.25)));
  zoomOut.addEventListener("click", () => forVisible((v) => v.zoom(0.8)));
  fit.addEventListener("click", () => forVisible((v) => v.fit()));
  toolbar.append(el("span", { class: "search-box" }, [search, results]), zoomIn, zoomOut, fit);
  const header = el("header", {}, [el("h1", {}, [data.model.name]), el("span", { class: "dim" }, [` ${data.generator}`]), toolbar]);
  const card = el("aside", { class: "card-panel" }, [modelCard(data)]);
  root.append(header, el("main", {}, [card, panes, details]));
  setMode("source");
  // Views hidden at first (the IR) start when first shown; side by side starts both.
  const observer = new ResizeObserver(() => setMode(mode));
  observer.observe(panes);
  const readyMs = performance.now() - started;
  root.dataset.ready = "1";
  root.dataset.readyMs = readyMs.toFixed(0);
  return { views, readyMs };
}
