/**
 * Tensor types the compiler cannot compute with: strings and complex numbers have no
 * OpenVINO opset1–10 form and no kernel in the interpreter. A model may hold them (inspect
 * and fix handle it); lowering refuses the node that touches one, with this reason.
 */
import { type DTypeName, dtypeInfo } from "../ir/dtype.js";
import type { Node } from "../ir/node.js";

function uncomputable(dtype: DTypeName | undefined): boolean {
  if (dtype === undefined) return false;
  const kind = dtypeInfo(dtype).kind;
  return kind === "string" || kind === "complex";
}

/** Why `node` cannot be compiled because of its tensor types, or undefined when it can. */
export function uncomputableReason(node: Node): string | undefined {
  for (const [i, v] of node.inputs.entries())
    if (uncomputable(v?.dtype)) return `its input ${i} (${JSON.stringify(v!.name)}) is a ${v!.dtype} tensor, which cannot be compiled`;
  for (const [i, v] of node.outputs.entries())
    if (uncomputable(v?.dtype)) return `its output ${i} (${JSON.stringify(v!.name)}) is a ${v!.dtype} tensor, which cannot be compiled`;
  for (const [name, a] of node.attributeMap) {
    if ("ref" in a) continue;
    if (a.type === "tensor" && uncomputable(a.value.dtype))
      return `its attribute ${name} is a ${a.value.dtype} tensor, which cannot be compiled`;
    if (a.type === "strings" && name === "value_strings") return `its attribute ${name} holds strings, which cannot be compiled`;
    if (a.type === "string" && name === "value_string") return `its attribute ${name} is a string, which cannot be compiled`;
  }
  if (node.opType === "Cast" && (node.domain === "" || node.domain === "ai.onnx")) {
    const to = node.attributeMap.get("to");
    if (to && !("ref" in to) && to.type === "int" && [8n, 14n, 15n].includes(to.value))
      return "it casts to a string or complex type, which cannot be compiled";
  }
  return undefined;
}
