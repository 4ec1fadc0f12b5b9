/**
 * Node tests feed shapes, axes and indices as graph inputs; real models have them as
 * constants. This turns every integer input, and every float input used only as a
 * parameter (Resize/Upsample scales, OneHot depth), into an initializer holding its test
 * value and returns the remaining inputs as feeds, in order.
 */
import type { Model } from "../../src/ir/model.js";
import type { Tensor } from "../../src/ir/tensor.js";

/** Op inputs that are constants in real models even when they are floats. */
const PARAMETER_INPUTS: Record<string, readonly number[]> = { Resize: [1, 2], Upsample: [1], OneHot: [1] };

function onlyParameter(model: Model, name: string): boolean {
  const v = model.graph.value(name);
  return Boolean(v?.uses.length) && v!.uses.every((u) => PARAMETER_INPUTS[u.node.opType]?.includes(u.index));
}

export function freezeIntegerInputs(model: Model, inputs: readonly Tensor[]): { names: string[]; feeds: Tensor[] } {
  const g = model.graph;
  const names: string[] = [];
  const feeds: Tensor[] = [];
  [...g.inputs].forEach((v, i) => {
    const x = inputs[i];
    if (!x) return;
    if (x.dtype === "int64" || x.dtype === "int32" || onlyParameter(model, v.name)) {
      g.removeInput(v);
      g.addInitializer(v, x);
    } else {
      names.push(v.name);
      feeds.push(x);
    }
  });
  return { names, feeds };
}
