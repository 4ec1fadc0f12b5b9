/**
 * encodeOnnxPieces (weights left as views) writes exactly the bytes protobufjs writes for
 * the whole message, on every zoo model, the light models, the node tests and hand-made
 * tensors with fields on both sides of raw_data.
 */
import { describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../../src/frontends/load-model.js";
import { encodeModelProto } from "../../../src/frontends/onnx/proto/codec.js";
import { encodeOnnxPieces, modelToProto } from "../../../src/frontends/onnx/save.js";
import type { Model } from "../../../src/ir/model.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { MyriadcError } from "../../../src/util/errors.js";
import { GraphBuilder } from "../../support/build.js";
import { backendModels, CORPUS_MISSING_MESSAGE, corpusAvailable, lightModels, zooModels } from "../../support/corpus.js";

function expectSameBytes(model: Model): void {
  const whole = encodeModelProto(modelToProto(model));
  const pieces = Buffer.concat(encodeOnnxPieces(model));
  expect(pieces.byteLength).toBe(whole.byteLength);
  expect(Buffer.compare(pieces, Buffer.from(whole))).toBe(0);
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
    expect(encodeOnnxPieces(m).some((p) => p.buffer === big.bytes().buffer)).toBe(true);
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
