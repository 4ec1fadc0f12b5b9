/**
 * Reading an ONNX file without its large weights (src/frontends/onnx/unread-weights.ts): the
 * payloads it leaves unread are exactly the large raw_data fields, wherever they are
 * (initializers, Constant nodes, subgraphs); everything else is read as the file has it; and a
 * file the walk cannot follow is left to the ordinary read.
 */
import { describe, expect, it } from "vitest";
import { encodeOnnx } from "../../../src/frontends/onnx/save.js";
import { readWithoutWeights, UNREAD_MIN_BYTES } from "../../../src/frontends/onnx/unread-weights.js";
import { attr } from "../../../src/ir/attribute.js";
import { Graph } from "../../../src/ir/graph.js";
import { Node } from "../../../src/ir/node.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { tensorType } from "../../../src/ir/types.js";
import { Value } from "../../../src/ir/value.js";
import { GraphBuilder } from "../../support/build.js";

/** A float tensor of `n` elements whose bytes are all non-zero (so a left-out byte shows as 0). */
function filled(n: number, seed: number): Tensor {
  return Tensor.fromArray(
    "float32",
    [n],
    Float32Array.from({ length: n }, (_, i) => 1 + ((i * 7 + seed) % 97) / 3),
  );
}

/** A model with large payloads in an initializer, a Constant node and a subgraph's Constant, and small ones beside them. */
function modelFile(): { bytes: Uint8Array; large: Tensor[] } {
  const big = UNREAD_MIN_BYTES / 4 + 3;
  const large = [filled(big, 1), filled(big + 10, 2), filled(big + 20, 3)];
  const b = new GraphBuilder(13);
  const x = b.input("x", "float32", [big]);
  const y = b.op("Add", [x, b.const("w", large[0]!)])[0]!;
  const z = b.op("Add", [y, b.const("small", filled(16, 4))])[0]!;
  const c = b.op("Constant", [], { value: attr.tensor(large[1]!) })[0]!;
  const sum = b.op("Add", [z, c])[0]!;
  const branch = (name: string, t: Tensor): Graph => {
    const g = new Graph(name);
    const out = new Value(`${name}_out`, tensorType("float32", [t.dims[0]!]));
    g.appendNode(
      new Node({ opType: "Constant", version: 13, name: `${name}_c`, inputs: [], outputs: [out], attributes: { value: attr.tensor(t) } }),
    );
    g.addOutput(out);
    return g;
  };
  const cond = b.input("cond", "bool", []);
  const chosen = b.op("If", [cond], {
    then_branch: attr.graph(branch("then", large[2]!)),
    else_branch: attr.graph(branch("else", filled(8, 5))),
  })[0]!;
  b.output(sum);
  b.output(chosen);
  return { bytes: encodeOnnx(b.model()), large };
}

/** Reads `file` through readWithoutWeights, noting every range it reads. */
function walk(file: Uint8Array, minBytes?: number) {
  const reads: [number, number][] = [];
  const result = readWithoutWeights(
    file.byteLength,
    (into, offset) => {
      reads.push([offset, into.byteLength]);
      into.set(file.subarray(offset, offset + into.byteLength));
    },
    minBytes,
  );
  return { result, reads };
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe("readWithoutWeights", () => {
  const { bytes: file, large } = modelFile();

  it("leaves out exactly the large raw_data payloads: an initializer's, a Constant's, a subgraph Constant's", () => {
    const { result } = walk(file);
    const expected = large
      .map((t) => ({ offset: indexOfBytes(file, t.bytes()), length: t.byteLength }))
      .sort((a, b) => a.offset - b.offset);
    expect(expected.every((r) => r.offset > 0)).toBe(true);
    expect(result!.unread).toEqual(expected);
  });

  it("has every other byte as the file has it, and zeros where it left a payload out", () => {
    const { result } = walk(file);
    const { bytes, unread } = result!;
    const inUnread = (i: number) => unread.some((r) => i >= r.offset && i < r.offset + r.length);
    let differing = 0;
    for (let i = 0; i < file.length; i++) if (!inUnread(i) && bytes[i] !== file[i]) differing++;
    expect(differing).toBe(0);
    for (const r of unread) expect(bytes.subarray(r.offset, r.offset + r.length).every((v) => v === 0)).toBe(true);
  });

  it("reads little of a payload it leaves out (at most a first read-ahead's worth)", () => {
    const { result, reads } = walk(file);
    for (const r of result!.unread) {
      const overlap = reads.reduce((n, [o, l]) => n + Math.max(0, Math.min(o + l, r.offset + r.length) - Math.max(o, r.offset)), 0);
      expect(overlap).toBeLessThanOrEqual(256);
    }
  });

  it("leaves nothing out when no payload reaches the threshold", () => {
    const { result } = walk(file, 1 << 30);
    expect(result!.unread).toEqual([]);
    expect(Buffer.compare(Buffer.from(result!.bytes), Buffer.from(file))).toBe(0);
  });

  // Files the walk cannot follow: the ordinary read (and its decoder's message) takes over.
  const invalid: [string, Uint8Array][] = [
    ["a truncated file", file.subarray(0, file.length - 100)],
    ["a group (wire type 3)", Uint8Array.from([0x0b, 0x0c])],
    ["a length past the end", Uint8Array.from([0x3a, 0x7f, 0x00])],
    ["an unused wire type (7)", Uint8Array.from([0x0f])],
    ["a varint of more than ten bytes", Uint8Array.from([0x08, ...new Array(11).fill(0xff)])],
  ];
  for (const [what, bytes] of invalid) {
    it(`gives up on ${what}`, () => {
      expect(walk(bytes).result).toBeUndefined();
    });
  }
});
