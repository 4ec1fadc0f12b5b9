/**
 * Property: corrupting the bytes of a TFLite file (flipped bytes, a truncation, spliced-in
 * bytes) never crashes the TFLite frontend: the file loads, or it fails with a MyriadcError
 * whose message is one line naming the file. Whatever loads must be usable: summarised and
 * saved as ONNX without throwing. Base files: small committed fixtures of several kinds
 * (quantized, recurrent, custom ops, hybrid).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarizeModel } from "../../src/analysis/summary.js";
import { encodeOnnx } from "../../src/frontends/onnx/save.js";
import { loadTfliteBytes } from "../../src/frontends/tflite/load.js";
import { MyriadcError } from "../../src/util/errors.js";
import { FIXTURES } from "../frontends/tflite/fixtures.js";

/** Positions as fractions of the file, spread over all of it (integer generators favour small values: the header). */
const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const byteAt = (fraction: number, length: number) => Math.min(length - 1, Math.floor(fraction * length));

const BASES = [
  "int8_convnet",
  "hybrid_per_tensor",
  "seq_lstm",
  "bidi_rnn_two_outputs",
  "mediapipe_argmax_unpool",
  "mediapipe_transpose_conv_bias_k3",
].map((name) => readFileSync(join(FIXTURES, name, "model.tflite")));

const corruption = fc.oneof(
  fc.record({
    kind: fc.constant("flip" as const),
    at: fc.array(position, { minLength: 1, maxLength: 8 }),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.array(position, { minLength: 1, maxLength: 1 }), xor: fc.constant(0) }),
  fc.record({
    kind: fc.constant("splice" as const),
    at: fc.array(position, { minLength: 1, maxLength: 4 }),
    xor: fc.integer({ min: 0, max: 255 }),
  }),
);

function corrupt(bytes: Uint8Array, c: { kind: string; at: number[]; xor: number }): Uint8Array {
  if (c.kind === "truncate") return bytes.slice(0, byteAt(c.at[0]!, bytes.length));
  if (c.kind === "flip") {
    const bad = bytes.slice();
    // Bytes 4–7 are the identifier: flipping them is the "wrong identifier" case, tested apart.
    for (const a of c.at) {
      const i = 8 + byteAt(a, bad.length - 8);
      bad[i] = bad[i]! ^ c.xor;
    }
    return bad;
  }
  const cut = byteAt(c.at[0]!, bytes.length);
  return Buffer.concat([bytes.slice(0, cut), new Uint8Array(c.at.map((a) => (Math.floor(a * 256) + c.xor) & 0xff)), bytes.slice(cut)]);
}

describe("corrupted TFLite files", () => {
  it("load, or fail with a one-line MyriadcError naming the file", () => {
    fc.assert(
      fc.property(fc.nat({ max: BASES.length - 1 }), corruption, (base, c) => {
        const bad = corrupt(BASES[base]!, c);
        try {
          const r = loadTfliteBytes(bad, "corrupt.tflite");
          summarizeModel(r.model, { file: "corrupt.tflite", fileBytes: bad.length, warnings: r.warnings, externalFiles: [] });
          encodeOnnx(r.model);
        } catch (e) {
          if (!(e instanceof MyriadcError))
            throw new Error(`untyped ${String((e as Error)?.name)}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
          expect(e.oneLine()).not.toMatch(/\n/);
          expect(e.oneLine()).toContain("corrupt.tflite");
        }
      }),
      { numRuns: Number(process.env.CORRUPT_RUNS ?? 1500) },
    );
  });
});
