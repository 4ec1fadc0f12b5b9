/**
 * myriad/device-memory and myriad/device-memory-tight. The RuleTester runs the rule for a
 * small test device (512 KiB of DDR, 358.82 KiB for the pipeline: the MyriadX figures in KiB),
 * so its graphs stay small enough to legalize and run; the MyriadX figures are checked on
 * graphs of real size whose weights are lazy tensors that throw if anything reads them —
 * the rule works on shapes alone.
 */
import { describe, expect, it } from "vitest";
import { Tensor } from "../../../src/ir/tensor.js";
import type { Value } from "../../../src/ir/value.js";
import { lintOpenvino, valueTypes } from "../../../src/lint/lint.js";
import { deviceMemoryRule, deviceMemoryRuleFor } from "../../../src/lint/rules/device-memory.js";
import type { OvBuilder } from "../../../src/lower/builder.js";
import { deviceBytes, MYRIAD_DDR_BYTES, MYRIAD_PIPELINE_DDR_BYTES } from "../../../src/targets/myriad/device-memory.js";
import { type InputSpec, ovModel, runRuleTests } from "../../support/rule-tester.js";

const F = (dims: number[], name = "x"): InputSpec => [name, "float32", dims];

/** `v` typed as `x` is: the graphs say their sizes, as lowered ONNX and real IRs do, so lint never runs them to find out. */
const typedLike = (v: Value, x: Value) => {
  v.type = x.type;
  return v;
};
const relu = (spec: InputSpec) => ovModel([spec], (b, [x]) => [typedLike(b.one("ReLU", 1, [x]), x!)]);

/** x + w1 + w2 + w3, with constants of `n` float32 elements made by `weight`. */
const threeWeights = (n: number, weight: (b: OvBuilder, name: string, n: number) => Value) =>
  ovModel([F([n])], (b, [x]) => {
    let y = x!;
    for (const w of ["w1", "w2", "w3"]) y = typedLike(b.one("Add", 1, [y, weight(b, w, n)], { auto_broadcast: "numpy" }), x!);
    return [y];
  });
const zeros = (b: OvBuilder, name: string, n: number) => b.floats(name, new Array<number>(n).fill(0), "float32", [n]);

/** A float32 constant whose data must never be read. */
function unreadable(b: OvBuilder, name: string, n: number): Value {
  const ref = { location: `${name}.bin`, path: `/nonexistent/${name}.bin`, offset: 0, length: 4 * n };
  return b.constTensor(
    name,
    Tensor.fromExternal("float32", [n], ref, () => {
      throw new Error(`the data of ${name} was read`);
    }),
  );
}

const KIB = 1024;
const testDevice = { device: "the test device", ddrBytes: 512 * KIB, pipelineBytes: Math.round(358.82 * KIB) };
const DDR = /more than the 512 KiB of DDR the test device has$/;
const PIPELINE = /more than the 358\.8 KiB of DDR a running DepthAI pipeline has$/;

runRuleTests("myriad/device-memory", deviceMemoryRuleFor(testDevice), {
  valid: [
    { name: "a 64x64 image", model: () => relu(F([1, 3, 64, 64])) },
    // 100k float32 elements: 390.6 KiB as float32, 195.3 KiB as FP16 on the device.
    { name: "near miss: above the pipeline's DDR as float32, below it as FP16", model: () => relu(F([1, 4, 100, 250])) },
    // 3 × 60k × 2 bytes = 351.6 KiB.
    { name: "near miss: weights just under the pipeline's DDR", model: () => threeWeights(60_000, zeros) },
  ],
  invalid: [
    {
      name: "a tensor larger than the device's DDR (a 300x300 image, in and out)",
      model: () => relu(F([1, 3, 300, 300])),
      errors: [
        {
          rule: "myriad/device-memory",
          node: "x",
          message: /^"x" is float32\[1,3,300,300\]: 527\.3 KiB as FP16 on the device, /,
          fixable: false,
        },
        { rule: "myriad/device-memory", node: "n/ReLU", message: DDR, fixable: false },
      ],
    },
    {
      name: "a tensor between the pipeline's DDR and the device's",
      model: () => relu(F([1, 3, 200, 320])),
      errors: [
        { rule: "myriad/device-memory-tight", node: "x", message: PIPELINE, fixable: false },
        { rule: "myriad/device-memory-tight", node: "n/ReLU", message: PIPELINE, fixable: false },
      ],
    },
    {
      // 3 × 100k × 2 bytes = 585.9 KiB, no single tensor above the pipeline's 358.8 KiB.
      name: "weights that together exceed the device's DDR, each of them small enough",
      model: () => threeWeights(100_000, zeros),
      errors: [
        {
          rule: "myriad/device-memory",
          node: "n/w1",
          message: /^the weights take 585\.9 KiB on the device \(3 constants, the largest "n\/w1" with 195\.3 KiB\), more than the 512 KiB/,
          fixable: false,
        },
      ],
    },
  ],
});

describe("MyriadX's DDR", () => {
  const lint = (m: ReturnType<typeof relu>) =>
    lintOpenvino(m, valueTypes(m, "t"), [deviceMemoryRule]).map((f) => `${f.rule} ${f.node}: ${f.message}`);

  it("is 512 MiB, and the warning starts at the 358.82 MiB a pipeline has", () => {
    expect(MYRIAD_DDR_BYTES).toBe(512 * 1024 * 1024);
    expect(MYRIAD_PIPELINE_DDR_BYTES).toBe(Math.round(358.82 * 1024 * 1024));
  });

  it("a 12000x12000 image does not fit (824 MiB as FP16), a 1x4x5000x5000 one does (381 MiB as float32, 191 MiB as FP16)", () => {
    const tail = "is float32[1,3,12000,12000]: 824.0 MiB as FP16 on the device, more than the 512 MiB of DDR an OAK camera or NCS2 has";
    expect(lint(relu(F([1, 3, 12000, 12000])))).toEqual([
      `myriad/device-memory x: "x" ${tail}`,
      `myriad/device-memory n/ReLU: "n/ReLU_out" ${tail}`,
    ]);
    expect(lint(relu(F([1, 4, 5000, 5000])))).toEqual([]);
  });

  it("572 MiB of weights do not fit, and are never read to find out", () => {
    expect(lint(threeWeights(100_000_000, unreadable))).toEqual([
      'myriad/device-memory n/w1: the weights take 572.2 MiB on the device (3 constants, the largest "n/w1" with 190.7 MiB), ' +
        "more than the 512 MiB of DDR an OAK camera or NCS2 has",
    ]);
  });

  it("is among lint's rules", () => {
    const m = relu(F([1, 3, 12000, 12000]));
    expect(lintOpenvino(m, valueTypes(m, "t")).map((f) => f.rule)).toContain("myriad/device-memory");
  });
});

describe("device sizes", () => {
  it("floats count as FP16, 64-bit integers as I32, bytes as bytes; overflowing shapes as infinite", () => {
    expect(deviceBytes("float32", [2, 3])).toBe(12);
    expect(deviceBytes("float16", [2, 3])).toBe(12);
    expect(deviceBytes("int64", [5])).toBe(20);
    expect(deviceBytes("uint8", [7])).toBe(7);
    expect(deviceBytes("int8", [7])).toBe(7);
    expect(deviceBytes("float32", [2 ** 40, 2 ** 40])).toBe(Number.POSITIVE_INFINITY);
  });
});
