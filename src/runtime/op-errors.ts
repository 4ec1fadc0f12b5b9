/** Errors of one node's inference or kernel, as one-line typed errors that name the node. */
import type { Node } from "../ir/node.js";
import { ShapeError } from "../ops/openvino/op-def.js";
import { isMyriadcError, MyriadcError } from "../util/errors.js";

/** A wrong model (ShapeError) is invalid-graph; anything else the node needs is unsupported. */
export function nodeError(node: Node, e: unknown, file?: string): MyriadcError {
  if (isMyriadcError(e)) return e;
  const message = `${node.describe()}: ${(e as Error).message}`;
  return new MyriadcError(e instanceof ShapeError ? "invalid-graph" : "unsupported", message, { file, cause: e });
}

export function noKernelError(node: Node, file?: string): MyriadcError {
  return new MyriadcError("unsupported", `the interpreter has no kernel for ${node.describe()}`, { file });
}
