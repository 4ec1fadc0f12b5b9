/** A synthetic model with many nodes, for the viewer's large-graph test: residual blocks of Conv, Relu and Add. */
import { attr } from "../../src/ir/attribute.js";
import type { Model } from "../../src/ir/model.js";
import { Tensor } from "../../src/ir/tensor.js";
import { GraphBuilder } from "../support/build.js";

/** `blocks` residual blocks of 5 nodes each (Conv, Relu, Conv, Add, Relu) on a 1×4×4×4 tensor. */
export function residualChain(blocks: number): Model {
  const b = new GraphBuilder(13);
  const weights = Tensor.fromArray(
    "float32",
    [4, 4, 1, 1],
    Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 0.5 : 0.01)),
  );
  let x = b.input("image", "float32", [1, 4, 4, 4]);
  for (let i = 0; i < blocks; i++) {
    const conv = (v: typeof x, k: string) => b.op("Conv", [v, b.const(`w${i}${k}`, weights)], { kernel_shape: attr.ints([1, 1]) })[0]!;
    const y = conv(b.op("Relu", [conv(x, "a")])[0]!, "b");
    x = b.op("Relu", [b.op("Add", [y, x])[0]!])[0]!;
  }
  b.output(x);
  return b.model();
}
