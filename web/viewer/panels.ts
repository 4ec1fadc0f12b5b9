/** The side panels: the model card, and the details of the selected node. */
import type { ReportCard, ReportData, ReportFinding, ReportGraph, ReportNode, ReportTensor } from "../../src/report/report-data.js";
import { bytes, count, el } from "./dom.js";
import type { DrawnNode } from "./layout.js";

/** A finding as lint gives it: rule, severity, message, suggestion, fixable, why not; the JSON object below. */
export function findingView(f: ReportFinding): HTMLElement {
  return el("div", { class: `finding severity-${f.severity}`, "data-rule": f.rule }, [
    el("div", { class: "finding-head" }, [
      el("span", { class: "severity" }, [f.severity]),
      " ",
      el("code", { class: "rule" }, [f.rule]),
      f.fixable ? el("span", { class: "fixable" }, [" fixable"]) : null,
    ]),
    el("div", { class: "message" }, [f.message]),
    f.suggestion ? el("div", { class: "suggestion" }, [f.suggestion]) : null,
    f.whyNotFixable ? el("div", { class: "why-not-fixable" }, [`not fixable: ${f.whyNotFixable}`]) : null,
    el("details", {}, [el("summary", {}, ["as lint --format json"]), el("pre", { class: "finding-json" }, [JSON.stringify(f, null, 2)])]),
  ]);
}

function tensorRows(list: readonly ReportTensor[]): HTMLElement {
  return el(
    "table",
    { class: "tensors" },
    list.map((t) =>
      el("tr", {}, [el("td", { class: "tensor-name" }, [t.name]), el("td", {}, [t.type]), el("td", {}, [t.constant ? "constant" : ""])]),
    ),
  );
}

export interface DetailLinks {
  /** Shows an IR layer (by name) in the IR view. */
  showLayer(name: string): void;
  /** Shows a source node (by name) in the source view. */
  showSource(name: string): void;
}

export function nodeDetails(graph: ReportGraph, drawn: DrawnNode, links: DetailLinks): HTMLElement {
  const n: ReportNode | undefined = drawn.node;
  if (!n) {
    const t = [...graph.inputs, ...graph.outputs].find((x) => x.name === drawn.tensor);
    const own = graph.findings.filter((f) => f.node === drawn.tensor);
    return el("div", { class: "details" }, [
      el("h2", {}, [drawn.kind === "input" ? "Input" : "Output"]),
      el("div", { class: "node-name" }, [drawn.tensor ?? ""]),
      el("div", {}, [t?.type ?? "?"]),
      ...own.map(findingView),
    ]);
  }
  const findings = n.findings.map((i) => graph.findings[i]!);
  return el("div", { class: "details", "data-node": n.name }, [
    el("h2", { class: "op" }, [n.op]),
    el("div", { class: "node-name" }, [n.name || "(unnamed)"]),
    el("div", { class: "dim" }, [`${n.domain}${n.version !== null ? ` · version ${n.version}` : ""}`]),
    n.macs !== undefined ? el("div", {}, [`${count(n.macs)} MACs`]) : null,
    findings.length ? el("h3", {}, ["Findings"]) : null,
    el("div", { class: "findings" }, findings.map(findingView)),
    n.attributes.length ? el("h3", {}, ["Attributes"]) : null,
    n.attributes.length
      ? el(
          "table",
          { class: "attributes" },
          n.attributes.map(([k, v]) => el("tr", {}, [el("td", {}, [k]), el("td", {}, [v])])),
        )
      : null,
    el("h3", {}, ["Inputs"]),
    tensorRows(n.inputs),
    el("h3", {}, ["Outputs"]),
    tensorRows(n.outputs),
    ...(n.subgraphs ?? []).map((s) => el("div", { class: "dim" }, [`${s.attribute}: a subgraph of ${s.nodes} nodes`])),
    n.becameLayers
      ? el("div", { class: "trace" }, [
          el("h3", {}, ["Became in the IR"]),
          n.becameLayers.length
            ? el(
                "ul",
                {},
                n.becameLayers.map((l) => {
                  const a = el("a", { href: "#", class: "layer-link" }, [l]);
                  a.addEventListener("click", (ev) => {
                    ev.preventDefault();
                    links.showLayer(l);
                  });
                  return el("li", {}, [a]);
                }),
              )
            : el("div", { class: "dim" }, [
                "no layer of its own: fix folded it into a constant, merged it into another node, or removed it",
              ]),
        ])
      : null,
    n.fromSource
      ? el("div", { class: "trace" }, [
          el("h3", {}, ["Made from"]),
          (() => {
            const a = el("a", { href: "#", class: "source-link" }, [n.fromSource]);
            a.addEventListener("click", (ev) => {
              ev.preventDefault();
              links.showSource(n.fromSource!);
            });
            return a;
          })(),
        ])
      : null,
  ]);
}

function row(k: string, v: Node | string): HTMLElement {
  return el("tr", {}, [el("th", {}, [k]), el("td", {}, [v])]);
}

export function modelCard(data: ReportData): HTMLElement {
  const c: ReportCard = data.card;
  const conv = c.conversion;
  return el("div", { class: "card" }, [
    el("h2", {}, ["Model card"]),
    el("table", { class: "card-table" }, [
      row("model", `${data.model.name} (${data.model.format})`),
      row("parameters", `${c.parameters.toLocaleString("en-US")} (${bytes(c.weightBytesFp16)} in FP16)`),
      row("MACs", c.macs === null ? "need static input shapes (--input-shape)" : count(c.macs)),
      row("OAK speed", c.oakEstimate ?? "needs the MACs"),
      conv === null
        ? row("IR", "the model is an IR")
        : "error" in conv
          ? row("IR", el("span", { class: "error-text" }, [`not converted: ${conv.error}`]))
          : row(
              "IR",
              `${conv.layers} layers, ${bytes(conv.weightsBytes)} of ${conv.dataType} weights; MYRIAD fixes: ${conv.myriadFixes.join(", ") || "none needed"}`,
            ),
    ]),
    el("h3", {}, ["Inputs"]),
    el(
      "ul",
      { class: "card-inputs" },
      c.inputs.map((i) =>
        el("li", {}, [
          el("span", { class: "tensor-name" }, [i.name]),
          ` ${i.type}`,
          i.preprocessing.length ? el("div", { class: "dim" }, [i.preprocessing.join("; ")]) : null,
        ]),
      ),
    ),
    el("h3", {}, ["Outputs"]),
    el(
      "ul",
      {},
      c.outputs.map((o) => el("li", {}, [el("span", { class: "tensor-name" }, [o.name]), ` ${o.type}`])),
    ),
    el("h3", {}, [`MYRIAD will refuse (${c.refused.length})`]),
    c.refused.length
      ? el("div", { class: "refused" }, c.refused.map(findingView))
      : el("div", { class: "dim" }, ["nothing: lint finds no error left"]),
    c.calibration
      ? el("div", { class: "calibration" }, [
          el("h3", {}, ["FP16 calibration"]),
          el("div", { class: "dim" }, [
            `on ${c.calibration.inputs}; FP16 overflows beyond ±65504 and the first node losing more than 1% are reported`,
          ]),
          c.calibration.findings.length
            ? el("div", {}, c.calibration.findings.map(findingView))
            : el("div", {}, ["no tensor beyond ±65504, no precision loss above 1%"]),
          el("details", {}, [
            el("summary", {}, [
              `Peak |value| per tensor, nearest ±65504 first (${c.calibration.tensors.length} of ${c.calibration.tensorCount})`,
            ]),
            el("table", { class: "fp16-tensors" }, [
              el(
                "tr",
                {},
                ["tensor", "op", "max |x|", "of 65504", "FP16 error"].map((h) => el("th", {}, [h])),
              ),
              ...c.calibration.tensors.map((t) =>
                el("tr", { class: t.maxAbs > 65504 ? "overflow" : "" }, [
                  el("td", { class: "tensor-name" }, [t.tensor]),
                  el("td", {}, [t.op]),
                  el("td", { class: "num" }, [t.maxAbs.toPrecision(4)]),
                  el("td", { class: "num" }, [`${((t.maxAbs / 65504) * 100).toFixed(t.maxAbs / 65504 < 0.01 ? 3 : 1)}%`]),
                  el("td", { class: "num" }, [`${(t.relativeError * 100).toFixed(2)}%`]),
                ]),
              ),
            ]),
          ]),
        ])
      : null,
    el("h3", {}, ["MACs by op"]),
    el(
      "table",
      { class: "macs" },
      Object.entries(c.macsByOp).map(([op, m]) => el("tr", {}, [el("td", {}, [op]), el("td", { class: "num" }, [count(m)])])),
    ),
    el("details", {}, [
      el("summary", {}, [`MACs per layer (${c.macsPerLayer.length})`]),
      el(
        "table",
        { class: "macs" },
        c.macsPerLayer.map((l) =>
          el("tr", {}, [el("td", {}, [l.node]), el("td", {}, [l.op]), el("td", { class: "num" }, [count(l.macs)])]),
        ),
      ),
    ]),
    data.compile
      ? el("div", { class: "compile" }, [
          el("h3", {}, ["Getting a .blob"]),
          el("div", { class: "dim" }, ["The .blob needs compile_tool (OpenVINO 2022.3.1) on your machine:"]),
          el("pre", { class: "command", "data-command": "myriadc" }, [data.compile.myriadc]),
          el("div", { class: "dim" }, ["or, with myriad.conf holding:"]),
          el("pre", {}, [data.compile.config]),
          el("pre", { class: "command", "data-command": "compile_tool" }, [data.compile.compileTool]),
        ])
      : null,
  ]);
}
