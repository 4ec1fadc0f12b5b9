/**
 * Op-set conversion, mainly downward: rewrites every default-domain node so the model is
 * valid at another op set (upward conversion uses upgrades.ts). For each node, the schema changes between the target and the model's op set are
 * crossed newest first, each through its adapter (adapters.ts) or, where the change only
 * widened the types, a check that the node's types already existed; an op that did not exist
 * yet is decomposed (decompositions.ts). What cannot be done is reported per node with the
 * reason, and then nothing is changed: the caller gets the model back untouched only if it
 * passed a copy, so `fix` works on the loaded model and writes nothing on failure.
 */
import type { DTypeName } from "../../../ir/dtype.js";
import type { Graph } from "../../../ir/graph.js";
import type { Model } from "../../../ir/model.js";
import type { Node } from "../../../ir/node.js";
import { changesBetween, opExistsAt, schemaVersionAt } from "../../../ops/onnx/versions.js";
import { MyriadcError } from "../../../util/errors.js";
import type { NodeFailure } from "../../../util/node-failures.js";
import type { PassResult } from "../../pass.js";
import { isOnnxDomain } from "../op-context.js";
import { ADAPTERS } from "./adapters.js";
import { DECOMPOSITIONS } from "./decompositions.js";
import { UPGRADES } from "./upgrades.js";

/** Newest default-domain op set in the version table. */
const MAX_OPSET = 26;

/** Op set in which each narrow type first appeared in any op's type constraints. */
const TYPE_SINCE: Partial<Record<DTypeName, number>> = {
  bfloat16: 13,
  float8e4m3fn: 19,
  float8e4m3fnuz: 19,
  float8e5m2: 19,
  float8e5m2fnuz: 19,
  int4: 21,
  uint4: 21,
  float4e2m1: 23,
  float8e8m0: 24,
  int2: 25,
  uint2: 25,
};

/** Types particular ops gained at a version, beyond the narrow-float rules above. */
const TYPES_ADDED: Readonly<Record<string, readonly DTypeName[]>> = {
  "IsInf@20": ["float16", "bfloat16"],
  "IsNaN@20": ["float16", "bfloat16"],
  "Equal@19": ["string"],
  "ReduceMax@20": ["bool"],
  "ReduceMin@20": ["bool"],
  "QuantizeLinear@21": ["int16", "uint16"],
  "DequantizeLinear@21": ["int16", "uint16"],
  "QLinearMatMul@21": ["float16", "bfloat16"],
  "Clip@12": ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"],
  "Max@12": ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"],
  "Min@12": ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"],
  "MaxPool@12": ["int8", "uint8"],
  "Pow@12": ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"],
};

/** The version tables are complete up to this op set; schema changes after it are unknown here. */
const TABLES_COMPLETE_TO = 25;

/** Elementwise arithmetic accepted 8/16-bit integers only from op set 14 on. */
const SMALL_INT_ARITH = new Set(["Add", "Sub", "Mul", "Div", "Relu"]);

export type DowngradeFailure = NodeFailure;

function typeProblem(node: Node, target: number): string | undefined {
  for (const v of [...node.inputs, ...node.outputs]) {
    const d = v?.dtype;
    if (!d) continue;
    const since = TYPE_SINCE[d];
    if (since !== undefined && since > target) return `it uses ${d}, which ops accept only from op set ${since}`;
    if (SMALL_INT_ARITH.has(node.opType) && target < 14 && ["int8", "uint8", "int16", "uint16"].includes(d)) {
      return `${node.opType} accepts ${d} only from op set 14`;
    }
  }
  return undefined;
}

/**
 * Calls `convert` on every ONNX node of a graph and its subgraphs (inner ones first) that is
 * still in the graph when its turn comes (an adapter may replace nodes); whether any changed.
 */
function convertNodes(graph: Graph, convert: (graph: Graph, node: Node) => boolean): boolean {
  let changed = false;
  for (const node of [...graph.nodes]) {
    if (!node.graph) continue;
    for (const sg of node.subgraphs()) changed = convertNodes(sg, convert) || changed;
    if (isOnnxDomain(node)) changed = convert(graph, node) || changed;
  }
  return changed;
}

/** Upward: cross each schema change oldest first through its entry in UPGRADES. */
function upgradeNode(graph: Graph, node: Node, from: number, target: number, failures: DowngradeFailure[]): boolean {
  let changed = false;
  for (const v of changesBetween(node.opType, from, target).reverse()) {
    const adapter = UPGRADES[`${node.opType}@${v}`];
    if (!adapter) continue;
    const why = adapter({ graph, node, target });
    changed = true;
    if (why) {
      failures.push({ node: node.name, op: node.opType, reason: `${why} (${node.opType} → ${node.opType}-${v})` });
      break;
    }
    if (!node.graph) break;
  }
  return changed;
}

/** Downward: refuse types the target lacks, decompose ops it lacks, cross each schema change newest first. */
function downgradeNode(graph: Graph, node: Node, from: number, target: number, failures: DowngradeFailure[]): boolean {
  const fail = (reason: string): false => {
    failures.push({ node: node.name, op: node.opType, reason });
    return false;
  };
  const types = typeProblem(node, target);
  if (types) return fail(types);
  if (!opExistsAt(node.opType, target)) {
    const decompose = DECOMPOSITIONS[node.opType];
    if (!decompose)
      return fail(
        `${node.opType} does not exist before op set ${schemaVersionAt(node.opType, from)} and has no equivalent in older ops here`,
      );
    const why = decompose({ graph, node, target });
    return why ? fail(why) : true;
  }
  let changed = false;
  for (const v of changesBetween(node.opType, target, from)) {
    const added = TYPES_ADDED[`${node.opType}@${v}`];
    const used = [...node.inputs, ...node.outputs].map((x) => x?.dtype).find((d) => d !== undefined && added?.includes(d));
    if (used) {
      fail(`${node.opType} accepts ${used} only from op set ${v}`);
      break;
    }
    const adapter = ADAPTERS[`${node.opType}@${v}`];
    if (!adapter) continue; // a type-only change, checked above
    const why = adapter({ graph, node, target });
    changed = true;
    if (why) {
      fail(`${why} (${node.opType}-${v} → older)`);
      break;
    }
    if (!node.graph) break; // the adapter replaced the node with others
  }
  return changed;
}

function setVersions(graph: Graph, target: number): void {
  for (const node of graph.nodes) {
    if (isOnnxDomain(node)) node.version = target;
    for (const sg of node.subgraphs()) setVersions(sg, target);
  }
}

/**
 * Converts the model's default-domain op set to `target` (lower or higher). Returns every
 * node that could not be converted, with the reason; then the model is partly rewritten and
 * must not be saved.
 */
export function convertOpset(model: Model, target: number): PassResult & { failures: DowngradeFailure[] } {
  const from = model.opsetVersion("");
  if (from === undefined) return { changed: false, failures: [] };
  if (target < 7) throw new MyriadcError("usage", `--opset ${target}: op sets below 7 are not supported`);
  if (target > MAX_OPSET) throw new MyriadcError("usage", `--opset ${target}: the newest op set this tool knows is ${MAX_OPSET}`);
  if (target === from) return { changed: false, failures: [] };
  for (const f of model.functions) {
    if ((f.opsetImports.get("") ?? 0) > target) {
      return {
        changed: false,
        failures: [{ node: f.name, op: "function", reason: "model-local functions must be inlined before lowering their op set" }],
      };
    }
  }
  if (from > TABLES_COMPLETE_TO && target < from) {
    return {
      changed: false,
      failures: [
        {
          node: "",
          op: "",
          reason:
            `the model is at op set ${from}; this tool knows ONNX schema changes only up to op set ${TABLES_COMPLETE_TO}, so it cannot lower it ` +
            `safely (export at op set ${TABLES_COMPLETE_TO} or lower)`,
        },
      ],
    };
  }
  const failures: DowngradeFailure[] = [];
  if (target < from) convertNodes(model.graph, (graph, node) => downgradeNode(graph, node, from, target, failures));
  else convertNodes(model.graph, (graph, node) => upgradeNode(graph, node, from, target, failures));
  if (failures.length === 0) {
    setVersions(model.graph, target);
    model.opsetImports.delete("ai.onnx");
    model.opsetImports.set("", target);
  }
  return { changed: failures.length === 0, failures };
}
