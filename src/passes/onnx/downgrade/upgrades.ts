/**
 * The other direction: taking a node up across a schema change (`Op@version`, the op set
 * at which the newer schema appeared). As for lowering, a change with no entry only widened
 * the types and needs nothing.
 */
import { attr } from "../../../ir/attribute.js";
import type { Node } from "../../../ir/node.js";
import { normalizeAxis } from "../../../ops/onnx/op-def.js";
import type { Adapter } from "./adapters.js";
import { Emitter } from "./emitter.js";

/** Moves an int-list attribute (axes, split) into input `index` as a constant. */
function attributeToInput(index: number, name: string): Adapter {
  return ({ graph, node, target }) => {
    const values = node.getInts(name);
    node.attributes.delete(name);
    if (values === undefined) return undefined;
    while (node.inputs.length < index) node.appendInput(undefined);
    node.setInput(index, new Emitter(graph, node, target).ints(name, values));
    return undefined;
  };
}

/** Reductions gained `noop_with_empty_axes` with the move; the old default (reduce all) is kept. */
const reduceAxesToInput: Adapter = (ctx) => attributeToInput(1, "axes")(ctx);

/**
 * Softmax-family before 13 coerced the input to 2-D at `axis` (default 1) and normalised over
 * everything after it. From 13 it normalises along one axis: flatten to 2-D, apply along axis 1,
 * and restore the shape.
 */
const softmaxCoercion: Adapter = ({ graph, node, target }) => {
  const shape = node.inputs[0]?.shape;
  if (!shape) return "the input's rank is unknown (run with --input-shape so shapes can be inferred)";
  const rank = shape.length;
  const axis = normalizeAxis(node.getInt("axis", 1), rank);
  if (axis === rank - 1) {
    node.setAttribute("axis", attr.int(-1));
    return undefined;
  }
  const e = new Emitter(graph, node, target);
  const x = node.inputs[0]!;
  const flat = e.one("Flatten", [x], { axis: attr.int(axis) });
  const applied = e.one(node.opType, [flat], { axis: attr.int(1) });
  const restored = e.one("Reshape", [applied, e.one("Shape", [x])]);
  e.replace(node.outputs[0]!, restored);
  graph.removeNode(node, { force: true });
  return undefined;
};

const dropoutRatioToInput: Adapter = ({ graph, node, target }) => {
  const ratio = node.getFloat("ratio");
  node.attributes.delete("ratio");
  if (ratio !== undefined) node.setInput(1, new Emitter(graph, node, target).floats("ratio", [ratio], []));
  return undefined;
};

/** Split-18 wants `num_outputs` when no `split` input is given. */
const splitNumOutputs: Adapter = ({ node }: { node: Node }) => {
  if (!node.inputs[1]) node.setAttribute("num_outputs", attr.int(node.outputs.length));
  return undefined;
};

const fromBelow11 =
  (what: string): Adapter =>
  () =>
    `upgrading ${what} from before op set 11 is not supported`;

export const UPGRADES: Readonly<Record<string, Adapter>> = {
  "Squeeze@13": attributeToInput(1, "axes"),
  "Unsqueeze@13": attributeToInput(1, "axes"),
  "Split@13": attributeToInput(1, "split"),
  "Split@18": splitNumOutputs as Adapter,
  "ReduceSum@13": reduceAxesToInput,
  "ReduceL1@18": reduceAxesToInput,
  "ReduceL2@18": reduceAxesToInput,
  "ReduceLogSum@18": reduceAxesToInput,
  "ReduceLogSumExp@18": reduceAxesToInput,
  "ReduceMax@18": reduceAxesToInput,
  "ReduceMean@18": reduceAxesToInput,
  "ReduceMin@18": reduceAxesToInput,
  "ReduceProd@18": reduceAxesToInput,
  "ReduceSumSquare@18": reduceAxesToInput,
  "Softmax@13": softmaxCoercion,
  "LogSoftmax@13": softmaxCoercion,
  "Hardmax@13": softmaxCoercion,
  "Dropout@12": dropoutRatioToInput,
  "Pad@11": fromBelow11("Pad"),
  "Clip@11": fromBelow11("Clip"),
  "Slice@10": fromBelow11("Slice"),
  "TopK@10": fromBelow11("TopK"),
  "Resize@11": fromBelow11("Resize"),
  "Upsample@10": () => "Upsample is deprecated from op set 10 (convert it to Resize)",
};
