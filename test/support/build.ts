/** Tiny graph-building helpers for pass tests. */

import type { AttributeValue } from "../../src/ir/attribute.js";
import type { DTypeName } from "../../src/ir/dtype.js";
import { Graph } from "../../src/ir/graph.js";
import { Model } from "../../src/ir/model.js";
import { Node } from "../../src/ir/node.js";
import type { Dim } from "../../src/ir/shape.js";
import { Tensor } from "../../src/ir/tensor.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";

export class GraphBuilder {
  readonly graph = new Graph("g");
  private n = 0;
  constructor(readonly opset = 13) {}

  input(name: string, dtype: DTypeName, shape?: Dim[]): Value {
    return this.graph.addInput(new Value(name, tensorType(dtype, shape)));
  }

  const(name: string, t: Tensor): Value {
    return this.graph.addInitializer(new Value(name, tensorType(t.dtype, t.dims)), t);
  }

  ints(name: string, values: number[], dims: number[] = [values.length]): Value {
    return this.const(
      name,
      Tensor.fromArray(
        "int64",
        dims,
        BigInt64Array.from(values, (v) => BigInt(v)),
      ),
    );
  }

  floats(name: string, values: number[], dims: number[] = [values.length]): Value {
    return this.const(name, Tensor.fromArray("float32", dims, Float32Array.from(values)));
  }

  op(opType: string, inputs: (Value | undefined)[], attributes: Record<string, AttributeValue> = {}, outputs = 1): Value[] {
    const outs = Array.from({ length: outputs }, () => new Value(`${opType.toLowerCase()}${this.n++}`));
    this.graph.appendNode(new Node({ opType, version: this.opset, name: `${opType}_${this.n}`, inputs, outputs: outs, attributes }));
    return outs;
  }

  output(v: Value): void {
    this.graph.addOutput(v);
  }

  model(): Model {
    return new Model(this.graph, { irVersion: 8, opsetImports: new Map([["", this.opset]]) });
  }
}

import { encodeOnnx } from "../../src/frontends/onnx/save.js";
import { verifyModel } from "../../src/ir/verify.js";
import { diff, withinFp32 } from "./compare.js";
import { runOrt } from "./ort.js";

/**
 * Runs `transform` on the model and checks onnxruntime gives the same outputs before and
 * after (fp32 tolerance) and that the result verifies. Returns the op types left.
 */
export async function preservesOutputs(
  model: Model,
  inputs: Tensor[],
  transform: (m: Model) => boolean,
): Promise<{ changed: boolean; ops: string[] }> {
  const before = await runOrt(encodeOnnx(model), inputs);
  const changed = transform(model);
  expectNoErrors(model);
  const after = await runOrt(encodeOnnx(model), inputs);
  before.forEach((b, i) => {
    const d = diff(after[i]!, b);
    if (!withinFp32(d)) throw new Error(`output ${i} changed: max-abs ${d.maxAbs}`);
  });
  return { changed, ops: model.graph.nodes.map((n) => n.opType) };
}

function expectNoErrors(model: Model): void {
  const errors = verifyModel(model).filter((p) => p.severity === "error");
  if (errors.length) throw new Error(`invalid graph: ${errors[0]!.message}`);
}

/** Deterministic pseudo-random float32 data. */
export function randomTensor(dims: number[], seed = 1): Tensor {
  let s = seed;
  const n = dims.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
  return Tensor.fromArray("float32", dims, data);
}
