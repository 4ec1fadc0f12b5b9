/**
 * The fused sequence ops (hand-built flatbuffers with TensorFlow Lite interpreter outputs,
 * test/fixtures/tflite/make_fixtures.py) onto LSTMSequence / RNNSequence: FP32 and FP16 IRs
 * match TFLite; `fix -o model.onnx` runs in onnxruntime; the variants LSTMSequence-5 lacks
 * (peepholes, CIFG, projection, layer norm, cell clip) run as an unrolled cell.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../../src/cli/io.js";
import { runCli } from "../../../src/cli/program.js";
import { loadModel } from "../../../src/frontends/load-model.js";
import { diff, withinFp16, withinFp32 } from "../../support/compare.js";
import { runOrt } from "../../support/ort.js";
import { convertAndRun, fixture, layerCounts } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-tflite-rnn-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fixture → the recurrent layer its IR must hold. */
const SUPPORTED: Readonly<Record<string, string>> = {
  seq_lstm: "LSTMSequence",
  seq_lstm_time_major: "LSTMSequence",
  seq_lstm_relu: "LSTMSequence",
  seq_rnn: "RNNSequence",
  seq_rnn_relu_time_major: "RNNSequence",
  bidi_lstm_merged: "LSTMSequence",
  bidi_lstm_two_outputs: "LSTMSequence",
  bidi_rnn_merged: "RNNSequence",
  bidi_rnn_two_outputs: "RNNSequence",
};

describe("sequence LSTM/RNN → LSTMSequence/RNNSequence", () => {
  it.each(Object.entries(SUPPORTED))("%s: one %s layer, FP32 and FP16 match TFLite", (name, layer) => {
    const f = fixture(name);
    const fp32 = convertAndRun(f.model, f.inputs);
    expect(layerCounts(fp32.converted).get(layer)).toBe(1);
    f.outputs.forEach((expected, i) => {
      const d = diff(fp32.outputs[i]!, expected);
      expect(fp32.outputs[i]!.dims).toEqual(expected.dims);
      expect(withinFp32(d), `output ${i} max-abs ${d.maxAbs}`).toBe(true);
    });
    const fp16 = convertAndRun(f.model, f.inputs, { dataType: "FP16" });
    f.outputs.forEach((expected, i) => {
      expect(withinFp16(diff(fp16.outputs[i]!, expected))).toBe(true);
    });
  });

  it.each(Object.keys(SUPPORTED))("%s: fix -o model.onnx runs in onnxruntime with TFLite's outputs", async (name) => {
    const f = fixture(name);
    const out = join(dir, `${name}.onnx`);
    const io = memoryIO();
    expect(await runCli(["fix", f.model, "-o", out], io), io.err).toBe(0);
    const results = await runOrt(readFileSync(out), f.inputs);
    results.forEach((r, i) => {
      expect(withinFp32(diff(r, f.outputs[i]!))).toBe(true);
    });
  });

  it("says the IR does not carry the state over between inferences", () => {
    const { warnings } = loadModel(fixture("seq_lstm").model);
    expect(warnings.join("\n")).toMatch(
      /UNIDIRECTIONAL_SEQUENCE_LSTM: TFLite carries its state over .* starts every inference from the initial state/,
    );
  });
});

/** Variants LSTMSequence-5 lacks: an unrolled cell of plain ops. */
const UNROLLED = ["seq_lstm_peephole", "seq_lstm_cifg", "seq_lstm_projection", "seq_lstm_layer_norm", "seq_lstm_cell_clip"];

describe("LSTM variants LSTMSequence-5 lacks, unrolled over the time steps", () => {
  it.each(UNROLLED)("%s: no recurrent layer, FP32 and FP16 match TFLite, onnxruntime too", async (name) => {
    const f = fixture(name);
    const fp32 = convertAndRun(f.model, f.inputs);
    expect(layerCounts(fp32.converted).get("LSTMSequence")).toBeUndefined();
    const d = diff(fp32.outputs[0]!, f.outputs[0]!);
    expect(withinFp32(d), `max-abs ${d.maxAbs}`).toBe(true);
    expect(withinFp16(diff(convertAndRun(f.model, f.inputs, { dataType: "FP16" }).outputs[0]!, f.outputs[0]!))).toBe(true);
    const out = join(dir, `${name}.onnx`);
    const io = memoryIO();
    expect(await runCli(["fix", f.model, "-o", out], io), io.err).toBe(0);
    const [y] = await runOrt(readFileSync(out), f.inputs);
    expect(withinFp32(diff(y!, f.outputs[0]!))).toBe(true);
  });
});
