/**
 * A model: the main graph plus what ONNX keeps around it (op-set imports, producer,
 * metadata, model-local functions). Functions are kept callable, not inlined at load:
 * a node whose (domain, opType) names a function is a call, and `fix` may inline it.
 */
import type { Attribute } from "./attribute.js";
import type { Graph } from "./graph.js";

export interface MetadataEntry {
  key: string;
  value: string;
}

/** A model-local function. Its body is a Graph whose inputs/outputs are the formal parameters. */
export interface FunctionDef {
  name: string;
  domain: string;
  overload: string;
  /** Attribute names the function accepts (without defaults). */
  attributeNames: string[];
  /** Attributes with default values. */
  attributeDefaults: Map<string, Attribute>;
  opsetImports: Map<string, number>;
  body: Graph;
  docString: string | undefined;
  metadataProps: MetadataEntry[] | undefined;
}

export class Model {
  irVersion: number;
  /** Op-set version per domain; the default ONNX domain is "". */
  readonly opsetImports: Map<string, number>;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: bigint;
  docString: string | undefined;
  metadataProps: MetadataEntry[];
  graph: Graph;
  functions: FunctionDef[];
  /** ONNX training_info and device configurations, carried through untouched. */
  trainingInfo: unknown[];
  configuration: unknown[];

  constructor(graph: Graph, init: Partial<Omit<Model, "graph">> = {}) {
    this.graph = graph;
    this.irVersion = init.irVersion ?? 10;
    this.opsetImports = new Map(init.opsetImports ?? []);
    this.producerName = init.producerName ?? "";
    this.producerVersion = init.producerVersion ?? "";
    this.domain = init.domain ?? "";
    this.modelVersion = init.modelVersion ?? 0n;
    this.docString = init.docString;
    this.metadataProps = init.metadataProps ?? [];
    this.functions = init.functions ?? [];
    this.trainingInfo = init.trainingInfo ?? [];
    this.configuration = init.configuration ?? [];
  }

  /** Op-set version in force for a domain ("ai.onnx" and "" are the same domain). */
  opsetVersion(domain: string): number | undefined {
    const d = normalizeDomain(domain);
    return this.opsetImports.get(d) ?? (d === "" ? this.opsetImports.get("ai.onnx") : undefined);
  }

  findFunction(domain: string, name: string, overload = ""): FunctionDef | undefined {
    const d = normalizeDomain(domain);
    return this.functions.find((f) => normalizeDomain(f.domain) === d && f.name === name && f.overload === overload);
  }
}

/** "ai.onnx" is an alias of the default domain "". */
export function normalizeDomain(domain: string): string {
  return domain === "ai.onnx" ? "" : domain;
}
