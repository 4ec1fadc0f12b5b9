/**
 * The OAK recipe: `--layout name(nchw->nhwc)` makes the IR of an NHWC TFLite net take planar
 * (NCHW) frames, as a camera's ImageManip gives them, with no Transpose at its input: exactly
 * the input's Transpose of the default conversion is gone, and no Transpose reads the input.
 * (What stays puts outputs in the model's declared NHWC order, before a flatten or at an NHWC
 * image output.) Fed the TensorFlow Lite reference input in planar order, the IR computes the
 * reference outputs (FP32 tolerances).
 */
import { describe, expect, it } from "vitest";
import { convertToIr } from "../../../src/convert.js";
import { loadModel } from "../../../src/frontends/load-model.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { runOpenvinoModel } from "../../../src/runtime/interpreter.js";
import { diff, withinFp32 } from "../../support/compare.js";
import { npyTensor, TFLITE_MISSING, tfliteCases, tfliteCorpusAvailable } from "./tflite-corpus.js";

if (!tfliteCorpusAvailable) console.warn(TFLITE_MISSING);

/** NHWC float32 → NCHW, by index arithmetic (independent of the converter's own transposes). */
function toPlanar(t: Tensor): Tensor {
  const [n, h, w, c] = t.dims as [number, number, number, number];
  const src = t.toFloat32();
  const out = new Float32Array(src.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = src[((b * h + y) * w + x) * c + k]!;
  return Tensor.fromArray("float32", [n, c, h, w], out);
}

/** Float networks of the corpus with one 4-D NHWC image input. */
const cases = tfliteCases().filter((c) => {
  if (!c.id.startsWith("models/") || c.inputs.length !== 1) return false;
  const input = npyTensor(c.inputs[0]!);
  return input.dtype === "float32" && input.dims.length === 4 && input.dims[3] === 3;
});

describe.skipIf(!tfliteCorpusAvailable)("--layout nchw->nhwc on TFLite nets", () => {
  it("covers the float image networks of the corpus", () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", (id, c) => {
    const { model } = loadModel(c.model);
    const name = model.graph.inputs[0]!.name;
    const nhwc = npyTensor(c.inputs[0]!);
    const ir = convertToIr(model, c.model, {
      inputShapes: new Map([[name, [...nhwc.dims]]]),
      preprocessing: new Map([[name, { layout: ["nchw", "nhwc"] as [string, string] }]]),
    });
    const param = ir.net.layers.find((l) => l.type === "Parameter")!;
    const [n, h, w, ch] = nhwc.dims;
    expect(param.outputs[0]!.dims.map(Number), `${id}: the IR input is planar`).toEqual([n, ch, h, w]);
    const outputs = c.outputs.map(npyTensor);
    const transposes = (layers: typeof ir.net.layers) => layers.filter((l) => l.type === "Transpose" && l.outputs[0]!.dims.length !== 6);
    const plain = convertToIr(loadModel(c.model).model, c.model, { inputShapes: new Map([[name, [...nhwc.dims]]]) });
    const left = transposes(ir.net.layers);
    expect(left.length, `${id}: Transposes ${left.map((l) => l.name).join(", ")}`).toBe(transposes(plain.net.layers).length - 1);
    const readsInput = new Set(ir.net.edges.filter((e) => e.fromLayer === param.id).map((e) => e.toLayer));
    expect(
      left.filter((l) => readsInput.has(l.id)).map((l) => l.name),
      id,
    ).toEqual([]);
    const got = runOpenvinoModel(ir.openvino, new Map([[name, toPlanar(nhwc)]]));
    model.graph.outputs.forEach((v, i) => {
      const d = diff(got.get(v.name)!, outputs[i]!);
      expect(withinFp32(d), `${id} ${v.name}: max-abs ${d.maxAbs.toExponential(2)} mean-abs ${d.meanAbs.toExponential(2)}`).toBe(true);
    });
  });
});
