/**
 * The validation step refuses what the ONNX specification forbids and nothing more: the edge
 * cases the specification allows (negative Gather indices, Flatten at axis = rank, depthwise
 * Conv, a Reshape 0 without allowzero) must pass.
 */
import { describe, expect, it } from "vitest";
import { attr } from "../../src/ir/attribute.js";
import { findModelProblems } from "../../src/validate/validate.js";
import { GraphBuilder } from "../support/build.js";

function problems(build: (b: GraphBuilder) => void): string[] {
  const b = new GraphBuilder(13);
  build(b);
  return findModelProblems(b.model(), "onnx").map((p) => p.message);
}

describe("validation accepts what the specification allows", () => {
  it("negative Gather indices within the axis", () => {
    expect(
      problems((b) => b.output(b.op("Gather", [b.input("x", "float32", [2, 3]), b.ints("i", [-3, 2])], { axis: attr.int(1) })[0]!)),
    ).toEqual([]);
  });

  it("Flatten at axis = rank and axis = -rank", () => {
    for (const axis of [2, -2])
      expect(problems((b) => b.output(b.op("Flatten", [b.input("x", "float32", [2, 3])], { axis: attr.int(axis) })[0]!))).toEqual([]);
  });

  it("a depthwise Conv (group = channels)", () => {
    expect(
      problems((b) => {
        const w = b.floats("w", new Array(8 * 9).fill(0), [8, 1, 3, 3]);
        b.output(b.op("Conv", [b.input("x", "float32", [1, 8, 5, 5]), w], { group: attr.int(8), kernel_shape: attr.ints([3, 3]) })[0]!);
      }),
    ).toEqual([]);
  });

  it("a Reshape with 0 and -1 when allowzero is 0", () => {
    expect(problems((b) => b.output(b.op("Reshape", [b.input("x", "float32", [2, 3]), b.ints("s", [0, -1])])[0]!))).toEqual([]);
  });
});

describe("validation refuses what the specification forbids", () => {
  it("a Gather index one past the end", () => {
    expect(
      problems((b) => b.output(b.op("Gather", [b.input("x", "float32", [2, 3]), b.ints("i", [3])], { axis: attr.int(1) })[0]!)),
    ).toEqual([expect.stringMatching(/index 3 is out of range for axis 1 of size 3/)]);
  });

  it("Flatten past the rank", () => {
    expect(problems((b) => b.output(b.op("Flatten", [b.input("x", "float32", [2, 3])], { axis: attr.int(3) })[0]!))).toEqual([
      expect.stringMatching(/axis 3 is outside rank 2/),
    ]);
  });

  it("a Transpose perm that repeats an axis", () => {
    expect(problems((b) => b.output(b.op("Transpose", [b.input("x", "float32", [2, 3])], { perm: attr.ints([1, 1]) })[0]!))).toEqual([
      expect.stringMatching(/perm \[1,1\] is not a permutation/),
    ]);
  });

  it("Reshape with allowzero=1, a 0 and a -1", () => {
    expect(
      problems((b) => b.output(b.op("Reshape", [b.input("x", "float32", [2, 3]), b.ints("s", [0, -1])], { allowzero: attr.int(1) })[0]!)),
    ).toEqual([expect.stringMatching(/may not hold both 0 and -1/)]);
  });

  it("Range with a delta of 0", () => {
    expect(problems((b) => b.output(b.op("Range", [b.floats("a", [0], []), b.floats("l", [5], []), b.floats("d", [0], [])])[0]!))).toEqual([
      expect.stringMatching(/delta is 0/),
    ]);
  });
});
