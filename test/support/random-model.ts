/**
 * fast-check arbitraries for random but well-formed models: inputs with static, symbolic
 * and unknown dims, initializers of every fixed-width dtype plus strings with random bytes
 * (NaN payloads included), nodes of several domains with every common attribute type, a
 * subgraph attribute reading an outer value, omitted optional inputs, metadata.
 */
import fc from "fast-check";
import { type AttributeValue, attr } from "../../src/ir/attribute.js";
import { byteLengthOf, type DTypeName } from "../../src/ir/dtype.js";
import { Graph } from "../../src/ir/graph.js";
import { Model } from "../../src/ir/model.js";
import { Node } from "../../src/ir/node.js";
import type { Dim } from "../../src/ir/shape.js";
import { Tensor } from "../../src/ir/tensor.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";

const FIXED_DTYPES: DTypeName[] = [
  "float32",
  "uint8",
  "int8",
  "uint16",
  "int16",
  "int32",
  "int64",
  "bool",
  "float16",
  "float64",
  "uint32",
  "uint64",
  "complex64",
  "complex128",
  "bfloat16",
  "float8e4m3fn",
  "float8e4m3fnuz",
  "float8e5m2",
  "float8e5m2fnuz",
  "uint4",
  "int4",
  "float4e2m1",
  "float8e8m0",
  "uint2",
  "int2",
];

const nameArb = fc.string({ unit: "grapheme", minLength: 0, maxLength: 6 });
const dimsArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });

const tensorArb: fc.Arbitrary<Tensor> = fc.oneof(
  fc.tuple(fc.constantFrom(...FIXED_DTYPES), dimsArb).chain(([dtype, dims]) =>
    fc
      .uint8Array({
        minLength: byteLengthOf(
          dtype,
          dims.reduce((a, b) => a * b, 1),
        ),
        maxLength: byteLengthOf(
          dtype,
          dims.reduce((a, b) => a * b, 1),
        ),
      })
      .map((bytes) => {
        // Sub-byte types: bits past the last element are padding and are not meaningful.
        return Tensor.fromBytes(dtype, dims, bytes);
      }),
  ),
  dimsArb.chain((dims) =>
    fc
      .array(fc.string({ unit: "grapheme", maxLength: 4 }), {
        minLength: dims.reduce((a, b) => a * b, 1),
        maxLength: dims.reduce((a, b) => a * b, 1),
      })
      .map((s) => Tensor.fromStrings(dims, s)),
  ),
);

const int64Arb = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

const attrArb: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.float().map((f) => attr.float(f)),
  int64Arb.map((i) => attr.int(i)),
  fc.string({ unit: "grapheme", maxLength: 8 }).map((s) => attr.string(s)),
  fc.array(fc.float(), { maxLength: 4 }).map((f) => attr.floats(f)),
  fc.array(int64Arb, { maxLength: 4 }).map((i) => attr.ints(i)),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }).map((s) => attr.strings(s)),
  tensorArb.map((t) => attr.tensor(t)),
);

const dimArb: fc.Arbitrary<Dim> = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom("N", "batch", "h w"), fc.constant(null));

export interface ModelSpec {
  irVersion: number;
  opset: number;
  producer: [string, string];
  doc: string;
  metadata: { key: string; value: string }[];
  inputs: { dtype: DTypeName; shape: Dim[] | null; suffix: string }[];
  initializers: { tensor: Tensor; suffix: string; alsoInput: boolean }[];
  nodes: {
    op: string;
    domain: string;
    picks: number[];
    outputs: number;
    omitFirst: boolean;
    attrs: AttributeValue[];
    withSubgraph: boolean;
    name: string;
  }[];
  outputPicks: number[];
}

export const modelSpecArb: fc.Arbitrary<ModelSpec> = fc.record({
  irVersion: fc.integer({ min: 3, max: 13 }),
  opset: fc.integer({ min: 7, max: 23 }),
  producer: fc.tuple(nameArb, nameArb),
  doc: fc.string({ maxLength: 10 }),
  metadata: fc.uniqueArray(fc.record({ key: nameArb, value: nameArb }), { maxLength: 3, selector: (e) => e.key }),
  inputs: fc.array(
    fc.record({
      dtype: fc.constantFrom<DTypeName>("float32", "int64", "float16", "bool", "uint8", "string"),
      shape: fc.option(fc.array(dimArb, { maxLength: 4 }), { nil: null }),
      suffix: nameArb,
    }),
    { minLength: 1, maxLength: 3 },
  ),
  initializers: fc.array(fc.record({ tensor: tensorArb, suffix: nameArb, alsoInput: fc.boolean() }), { maxLength: 3 }),
  nodes: fc.array(
    fc.record({
      op: fc.constantFrom("Add", "Relu", "Concat", "MyOp"),
      domain: fc.constantFrom("", "com.example"),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      outputs: fc.integer({ min: 1, max: 2 }),
      omitFirst: fc.boolean(),
      attrs: fc.array(attrArb, { maxLength: 4 }),
      withSubgraph: fc.boolean(),
      name: nameArb,
    }),
    { maxLength: 6 },
  ),
  outputPicks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
});

/** Builds the model a spec describes through the public IR API. */
export function buildModel(spec: ModelSpec): Model {
  const g = new Graph("main");
  g.docString = spec.doc || undefined;
  const available: Value[] = [];
  spec.inputs.forEach((inp, i) => {
    const v = new Value(`in${i}_${inp.suffix}`, tensorType(inp.dtype, inp.shape ?? undefined));
    g.addInput(v);
    available.push(v);
  });
  spec.initializers.forEach((init, i) => {
    const v = new Value(`w${i}_${init.suffix}`, tensorType(init.tensor.dtype, init.tensor.dims));
    g.addInitializer(v, init.tensor);
    if (init.alsoInput) g.addInput(v);
    available.push(v);
  });
  spec.nodes.forEach((ns, i) => {
    const inputs: (Value | undefined)[] = ns.picks.map((p) => available[p % available.length]!);
    if (ns.omitFirst && inputs.length > 1) inputs[0] = undefined;
    const outputs = Array.from(
      { length: ns.outputs },
      (_, k) => new Value(`n${i}_o${k}`, k === 0 ? tensorType("float32", [1, "N"]) : undefined),
    );
    const attributes: Record<string, AttributeValue> = {};
    ns.attrs.forEach((a, k) => {
      attributes[`a${k}`] = a;
    });
    const node = new Node({
      opType: ns.op,
      domain: ns.domain,
      version: ns.domain === "" ? spec.opset : 1,
      name: ns.name,
      inputs,
      outputs,
      attributes,
    });
    g.appendNode(node);
    if (ns.withSubgraph) {
      // A body that reads a value of the enclosing graph directly (an implicit input).
      const body = new Graph(`body${i}`);
      body.parent = node;
      const outer = available[ns.picks[0]! % available.length]!;
      const out = new Value(`n${i}_body_out`, tensorType("float32", undefined));
      body.appendNode(new Node({ opType: "Identity", version: spec.opset, inputs: [outer], outputs: [out] }));
      body.addOutput(out);
      node.setAttribute("body", attr.graph(body));
    }
    available.push(...outputs);
  });
  for (const p of spec.outputPicks) {
    const v = available[p % available.length]!;
    if (!g.outputs.includes(v)) g.addOutput(v);
  }
  const opsets = new Map<string, number>([["", spec.opset]]);
  if (spec.nodes.some((n) => n.domain === "com.example")) opsets.set("com.example", 1);
  return new Model(g, {
    irVersion: spec.irVersion,
    opsetImports: opsets,
    producerName: spec.producer[0],
    producerVersion: spec.producer[1],
    docString: spec.doc || undefined,
    metadataProps: spec.metadata,
  });
}
