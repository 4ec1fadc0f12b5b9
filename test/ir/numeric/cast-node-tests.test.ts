/**
 * Our bit conversions against ONNX's own Cast reference outputs (the backend node tests
 * test_cast_*: inputs and expected outputs written by onnx's reference implementation).
 * Decoding: X_to_FLOAT/FLOAT16 must reproduce the expected values; encoding: FLOAT/FLOAT16_to_X
 * must reproduce the expected bytes exactly, honouring the saturate / round_mode attributes.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../../src/frontends/load-model.js";
import { readTensorPb } from "../../../src/io/tensor-pb.js";
import type { DTypeName } from "../../../src/ir/dtype.js";
import {
  type E8M0Rounding,
  type Fp8Format,
  f16round,
  float32ToBf16Bits,
  float32ToFp4e2m1Bits,
  float32ToFp8Bits,
  float32ToFp16Bits,
  packInt2,
  packInt4,
} from "../../../src/ir/numeric/float-bits.js";
import { CORPUS, corpusAvailable, warnIfCorpusMissing } from "../../support/corpus.js";

warnIfCorpusMissing();

const NARROW: DTypeName[] = [
  "float16",
  "bfloat16",
  "float8e4m3fn",
  "float8e4m3fnuz",
  "float8e5m2",
  "float8e5m2fnuz",
  "float8e8m0",
  "float4e2m1",
  "int4",
  "uint4",
  "int2",
  "uint2",
];

/** ONNX Cast float → int4/int2 keeps the low bits (the reference wraps: -9 → 7 in int4). */
function toSmallInt(x: number, bits: number, signed: boolean): number {
  const m = 1 << bits;
  const w = (((Math.trunc(x) % m) + m) % m) | 0;
  return signed && w >= m / 2 ? w - m : w;
}

function encode(values: Float32Array, to: DTypeName, saturate: boolean, round: E8M0Rounding): Uint8Array {
  switch (to) {
    case "float16":
      return new Uint8Array(Uint16Array.from(values, (v) => float32ToFp16Bits(v)).buffer);
    case "bfloat16":
      return new Uint8Array(Uint16Array.from(values, (v) => float32ToBf16Bits(v)).buffer);
    case "float4e2m1": {
      const out = new Uint8Array((values.length + 1) >> 1);
      for (const [i, v] of values.entries()) out[i >> 1]! |= float32ToFp4e2m1Bits(v) << ((i & 1) * 4);
      return out;
    }
    case "int4":
      return packInt4(
        Array.from(values, (v) => toSmallInt(v, 4, true)),
        true,
      );
    case "uint4":
      return packInt4(
        Array.from(values, (v) => toSmallInt(v, 4, false)),
        false,
      );
    case "int2":
      return packInt2(
        Array.from(values, (v) => toSmallInt(v, 2, true)),
        true,
      );
    case "uint2":
      return packInt2(
        Array.from(values, (v) => toSmallInt(v, 2, false)),
        false,
      );
    default:
      return Uint8Array.from(values, (v) => float32ToFp8Bits(v, to as Fp8Format, saturate, round));
  }
}

function castTests(): { name: string; dir: string }[] {
  const dir = join(CORPUS, "onnx-backend", "node");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.startsWith("test_cast_"))
    .map((name) => ({ name, dir: join(dir, name) }));
}

describe.skipIf(!corpusAvailable)("bit conversions against ONNX Cast reference data", () => {
  const tests = castTests();
  let checked = 0;

  it("finds the cast tests", () => {
    expect(tests.length).toBeGreaterThan(40);
  });

  it.each(tests.map((t) => [t.name, t] as const))("%s", (_n, t) => {
    const input = readTensorPb(join(t.dir, "test_data_set_0", "input_0.pb"));
    const expected = readTensorPb(join(t.dir, "test_data_set_0", "output_0.pb"));
    const from = input.dtype;
    const to = expected.dtype;
    if (!NARROW.includes(from) && !NARROW.includes(to)) return; // plain float/double casts: nothing of ours to check
    const node = loadOnnxFile(join(t.dir, "model.onnx")).model.graph.nodes[0]!;
    const saturate = node.getInt("saturate", 1) !== 0;
    const round = (node.getString("round_mode") ?? "up") as E8M0Rounding;
    // From a narrow type to a wide one (float16 counts as wide here) checks our decoder; JS
    // numbers cannot carry a NaN's sign, so those compare by value rather than by bits.
    const decoding =
      NARROW.includes(from) && !["int4", "uint4", "int2", "uint2"].includes(to) && (to === "float16" || !NARROW.includes(to));
    if (!decoding) {
      // Encoding: inputs are float32/float16; float16 inputs are exact in float32.
      const ours = encode(input.toFloat32(), to, saturate, round);
      expect(Buffer.from(ours).toString("hex")).toBe(Buffer.from(expected.bytes()).toString("hex"));
    } else {
      // Decoding: compare our values with the reference's, NaN with NaN.
      // A float16 target rounds our float32 reading once more, as the cast does.
      const ours = to === "float16" ? input.toFloat32().map(f16round) : input.toFloat32();
      const ref = expected.toFloat32();
      expect(ours.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) {
        if (Number.isNaN(ref[i]!)) expect(Number.isNaN(ours[i]!), `element ${i}`).toBe(true);
        else expect(Object.is(ours[i], ref[i]) || ours[i] === ref[i], `element ${i}: ${ours[i]} vs ${ref[i]}`).toBe(true);
      }
    }
    checked++;
  });

  it("checked most of them", () => {
    expect(checked).toBeGreaterThan(40);
  });
});
