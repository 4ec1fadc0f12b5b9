/**
 * The graph inputs a user feeds (initializers that old models also list as inputs are not
 * among them), and the one message for a flag that names an input the model does not have.
 */
import type { Graph } from "../../ir/graph.js";
import type { Value } from "../../ir/value.js";
import { MyriadcError } from "../../util/errors.js";

export function dataInputs(graph: Graph): Value[] {
  return graph.inputs.filter((v) => !v.isInitializer);
}

/** The input of that name, or a usage error naming the flag and listing the inputs there are. */
export function findDataInput(graph: Graph, name: string, flag: string, file?: string): Value {
  const v = graph.inputs.find((i) => i.name === name && !i.isInitializer);
  if (v) return v;
  const names = dataInputs(graph).map((i) => i.name);
  throw new MyriadcError("usage", `${flag}: the model has no input ${JSON.stringify(name)} (inputs: ${names.join(", ")})`, {
    ...(file ? { file } : {}),
  });
}
