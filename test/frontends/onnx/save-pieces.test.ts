/**
 * The ONNX encoder (src/frontends/onnx/encode.ts, weights left as views) writes exactly the
 * bytes protobufjs writes for the same model as message objects (the reference encoder in
 * test/support), on every zoo model, the light models, the node tests, with tensors placed in
 * an external file, and on a hand-made model that uses every message and field we write.
 */
import { describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../../src/frontends/load-model.js";
import { encodeOnnxPieces } from "../../../src/frontends/onnx/save.js";
import type { ExternalWrite } from "../../../src/frontends/onnx/tensor-proto.js";
import { attr } from "../../../src/ir/attribute.js";
import { Graph } from "../../../src/ir/graph.js";
import { Model } from "../../../src/ir/model.js";
import { Node } from "../../../src/ir/node.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { tensorType } from "../../../src/ir/types.js";
import { Value } from "../../../src/ir/value.js";
import { concatPieces } from "../../../src/util/deferred-bytes.js";
import { MyriadcError } from "../../../src/util/errors.js";
import { GraphBuilder } from "../../support/build.js";
import { backendModels, CORPUS_MISSING_MESSAGE, corpusAvailable, lightModels, zooModels } from "../../support/corpus.js";
import { referenceEncoding } from "../../support/onnx-reference-encoder.js";

/** An external-data placement that records the tensors it was asked about, in order. */
function recordingPlacement(): ExternalWrite & { asked: number[] } {
  let offset = 0;
  const asked: number[] = [];
  return {
    asked,
    place(t: Tensor) {
      asked.push(t.byteLength);
      if (t.byteLength < 16) return undefined;
      const at = offset;
      offset += t.byteLength;
      return { location: "model.onnx.data", offset: at, length: t.byteLength };
    },
  };
}

function expectSameBytes(model: Model): void {
  const whole = referenceEncoding(model);
  const pieces = Buffer.from(concatPieces(encodeOnnxPieces(model)));
  expect(pieces.byteLength).toBe(whole.byteLength);
  expect(Buffer.compare(pieces, Buffer.from(whole))).toBe(0);
  // With external data: the same bytes, and each tensor placed once, in the same order.
  const a = recordingPlacement();
  const b = recordingPlacement();
  const reference = referenceEncoding(model, a);
  expect(Buffer.compare(Buffer.from(concatPieces(encodeOnnxPieces(model, b))), Buffer.from(reference))).toBe(0);
  expect(b.asked).toEqual(a.asked);
}

/** A model that writes every message kind and optional field the encoder knows. */
function everyField(): Model {
  const g = new Graph("main \u00e9\u{1F600}");
  g.docString = "graph doc";
  g.metadataProps = [{ key: "gk", value: "gv" }];
  const x = g.addInput(
    new Value("x", { kind: "tensor", dtype: "float32", shape: [1, "batch \u00fc", null], dimDenotations: ["N", undefined, "C"] }),
  );
  x.docString = "input doc";
  x.metadataProps = [{ key: "vk", value: "vv" }];
  const seq = g.addInput(new Value("seq", { kind: "sequence", elem: tensorType("int64", [2]), denotation: "a sequence" }));
  g.addInput(
    new Value("opt", { kind: "optional", elem: { kind: "map", key: "int64", value: tensorType("float32", []) }, denotation: "opt" }),
  );
  g.addInput(new Value("opaque", { kind: "opaque", domain: "d", name: "n", denotation: "before field 7" }));
  g.addInput(new Value("sparse_in", { kind: "sparse_tensor", dtype: "float32", shape: [4, 4], denotation: "s" }));
  g.addInput(new Value("untyped"));
  const big = Tensor.fromArray(
    "float32",
    [2048],
    new Float32Array(2048).map((_, i) => i / 3),
  );
  big.docString = "tensor doc (12) after raw_data (9)";
  big.metadataProps = [{ key: "tk", value: "tv" }];
  const w = g.addInitializer(new Value("w", tensorType("float32", [2048])), big);
  const strings = Tensor.fromStrings([2], ["a", "b\u00e7"]);
  strings.docString = "strings";
  g.addInitializer(new Value("names", tensorType("string", [2])), strings);
  const sparse = new Value("sp", { kind: "tensor", dtype: "float32", shape: [4, 4] });
  sparse.sparseInitializer = {
    values: Object.assign(Tensor.fromArray("float32", [2], Float32Array.of(1, 2)), { name: "sp" }),
    indices: Tensor.fromArray("int64", [2], BigInt64Array.of(1n, 7n)),
    dims: [4, 4],
  };
  g.addInitializer(sparse);

  const branch = new Graph("then");
  const inner = new Value("inner", tensorType("float32", [1]));
  branch.appendNode(new Node({ opType: "Identity", inputs: [x], outputs: [inner] }));
  branch.addOutput(inner);
  const t = new Value("t", tensorType("float32", undefined));
  const unused = new Value("");
  const node = new Node({
    opType: "Custom",
    domain: "com.example",
    name: "every_attribute",
    overload: "ov",
    docString: "node doc",
    inputs: [x, undefined, w, undefined],
    outputs: [t, unused],
    attributes: {
      f: { ...attr.float(-0.5), docString: "attribute doc (13)" },
      i: attr.int(-3n),
      s: attr.string("\u00e9t\u00e9 \u{1F600}"),
      t: attr.tensor(Tensor.fromArray("int32", [3], Int32Array.of(-1, 0, 1))),
      g: attr.graph(branch),
      fs: attr.floats([1.5, Number.NaN, -0]),
      is: attr.ints([0n, 9223372036854775807n, -9223372036854775808n]),
      ss: attr.strings(["", "x"]),
      ts: { type: "tensors", value: [Tensor.fromArray("uint8", [1], Uint8Array.of(7))] },
      tp: { type: "type_proto", value: tensorType("int8", [3]), docString: "type attribute: value after doc" },
      tps: { type: "type_protos", value: [{ kind: "sequence", elem: undefined }] },
      st: { type: "sparse_tensor", value: sparse.sparseInitializer },
      sts: { type: "sparse_tensors", value: [sparse.sparseInitializer] },
      empty: attr.floats([]),
    },
  });
  node.metadataProps = [{ key: "nk", value: "nv" }];
  node.deviceConfigurations = [{ configuration_id: "cfg", pipeline_stage: 1 }];
  g.appendNode(node);
  const y = new Value("y", tensorType("float32", [1, 2048]));
  g.appendNode(new Node({ opType: "Add", version: 13, inputs: [t, seq], outputs: [y] }));
  g.addOutput(y);
  const hint = new Value("outer_hint", tensorType("float16", [1]));
  g.extraValueInfo.push(hint);
  g.quantizationAnnotation = [
    { tensorName: "t", params: [{ key: "SCALE_TENSOR", value: "w" }] },
    { tensorName: "y", params: [] },
  ];

  const body = new Graph("fn");
  const a = body.addInput(new Value("a", tensorType("float32", [2])));
  const out = new Value("b", tensorType("float32", [2]));
  body.appendNode(
    new Node({
      opType: "LeakyRelu",
      inputs: [a],
      outputs: [out],
      attributes: { alpha: { type: "float", ref: "slope", docString: "ref" } },
    }),
  );
  body.addOutput(out);
  return new Model(g, {
    irVersion: 11,
    opsetImports: new Map([
      ["", 21],
      ["com.example", 1],
    ]),
    producerName: "p",
    producerVersion: "1.0",
    domain: "example.com",
    modelVersion: 2n ** 40n,
    docString: "model doc",
    metadataProps: [{ key: "mk", value: "mv" }],
    functions: [
      {
        name: "Leaky",
        domain: "com.example",
        overload: "o",
        attributeNames: ["slope"],
        attributeDefaults: new Map([["slope", attr.float(0.1)]]),
        opsetImports: new Map([["", 21]]),
        body,
        docString: "function doc",
        metadataProps: [{ key: "fk", value: "fv" }],
      },
    ],
    trainingInfo: [{ initialization_binding: [{ key: "k", value: "v" }] }],
    configuration: [{ name: "devices", num_devices: 2, device: ["cpu", "gpu"] }],
  });
}

describe("encodeOnnxPieces", () => {
  it("matches protobufjs with tensor fields before and after raw_data, large and small", () => {
    const b = new GraphBuilder(17);
    const x = b.input("x", "float32", [1, 4096]);
    const big = Tensor.fromArray(
      "float32",
      [4096],
      new Float32Array(4096).map((_, i) => i / 7),
    );
    big.docString = "a doc string is field 12, after raw_data";
    big.metadataProps = [{ key: "k", value: "v" }];
    const w = b.const("w", big);
    const small = b.floats("s", [1, 2, 3]);
    const [y] = b.op("Add", [x, w]);
    const [z] = b.op("Mul", [y, small]);
    b.output(z!);
    const m = b.model();
    m.graph.docString = "graph doc (field 10)";
    m.docString = "model doc (field 6)";
    m.metadataProps = [{ key: "after", value: "graph (field 14)" }];
    expectSameBytes(m);
    expect(encodeOnnxPieces(m).some((p) => p instanceof Uint8Array && p.buffer === big.bytes().buffer)).toBe(true);
  });

  it("matches protobufjs on every message kind and optional field", () => {
    const m = everyField();
    expectSameBytes(m);
    // The large initializer's bytes are written from the tensor itself, not copied.
    const w = m.graph.initializers.get("w")!.initializer!;
    const pieces = encodeOnnxPieces(m);
    expect(pieces.some((p) => p === w.bytes())).toBe(true);
    // Everything else is one buffer of the encoder: before the view, and after it.
    expect(pieces).toHaveLength(3);
  });

  it.skipIf(!corpusAvailable)("matches protobufjs on the zoo, light and node-test models", () => {
    const models = [...zooModels(), ...lightModels(), ...backendModels("node")];
    expect(models.length).toBeGreaterThan(1000);
    let compared = 0;
    for (const c of models) {
      let model: Model;
      try {
        model = loadOnnxFile(c.model).model;
      } catch (e) {
        // Files the loader refuses (with a MyriadcError) are checked elsewhere; anything else is a failure.
        if (!(e instanceof MyriadcError)) throw e;
        continue;
      }
      expectSameBytes(model);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

if (!corpusAvailable) console.warn(`SKIP: ${CORPUS_MISSING_MESSAGE}`);
