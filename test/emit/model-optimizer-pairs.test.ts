/**
 * Our IR next to Model Optimizer's for the same ONNX models (corpus openvino-ir/pairs):
 * set 5 (add_abc_initializers: A+B folded into one constant [2,4,6,8], one Add with input C)
 * and set 1 (stark to_float_model: U8 input, one Convert to f32). The ONNX of set 5 is given
 * as text in the corpus; it is transcribed here through the IR builder.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convertToIr } from "../../src/convert.js";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { type IrNet, irNetFromXml } from "../../src/frontends/openvino/ir-document.js";
import { attr } from "../../src/ir/attribute.js";
import { Graph } from "../../src/ir/graph.js";
import { Model } from "../../src/ir/model.js";
import { Node } from "../../src/ir/node.js";
import { Tensor } from "../../src/ir/tensor.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";
import { parseXml } from "../../src/util/xml.js";
import { CORPUS, corpusAvailable, warnIfCorpusMissing } from "../support/corpus.js";

warnIfCorpusMissing();

/** Layer types (MO's id order is not ours: compared as a set), and edges as "type:port→type:port". */
function structure(net: IrNet) {
  const byId = new Map(net.layers.map((l) => [l.id, l]));
  return {
    layers: net.layers.map((l) => `${l.type}-${l.version}`).sort(),
    edges: net.edges.map((e) => `${byId.get(e.fromLayer)!.type}:${e.fromPort}→${byId.get(e.toLayer)!.type}:${e.toPort}`).sort(),
  };
}

const data = (net: IrNet, type: string, key: string) => net.layers.find((l) => l.type === type)?.data?.find(([k]) => k === key)?.[1];

describe.skipIf(!corpusAvailable)("our IR vs Model Optimizer's", () => {
  it("set 5: add_abc_initializers folds A+B like MO and keeps C as the only input", () => {
    // Transcribed from add_abc_initializers.prototxt: A (initializer, also an input), B = Constant [[1,2],[3,4]],
    // X = A + B, Y = X + C; A = [1,2,3,4].
    const g = new Graph("test_graph");
    const f22 = () => tensorType("float32", [2, 2]);
    const a = g.addInitializer(new Value("A", f22()), Tensor.fromArray("float32", [2, 2], Float32Array.of(1, 2, 3, 4)));
    g.addInput(a);
    const c = g.addInput(new Value("C", f22()));
    const b = new Value("B");
    g.appendNode(
      new Node({
        opType: "Constant",
        version: 4,
        outputs: [b],
        attributes: { value: attr.tensor(Tensor.fromArray("float32", [2, 2], Float32Array.of(1, 2, 3, 4))) },
      }),
    );
    const x = new Value("X");
    g.appendNode(new Node({ opType: "Add", name: "add_node1", version: 4, inputs: [a, b], outputs: [x] }));
    const y = new Value("Y", f22());
    g.appendNode(new Node({ opType: "Add", name: "add_node2", version: 4, inputs: [x, c], outputs: [y] }));
    g.addOutput(y);
    const ours = convertToIr(new Model(g, { irVersion: 3, opsetImports: new Map([["", 4]]) }), "add_abc_initializers");
    const mo = irNetFromXml(
      parseXml(readFileSync(join(CORPUS, "openvino-ir/pairs/5_openvino_add_abc_initializers/add_abc_initializers.xml"), "utf8")),
    );
    expect(structure(ours.net)).toEqual(structure(mo));
    const constLayer = ours.net.layers.find((l) => l.type === "Const")!;
    expect(data(ours.net, "Const", "element_type")).toBe(data(mo, "Const", "element_type"));
    expect(data(ours.net, "Const", "shape")).toBe("2,2");
    const off = Number(constLayer.data!.find(([k]) => k === "offset")![1]);
    expect(Array.from(new Float32Array(ours.weights.slice(off, off + 16).buffer))).toEqual([2, 4, 6, 8]);
    expect(ours.net.layers.find((l) => l.type === "Parameter")!.name).toBe("C");
    expect(ours.net.layers.find((l) => l.type === "Add")!.name).toBe("Y");
  });

  it("set 1: stark to_float_model becomes U8 Parameter → Convert(f32) → Result, as MO wrote it", () => {
    const dir = join(CORPUS, "openvino-ir/pairs/1_stark_to_float_model");
    // MO was run with --input_shape [1,3,128,128] (MANIFEST/README of the pair), a new rank; so are we.
    const ours = convertToIr(loadOnnxFile(join(dir, "to_float_model_128.onnx")).model, "to_float_model_128", {
      inputShapes: new Map([["in_img", [1, 3, 128, 128]]]),
      allowRankChange: true,
    });
    const mo = irNetFromXml(parseXml(readFileSync(join(dir, "to_float_model_128.xml"), "utf8")));
    expect(structure(ours.net)).toEqual(structure(mo));
    expect(data(ours.net, "Parameter", "element_type")).toBe("u8");
    expect(data(ours.net, "Parameter", "shape")).toBe(data(mo, "Parameter", "shape"));
    expect(data(ours.net, "Convert", "destination_type")).toBe(data(mo, "Convert", "destination_type"));
    expect(ours.net.layers.map((l) => l.name)).toEqual(mo.layers.map((l) => l.name));
  });
});
