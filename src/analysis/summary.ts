/**
 * What `myriadc inspect` reports about a model, as plain data (the CLI formats it; `--json`
 * prints it as is). Counting conventions, documented in the README:
 * - `ops`/`nodes` are the top-level graph; `subgraphOps`/`subgraphNodes` everything nested
 *   inside If/Loop/Scan bodies (function bodies are listed under `functions`).
 * - `parameters` is the number of stored elements of every initializer in every graph
 *   (a sparse initializer counts its stored values); `parameterBytes` their payload bytes.
 */
import type { Graph } from "../ir/graph.js";
import type { Model } from "../ir/model.js";
import type { Shape } from "../ir/shape.js";
import { formatType } from "../ir/types.js";
import type { Value } from "../ir/value.js";
import { verifyModel } from "../ir/verify.js";

export interface ValueSummary {
  name: string;
  /** ONNX dtype name ("float32", "int64", …), or a container type such as "seq(float32[?])". */
  dtype: string | null;
  /** Numbers for known sizes, strings for symbolic dims, "?" for unknown; null for unknown rank. */
  shape: (number | string)[] | null;
}

export interface ModelSummary {
  file: string;
  fileBytes: number;
  irVersion: number;
  producer: { name: string; version: string };
  domain: string;
  modelVersion: string;
  docString: string | null;
  opsets: Record<string, number>;
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  /** Initializers that are also graph inputs (IR < 4 style): overridable constants. */
  overridableInitializers: string[];
  ops: Record<string, number>;
  nodes: number;
  subgraphs: number;
  subgraphOps: Record<string, number>;
  subgraphNodes: number;
  functions: { domain: string; name: string; nodes: number }[];
  initializers: number;
  parameters: number;
  parameterBytes: number;
  externalData: string[];
  metadata: Record<string, string>;
  problems: { severity: "error" | "warning"; message: string }[];
}

function shapeEntries(shape: Shape | undefined): (number | string)[] | null {
  if (shape === undefined) return null;
  return shape.map((d) => (d === null ? "?" : d));
}

function valueSummary(v: Value): ValueSummary {
  const t = v.type;
  if (t?.kind === "tensor") return { name: v.name, dtype: t.dtype ?? null, shape: shapeEntries(t.shape) };
  return { name: v.name, dtype: t ? formatType(t) : null, shape: null };
}

function countOps(nodes: Iterable<{ qualifiedType: string }>, into: Record<string, number>): number {
  let n = 0;
  for (const node of nodes) {
    into[node.qualifiedType] = (into[node.qualifiedType] ?? 0) + 1;
    n++;
  }
  return n;
}

function sortByCount(rec: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(rec).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

export function summarizeModel(
  model: Model,
  info: { file: string; fileBytes: number; warnings: readonly string[]; externalFiles: readonly string[] },
): ModelSummary {
  const g = model.graph;
  const ops: Record<string, number> = {};
  const nodes = countOps(g.nodes, ops);
  const subgraphOps: Record<string, number> = {};
  let subgraphs = 0;
  let subgraphNodes = 0;
  const allGraphs: Graph[] = [g];
  const walk = (graph: Graph): void => {
    for (const n of graph.nodes) {
      for (const sg of n.subgraphs()) {
        subgraphs++;
        allGraphs.push(sg);
        subgraphNodes += countOps(sg.nodes, subgraphOps);
        walk(sg);
      }
    }
  };
  walk(g);

  let initializers = 0;
  let parameters = 0;
  let parameterBytes = 0;
  for (const graph of allGraphs) {
    for (const v of graph.initializers.values()) {
      initializers++;
      if (v.initializer) {
        parameters += v.initializer.size;
        parameterBytes += v.initializer.byteLength;
      } else if (v.sparseInitializer) {
        parameters += v.sparseInitializer.values.size;
        parameterBytes += v.sparseInitializer.values.byteLength + v.sparseInitializer.indices.byteLength;
      }
    }
  }

  const problems: ModelSummary["problems"] = info.warnings.map((message) => ({ severity: "warning" as const, message }));
  for (const p of verifyModel(model)) problems.push({ severity: p.severity, message: p.message });

  return {
    file: info.file,
    fileBytes: info.fileBytes,
    irVersion: model.irVersion,
    producer: { name: model.producerName, version: model.producerVersion },
    domain: model.domain,
    modelVersion: model.modelVersion.toString(),
    docString: model.docString ?? null,
    opsets: Object.fromEntries(model.opsetImports),
    inputs: g.inputs.filter((v) => !v.isInitializer).map(valueSummary),
    outputs: g.outputs.map(valueSummary),
    overridableInitializers: g.inputs.filter((v) => v.isInitializer).map((v) => v.name),
    ops: sortByCount(ops),
    nodes,
    subgraphs,
    subgraphOps: sortByCount(subgraphOps),
    subgraphNodes,
    functions: model.functions.map((f) => ({ domain: f.domain, name: f.name, nodes: f.body.nodes.length })),
    initializers,
    parameters,
    parameterBytes,
    externalData: [...info.externalFiles],
    metadata: Object.fromEntries(model.metadataProps.map((e) => [e.key, e.value])),
    problems,
  };
}
