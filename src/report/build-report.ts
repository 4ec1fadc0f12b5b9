/**
 * Builds the report's data from a model's bytes (node-free: `myriadc report` and the browser
 * page both call this). Each part comes from the command that owns it, run on its own copy of
 * the model: the source graph with inferred shapes, `lint` (the findings exactly as
 * `lint --format json` gives them), `convert` (the emitted IR, re-read as the user's .xml
 * would be, with the lowering trace from source nodes to IR layers), the lint of the emitted
 * IR (what MYRIAD will still refuse) and the statistics. No float activation is computed
 * unless calibration is asked for.
 */
import { modelStatistics } from "../analysis/statistics.js";
import { compileToolArgs, myriadConfigText, shellQuote } from "../backends/compile-options.js";
import { convertToIr } from "../convert.js";
import { type ConvertFlags, convertOptionsFromFlags } from "../convert-flags.js";
import { layerName } from "../emit/openvino-emitter.js";
import type { LoadedModel, ModelSource } from "../frontends/frontend.js";
import { openModel } from "../frontends/open-model.js";
import { irToModel } from "../frontends/openvino/to-graph.js";
import { type Attribute, isAttributeRef } from "../ir/attribute.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Tensor } from "../ir/tensor.js";
import { formatType } from "../ir/types.js";
import type { Value } from "../ir/value.js";
import type { Finding } from "../lint/finding.js";
import { findingJson } from "../lint/format/json.js";
import { lintOpenvino, valueTypes } from "../lint/lint.js";
import { lintLoadedModel } from "../lint/lint-model.js";
import { runPipeline } from "../passes/manager.js";
import { setInputShapes } from "../passes/onnx/input-shapes.js";
import type { InputPreprocessing } from "../passes/onnx/preprocess.js";
import { shapeInferencePass } from "../passes/onnx/shape-inference.js";
import { isMyriadcError } from "../util/errors.js";
import { VERSION } from "../version.js";
import {
  CALIBRATION_TENSORS_SHOWN,
  type ReportCard,
  type ReportCardInput,
  type ReportData,
  type ReportFinding,
  type ReportGraph,
  type ReportNode,
  type ReportTensor,
} from "./report-data.js";

export interface ReportOptions {
  /** The convert flags, read as `myriadc convert` reads them (so the IR is the one convert writes). */
  flags?: ConvertFlags;
  /** FP16 calibration inputs (by input name) or a uniform range for inputs without values. */
  calibration?: ReadonlyMap<string, Tensor>;
  calibrationRange?: readonly [number, number];
}

export interface BuiltReport {
  data: ReportData;
  /** The emitted IR, as `convert` would write it (absent when the model is an IR or did not convert). */
  ir?: { xmlName: string; binName: string; net: import("../frontends/openvino/ir-document.js").IrNet; weights: Uint8Array };
}

/** A lint finding in `lint --format json`'s shape (its own mapping, so the two cannot drift apart). */
export function reportFinding(f: Finding): ReportFinding {
  return findingJson(f);
}

function tensorRef(v: Value): ReportTensor {
  const constant = v.isInitializer && !v.isGraphInput();
  return { name: v.name, type: v.type ? formatType(v.type) : "?", ...(constant ? { constant: true } : {}) };
}

function attributeText(a: Attribute): string {
  if (isAttributeRef(a)) return `@${a.ref}`;
  switch (a.type) {
    case "int":
    case "float":
      return String(a.value);
    case "string":
      return a.value;
    case "ints":
    case "floats":
      return `[${a.value.join(", ")}]`;
    case "strings":
      return JSON.stringify(a.value);
    case "tensor": {
      const t = a.value;
      const preview = t.size <= 8 && t.dtype !== "string" ? ` = [${Array.from(t.toFloat32()).join(", ")}]` : "";
      return `${t.dtype}[${t.dims.join(",")}]${preview}`;
    }
    case "graph":
      return `graph (${a.value.nodes.length} nodes)`;
    case "graphs":
      return `${a.value.length} graphs`;
    default:
      return a.type;
  }
}

/** A graph as the viewer draws it, with its findings attached to their nodes by name. */
export function reportGraph(id: ReportGraph["id"], title: string, graph: Graph, findings: readonly Finding[]): ReportGraph {
  const out = findings.map(reportFinding);
  const byNode = new Map<string, number[]>();
  out.forEach((f, i) => {
    byNode.set(f.node, [...(byNode.get(f.node) ?? []), i]);
  });
  const used = new Set<string>();
  const nodes = graph.nodes.map((n: Node, i): ReportNode => {
    let nodeId = n.name || `#${i}`;
    if (used.has(nodeId)) nodeId = `${nodeId}#${i}`;
    used.add(nodeId);
    const mine = n.name ? (byNode.get(n.name) ?? []) : [];
    const severity = mine.some((k) => out[k]!.severity === "error") ? "error" : mine.length ? "warning" : null;
    const subgraphs = [...n.attributes]
      .filter(([, a]) => !isAttributeRef(a) && a.type === "graph")
      .map(([k, a]) => ({ attribute: k, nodes: (a as { value: Graph }).value.nodes.length }));
    return {
      id: nodeId,
      name: n.name,
      op: n.opType,
      domain: n.domain === "" ? "ai.onnx" : n.domain,
      version: n.version ?? null,
      attributes: [...n.attributes].filter(([, a]) => isAttributeRef(a) || a.type !== "graph").map(([k, a]) => [k, attributeText(a)]),
      inputs: n.inputs.filter((v): v is Value => v !== undefined).map(tensorRef),
      outputs: n.outputs.filter((v): v is Value => v !== undefined).map(tensorRef),
      severity,
      findings: mine,
      ...(subgraphs.length ? { subgraphs } : {}),
    };
  });
  return {
    id,
    title,
    inputs: graph.inputs.filter((v) => !v.isInitializer).map(tensorRef),
    outputs: graph.outputs.map(tensorRef),
    nodes,
    findings: out,
  };
}

/** Model Optimizer-style preprocessing of one input, in words, in the order the graph applies it. */
function preprocessingText(p: InputPreprocessing | undefined): string[] {
  if (!p) return [];
  const lines: string[] = [];
  if (p.inputType) lines.push(`fed as ${p.inputType}, converted to float`);
  if (p.layout) lines.push(`layout ${p.layout[0].toUpperCase()} → ${p.layout[1].toUpperCase()}`);
  if (p.reverseChannels) lines.push("channel order reversed (RGB ↔ BGR)");
  if (p.mean) lines.push(`minus mean [${p.mean.join(", ")}]`);
  if (p.scale) lines.push(`divided by scale [${p.scale.join(", ")}]`);
  return lines;
}

function preprocessingFor(
  preprocessing: ReadonlyMap<string, InputPreprocessing> | undefined,
  input: string,
): InputPreprocessing | undefined {
  const all = preprocessing?.get("");
  const own = preprocessing?.get(input);
  return all || own ? { ...all, ...own } : undefined;
}

/** Source node name → the emitted IR's layers: the lowering trace, kept to layers that exist, plus legalization's `name/…` layers. */
function traceToLayers(trace: ReadonlyMap<string, string[]>, layers: readonly string[]): Map<string, string[]> {
  const exists = new Set(layers);
  const out = new Map<string, string[]>();
  for (const [source, created] of trace)
    out.set(
      source,
      created.filter((n) => exists.has(n)),
    );
  const traced = new Set([...out.values()].flat());
  for (const layer of layers) {
    if (traced.has(layer)) continue;
    // A layer legalization made for source node "a/b" is named "a/b/…": its longest traced prefix owns it.
    for (let cut = layer.lastIndexOf("/"); cut > 0; cut = layer.lastIndexOf("/", cut - 1)) {
      const owner = out.get(layer.slice(0, cut));
      if (owner) {
        owner.push(layer);
        break;
      }
    }
  }
  return out;
}

const FP16_RULES = new Set(["myriad/fp16-activation-overflow", "myriad/fp16-precision"]);

export function buildReport(source: ModelSource, options: ReportOptions = {}): BuiltReport {
  const open = (): LoadedModel => openModel(source);
  const name = source.name;
  const convertOptions = convertOptionsFromFlags(options.flags ?? {}, name);
  const { dataType, target, inputShapes, preprocessing } = convertOptions;
  const drawn = open();
  const isIr = drawn.dialect === "openvino";
  if (!isIr) {
    for (const v of [...drawn.model.graph.inputs]) if (v.isInitializer) drawn.model.graph.removeInput(v);
    if (inputShapes?.size) setInputShapes(drawn.model, inputShapes);
    runPipeline(drawn.model, [shapeInferencePass]);
  }
  const lint = lintLoadedModel(open, name, {
    ...(inputShapes ? { inputShapes: inputShapes } : {}),
    ...(options.calibration ? { calibration: options.calibration } : {}),
    ...(options.calibrationRange ? { calibrationRange: options.calibrationRange } : {}),
  });
  const sourceGraph = reportGraph(
    "source",
    isIr ? "OpenVINO IR (as given)" : `${drawn.format === "onnx" ? "ONNX" : drawn.format} (as given)`,
    drawn.model.graph,
    lint.findings,
  );

  // The statistics read the model as drawn; they may fold constants in it, so the graph is taken first.
  const stats = modelStatistics(drawn.model, drawn.dialect, name, isIr ? inputShapes : undefined);
  for (const n of sourceGraph.nodes) {
    const m = n.name ? stats.perNode.get(n.name) : undefined;
    if (m !== undefined) n.macs = m;
  }

  let conversion: ReportCard["conversion"] = null;
  let irGraph: ReportGraph | undefined;
  let refused: Finding[] = isIr ? lint.findings.filter((f) => f.severity === "error") : [];
  let built: BuiltReport["ir"];
  let irInputs: Value[] | undefined;
  if (!isIr) {
    const trace = new Map<string, string[]>();
    try {
      const ir = convertToIr(open().model, name, { ...convertOptions, loweringTrace: trace });
      const base = name
        .split(/[\\/]/)
        .pop()!
        .replace(/\.[^.]*$/, "");
      built = { xmlName: `${base}.xml`, binName: `${base}.bin`, net: ir.net, weights: ir.weights };
      // The IR drawn is the one written: read back from the emitted document, as the .xml would be.
      const written = irToModel(ir.net, ir.weights, built.xmlName);
      const remaining = target === "myriad" ? lintOpenvino(written, valueTypes(written, built.xmlName)) : [];
      refused = remaining.filter((f) => f.severity === "error");
      irGraph = reportGraph("ir", `OpenVINO IR (${dataType}, as converted)`, written.graph, remaining);
      irInputs = written.graph.inputs.filter((v) => !v.isInitializer);
      // The trace names OpenVINO nodes; the emitter names a layer producing a graph output after that output.
      const emitted = new Map(ir.openvino.graph.nodes.map((n) => [n.name, layerName(ir.openvino.graph, n)]));
      const renamed = new Map([...trace].map(([s, made]) => [s, made.map((n) => emitted.get(n) ?? n)]));
      const layers = traceToLayers(
        renamed,
        written.graph.nodes.map((n) => n.name),
      );
      const fromSource = new Map<string, string>();
      for (const [s, ls] of layers) for (const l of ls) fromSource.set(l, s);
      for (const n of sourceGraph.nodes) n.becameLayers = (n.name && layers.get(n.name)) || [];
      for (const n of irGraph.nodes) {
        const s = fromSource.get(n.name);
        if (s) n.fromSource = s;
      }
      conversion = { dataType, layers: ir.net.layers.length, weightsBytes: ir.weights.length, myriadFixes: ir.legalization.applied };
    } catch (e) {
      if (!isMyriadcError(e)) throw e;
      conversion = { error: e.message };
      // No IR to check: what lint found against the source is what MYRIAD would refuse.
      refused = lint.findings.filter((f) => f.severity === "error");
    }
  }

  const cardInputs: ReportCardInput[] = sourceGraph.inputs.map((t) => {
    const after = irInputs?.find((v) => v.name === t.name);
    return { ...(after ? tensorRef(after) : t), preprocessing: preprocessingText(preprocessingFor(preprocessing, t.name)) };
  });
  const calibrated = options.calibration || options.calibrationRange;
  const card: ReportCard = {
    inputs: cardInputs,
    outputs: (irGraph ?? sourceGraph).outputs,
    parameters: stats.parameters,
    weightBytesFp16: stats.weightBytesFp16,
    macs: stats.macs,
    macsByOp: stats.macsByOp,
    macsPerLayer: sourceGraph.nodes
      .filter((n) => n.macs !== undefined && n.macs > 0)
      .map((n) => ({ node: n.name, op: n.op, macs: n.macs! }))
      .sort((a, b) => b.macs - a.macs),
    oakEstimate: stats.oakEstimate?.text ?? null,
    refused: refused.map(reportFinding),
    calibration: calibrated
      ? {
          inputs: options.calibration?.size
            ? [...options.calibration.keys()].join(", ")
            : `uniform values in [${(options.calibrationRange ?? [-1, 1]).join(", ")}]`,
          findings: lint.findings.filter((f) => FP16_RULES.has(f.rule)).map(reportFinding),
          tensors: [...(lint.fp16Tensors ?? [])]
            .sort((a, b) => b.maxAbs - a.maxAbs)
            .slice(0, CALIBRATION_TENSORS_SHOWN)
            .map((t) => ({ ...t })),
          tensorCount: lint.fp16Tensors?.length ?? 0,
        }
      : null,
    conversion,
  };
  const xml = built?.xmlName ?? (isIr ? name.split(/[\\/]/).pop()! : undefined);
  const compile = xml
    ? {
        myriadc: shellQuote(["myriadc", "compile", xml, "-o", xml.replace(/\.xml$/i, ".blob")]),
        compileTool: shellQuote(["compile_tool", ...compileToolArgs(xml, xml.replace(/\.xml$/i, ".blob"), "myriad.conf", {})]),
        config: myriadConfigText({}),
      }
    : null;
  return {
    data: {
      schemaVersion: 1,
      generator: `myriadc ${VERSION}`,
      model: { name: name.split(/[\\/]/).pop()!, format: drawn.format },
      card,
      graphs: irGraph ? [sourceGraph, irGraph] : [sourceGraph],
      compile,
    },
    ...(built ? { ir: built } : {}),
  };
}
