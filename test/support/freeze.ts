/**
 * Node tests feed shapes, axes and indices as graph inputs; real models have them as
 * constants. This turns every integer input into an initializer holding its test value and
 * returns the remaining (non-integer) inputs as feeds, in order.
 */
import type { Model } from "../../src/ir/model.js";
import type { Tensor } from "../../src/ir/tensor.js";

export function freezeIntegerInputs(model: Model, inputs: readonly Tensor[]): { names: string[]; feeds: Tensor[] } {
  const g = model.graph;
  const names: string[] = [];
  const feeds: Tensor[] = [];
  [...g.inputs].forEach((v, i) => {
    const x = inputs[i];
    if (!x) return;
    if (x.dtype === "int64" || x.dtype === "int32") {
      g.removeInput(v);
      g.addInitializer(v, x);
    } else {
      names.push(v.name);
      feeds.push(x);
    }
  });
  return { names, feeds };
}
