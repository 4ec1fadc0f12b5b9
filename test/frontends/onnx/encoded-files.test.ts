/**
 * What `fix` checks before it writes (src/cli/commands/fix.ts): the files saveOnnxFile would
 * write, encoded in memory (encodeOnnxFiles), read back through a companion over their pieces
 * (piecesFile) — external data included, which a model above 1.8 GiB always has — so a failing
 * check leaves no file at any size.
 */
import { describe, expect, it } from "vitest";
import { CompanionError, piecesFile } from "../../../src/frontends/companion.js";
import { encodeOnnxFiles } from "../../../src/frontends/onnx/save.js";
import { openModel } from "../../../src/frontends/open-model.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { concatPieces } from "../../../src/util/deferred-bytes.js";
import { GraphBuilder } from "../../support/build.js";
import { countingDeferred } from "../../support/deferred.js";

const bytes = (...xs: number[]) => Uint8Array.from(xs);

describe("piecesFile", () => {
  const f = piecesFile("data", [bytes(0, 1, 2), bytes(), bytes(3, 4), bytes(5, 6, 7, 8)]);

  it("has the pieces' total size", () => {
    expect(f.size).toBe(9);
  });

  it("reads inside one piece as a view of it", () => {
    const pieces = [bytes(0, 1, 2), bytes(3, 4)];
    const read = piecesFile("data", pieces).read(3, 2);
    expect([...read]).toEqual([3, 4]);
    expect(read.buffer).toBe(pieces[1]!.buffer);
  });

  it("reads across pieces, empty ones included", () => {
    expect([...f.read(1, 7)]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect([...f.read(0, 9)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("reads deferred pieces (weights still in the model file) by copying the part asked for", () => {
    const deferred = countingDeferred(bytes(3, 4, 5, 6));
    const g = piecesFile("data", [bytes(0, 1, 2), deferred, bytes(7)]);
    expect([...g.read(2, 3)]).toEqual([2, 3, 4]);
    expect([...g.read(4, 4)]).toEqual([4, 5, 6, 7]);
    expect(deferred.copied).toBe(2 + 3);
    expect(deferred.loads).toBe(0);
  });

  it("refuses a range past its end", () => {
    expect(() => f.read(5, 5)).toThrow(CompanionError);
  });
});

describe("encodeOnnxFiles read back in memory", () => {
  it("gives the model with its external data, as the files would on disk", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [64, 64]);
    const w = Float32Array.from({ length: 64 * 64 }, (_, i) => i / 7);
    b.output(b.op("Add", [x, b.const("w", Tensor.fromArray("float32", [64, 64], w))])[0]!);
    const encoded = encodeOnnxFiles(b.model(), "/out/m.onnx", { externalData: "always" });
    expect(encoded.files.map((f) => f.path)).toEqual(["/out/m.onnx.data", "/out/m.onnx"]);
    const [data, model] = encoded.files;
    const external = piecesFile("/out/m.onnx.data", data!.chunks);
    const loaded = openModel({
      name: "m.onnx",
      bytes: concatPieces(model!.chunks),
      companion: (path) => {
        if (path !== "m.onnx.data") throw new CompanionError("does not exist", "missing");
        return external;
      },
    });
    expect([...loaded.model.graph.initializers.get("w")!.initializer!.toFloat32()]).toEqual([...w]);
  });
});
