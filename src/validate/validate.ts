/**
 * The one validation step after loading, for every format: whatever a frontend produced
 * (ONNX, an OpenVINO IR, TFLite through its graph) is checked here before any pass, kernel or
 * lowering rule sees it, so a broken file is the user's error (exit 2) naming the node, and
 * never a crash deep inside. It needs only the graph and its dialect.
 */
import type { GraphDialect } from "../frontends/frontend.js";
import type { AttributeType } from "../ir/attribute.js";
import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import { MyriadcError } from "../util/errors.js";
import { expectedAttributeType } from "./attribute-types.js";
import { checkDomains, checkGraphStructure, type ValidationProblem } from "./graph-checks.js";
import { ONNX_OP_CHECKS } from "./op-checks.js";

export type { ValidationProblem } from "./graph-checks.js";

const isOnnx = (n: Node) => n.domain === "" || n.domain === "ai.onnx";

function attributeProblem(node: Node): string | undefined {
  for (const [name, a] of node.attributeMap) {
    if ("ref" in a) continue; // filled in from the calling node
    const want: AttributeType | undefined = expectedAttributeType(node.opType, name);
    if (want && a.type !== want) return `attribute ${name} of ${node.describe()} is ${a.type}, but ONNX defines it as ${want}`;
  }
  return undefined;
}

function checkOnnxNodes(model: Model, problems: ValidationProblem[]): void {
  for (const node of model.graph.allNodes()) {
    if (!isOnnx(node)) continue;
    const typeProblem = attributeProblem(node);
    if (typeProblem) {
      problems.push({ node, message: typeProblem });
      continue; // the op checks read the attributes with their specified types
    }
    const check = ONNX_OP_CHECKS[node.opType];
    if (!check) continue;
    let why: string | undefined;
    try {
      why = check(node);
    } catch (e) {
      // An attribute beyond 2^53 and the like: the getters say which.
      if (!(e instanceof MyriadcError)) throw e;
      problems.push({ node, message: e.message });
      continue;
    }
    if (why) problems.push({ node, message: `${node.describe()}: ${why}` });
  }
}

/** Every problem found, in graph order. */
export function findModelProblems(model: Model, dialect: GraphDialect): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  checkGraphStructure(model.graph, dialect, problems);
  if (dialect === "onnx") {
    checkDomains(model, problems);
    checkOnnxNodes(model, problems);
  }
  return problems;
}

/** Throws one "invalid-graph" error naming the file and the first problem (and how many more there are). */
export function validateModel(model: Model, dialect: GraphDialect, file: string): void {
  const problems = findModelProblems(model, dialect);
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
  throw new MyriadcError("invalid-graph", `${problems[0]!.message}${more}`, { file });
}
