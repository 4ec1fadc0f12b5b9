/**
 * After convert, a TFLite conv net keeps no Transpose except where its NHWC inputs enter and
 * its NHWC outputs leave: read from the emitted IR, every Transpose layer must read a
 * Parameter (through reshapes only) or lead to Results through data movement only (reshapes,
 * concats). A 6-D Transpose is the depth↔space rearrangement itself (MYRIAD runs DepthToSpace/
 * SpaceToDepth as Reshape–Transpose–Reshape). Models with an explicit TRANSPOSE op are left out.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { convertToIr } from "../../../src/convert.js";
import { writeIr } from "../../../src/emit/openvino-ir.js";
import { loadModel } from "../../../src/frontends/load-model.js";
import type { IrLayer } from "../../../src/frontends/openvino/ir-document.js";
import { readIr } from "../../../src/frontends/openvino/read-ir.js";
import { npyTensor, TFLITE_MISSING, tfliteCases, tfliteCorpusAvailable } from "./tflite-corpus.js";

if (!tfliteCorpusAvailable) console.warn(TFLITE_MISSING);
const dir = mkdtempSync(join(tmpdir(), "myriadc-tflite-transposes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Layers a Transpose may pass through and still be "at" an input or output. */
const DATA_MOVEMENT = new Set(["Reshape", "Squeeze", "Unsqueeze", "Concat", "Convert"]);
/**
 * Elementwise layers between a Parameter and a Transpose (an input's own quantization, x·x)
 * leave it at the input: transposing before or after them costs the same.
 */
const ELEMENTWISE = new Set(["Multiply", "Divide", "Add", "Subtract", "Round", "Clamp", "Convert", "Floor"]);

/**
 * Models whose layout needs an interior Transpose, and why. (Checked: exactly that many.)
 * The Conv1D + LSTM keyword spotter lays the convolution's output out as the LSTM's
 * time-major sequence.
 */
const INTERIOR: Readonly<Record<string, number>> = { "models/kws_conv1d_lstm": 1 };

function interiorTransposes(xml: string): IrLayer[] {
  const { net } = readIr(xml);
  const byId = new Map(net.layers.map((l) => [l.id, l]));
  const producers = new Map<number, number[]>();
  const consumers = new Map<number, number[]>();
  for (const e of net.edges) {
    producers.set(e.toLayer, [...(producers.get(e.toLayer) ?? []), e.fromLayer]);
    consumers.set(e.fromLayer, [...(consumers.get(e.fromLayer) ?? []), e.toLayer]);
  }
  const readsParameter = (id: number): boolean => {
    const l = byId.get(id)!;
    if (l.type === "Parameter") return true;
    if (l.type !== "Transpose" && !DATA_MOVEMENT.has(l.type) && !ELEMENTWISE.has(l.type)) return false;
    return (producers.get(id) ?? []).filter((p) => byId.get(p)!.type !== "Const").every(readsParameter);
  };
  const leadsToResults = (id: number): boolean =>
    (consumers.get(id) ?? []).every((c) => {
      const l = byId.get(c)!;
      return l.type === "Result" || ((DATA_MOVEMENT.has(l.type) || l.type === "Transpose") && leadsToResults(c));
    });
  return net.layers.filter((l) => {
    if (l.type !== "Transpose") return false;
    if ((l.outputs[0]?.dims.length ?? 0) === 6) return false;
    return !(readsParameter(l.id) || leadsToResults(l.id));
  });
}

const cases = tfliteCases().filter((c) => !c.meta.operators.includes("TRANSPOSE"));

describe.skipIf(!tfliteCorpusAvailable)("Transposes left after convert", () => {
  it("covers the corpus models without an explicit TRANSPOSE op", () => {
    expect(cases.length).toBeGreaterThanOrEqual(78);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", (id, c) => {
    const { model } = loadModel(c.model);
    const inputShapes = new Map(model.graph.inputs.map((v, i) => [v.name, [...npyTensor(c.inputs[i]!).dims]]));
    const ir = convertToIr(model, c.model, { inputShapes });
    const xml = join(dir, `${id.replace(/[^a-z0-9]+/gi, "_")}.xml`);
    writeIr(xml, xml.replace(/\.xml$/, ".bin"), ir.net, ir.weights);
    const inner = interiorTransposes(xml);
    expect(
      inner.map((l) => l.name),
      `${id}: interior Transposes`,
    ).toHaveLength(INTERIOR[id] ?? 0);
  });
});
