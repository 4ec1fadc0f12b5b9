/** The .bin layout: alignment, deduplication by stored bytes, and streaming equal to the whole. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type IrWeights, WeightsLayout } from "../../src/emit/ir-weights.js";
import { encodeIrXml, writeIr } from "../../src/emit/openvino-ir.js";
import { type IrNet, irNetFromXml } from "../../src/frontends/openvino/ir-document.js";
import { PAIR_TRAILER_BYTES, pairTrailer, recordedPair, withPairId } from "../../src/frontends/openvino/ir-pair.js";
import { ContentHasher, contentHash, sameBytes } from "../../src/ir/content-hash.js";
import { float32ArrayToFp16 } from "../../src/ir/numeric/float-bits.js";
import { Tensor } from "../../src/ir/tensor.js";
import { parseXml } from "../../src/util/xml.js";

const f32 = (values: number[], dims = [values.length]) => Tensor.fromArray("float32", dims, Float32Array.from(values));

/** A float32 tensor whose bytes sit at an odd offset, as ONNX raw_data often does. */
function unaligned(values: Float32Array): Tensor {
  const backing = new Uint8Array(values.byteLength + 1);
  backing.set(new Uint8Array(values.buffer), 1);
  return Tensor.fromBytes("float32", [values.length], backing.subarray(1));
}

describe("WeightsLayout", () => {
  it("places constants 8-byte aligned and stores identical ones once", () => {
    const w = new WeightsLayout();
    const a = w.place(f32([1, 2, 3]), "float32");
    const b = w.place(f32([4]), "float32");
    const again = w.place(f32([1, 2, 3]), "float32");
    const otherShape = w.place(f32([1, 2, 3], [3, 1]), "float32");
    expect(a).toMatchObject({ offset: 0, size: 12 });
    expect(b).toMatchObject({ offset: 16, size: 4 });
    expect(again.offset).toBe(a.offset);
    expect(otherShape.offset).toBe(24);
    expect(w.byteLength).toBe(36);
    const bytes = w.toBytes();
    expect(Array.from(new Float32Array(bytes.buffer, 0, 3))).toEqual([1, 2, 3]);
    expect(Array.from(new Float32Array(bytes.buffer, 16, 1))).toEqual([4]);
    expect(Array.from(bytes.subarray(12, 16))).toEqual([0, 0, 0, 0]);
  });

  it("FP16: stores the converted bits, and merges constants that differ only below float16 precision", () => {
    const w = new WeightsLayout();
    const a = w.place(f32([1, 0.1, -3]), "float16");
    const nearlySame = w.place(f32([1 + 2 ** -20, 0.1, -3]), "float16");
    expect(nearlySame.offset).toBe(a.offset);
    expect(a.size).toBe(6);
    expect(Array.from(new Uint16Array(w.toBytes().buffer, 0, 3))).toEqual(Array.from(float32ArrayToFp16(Float32Array.of(1, 0.1, -3))));
  });

  it("FP16: compares constants longer than a conversion block by their stored bytes, to the last block", () => {
    const n = 200_000; // a little over three 65,536-value blocks
    const base = new Float32Array(n).map((_, i) => Math.cos(i) * 100);
    const w = new WeightsLayout();
    const a = w.place(unaligned(base), "float16");
    const belowPrecision = base.slice();
    belowPrecision[n - 1] = belowPrecision[n - 1]! * (1 + 2 ** -20);
    const lastDiffers = base.slice();
    lastDiffers[n - 1] = lastDiffers[n - 1]! + 1;
    expect(w.place(Tensor.fromArray("float32", [n], belowPrecision), "float16").offset).toBe(a.offset);
    const other = w.place(Tensor.fromArray("float32", [n], lastDiffers), "float16");
    expect(other.offset).toBeGreaterThan(a.offset);
    expect(w.byteLength).toBe(other.offset + 2 * n);
  });

  it("FP16: a float16 constant and a float32 one that rounds to the same values are stored once", () => {
    const values = new Float32Array(70_000).map((_, i) => (i % 977) / 8);
    const half = Tensor.fromBytes("float16", [values.length], new Uint8Array(float32ArrayToFp16(values).buffer));
    const w = new WeightsLayout();
    const a = w.place(half, "float16");
    expect(w.place(Tensor.fromArray("float32", [values.length], values), "float16").offset).toBe(a.offset);
    expect(w.byteLength).toBe(2 * values.length);
  });

  it("streams the same bytes it builds whole, from unaligned float32 views", () => {
    const big = new Float32Array(300_000).map((_, i) => Math.sin(i) * 1000);
    const small = Array.from({ length: 500 }, (_, i) => f32([i, i + 0.5]));
    for (const stored of ["float32", "float16"] as const) {
      const w = new WeightsLayout();
      w.place(unaligned(big), stored);
      for (const t of small) w.place(t, stored);
      w.place(unaligned(big.map((x) => -x)), stored);
      const pieces: Uint8Array[] = [];
      w.writeTo((p) => pieces.push(p.slice()));
      const streamed = Buffer.concat(pieces);
      expect(streamed.byteLength).toBe(w.byteLength);
      expect(Buffer.compare(streamed, Buffer.from(w.toBytes()))).toBe(0);
      if (stored === "float16") {
        const want = float32ArrayToFp16(big);
        expect(Buffer.compare(streamed.subarray(0, want.byteLength), Buffer.from(want.buffer))).toBe(0);
      } else {
        expect(Buffer.compare(streamed.subarray(0, big.byteLength), Buffer.from(big.buffer))).toBe(0);
      }
    }
  });
});

describe("contentHash", () => {
  it("depends on every byte, on the length, and not on alignment", () => {
    const bytes = new Uint8Array(1001).map((_, i) => (i * 31) & 0xff);
    const h = contentHash(bytes);
    const seen = new Set([h]);
    for (const i of [0, 1, 500, 997, 1000]) {
      const changed = bytes.slice();
      changed[i]! ^= 1;
      seen.add(contentHash(changed));
    }
    seen.add(contentHash(bytes.subarray(0, 1000)));
    expect(seen.size).toBe(7);
    const shifted = new Uint8Array(1002);
    shifted.set(bytes, 1);
    expect(contentHash(shifted.subarray(1))).toBe(h);
  });
});

describe("ContentHasher and sameBytes", () => {
  it("hashes pieces of any size and alignment as it hashes their concatenation", () => {
    const bytes = new Uint8Array(70_001).map((_, i) => (i * 2654435761) >>> 24);
    const whole = contentHash(bytes);
    for (const cuts of [[1, 2, 3], [4, 8, 65_536], [7, 13, 40_000, 69_999], [70_000]]) {
      const h = new ContentHasher();
      let from = 0;
      for (const to of [...cuts, bytes.length]) {
        h.update(bytes.subarray(from, to));
        from = to;
      }
      expect(h.digest()).toBe(whole);
    }
    // The words' order matters, not only their multiset: swapping two words changes the hash.
    const swapped = bytes.slice();
    swapped.set(bytes.subarray(0, 4), 4);
    swapped.set(bytes.subarray(4, 8), 0);
    expect(contentHash(swapped)).not.toBe(whole);
  });

  it("sameBytes compares aligned and unaligned ranges", () => {
    const a = new Uint8Array(1001).map((_, i) => i & 0xff);
    const shifted = new Uint8Array(1002);
    shifted.set(a, 1);
    expect(sameBytes(a, shifted.subarray(1))).toBe(true);
    expect(sameBytes(a, a.slice())).toBe(true);
    for (const i of [0, 3, 999, 1000]) {
      const b = a.slice();
      b[i]! ^= 0x80;
      expect(sameBytes(a, b)).toBe(false);
    }
    expect(sameBytes(a, a.subarray(0, 1000))).toBe(false);
  });
});

describe("writeIr", () => {
  const net: IrNet = {
    attributes: [
      ["name", "n"],
      ["version", "11"],
    ],
    layers: [],
    edges: [],
    extra: [],
    order: ["layers", "edges"],
  };

  // FP16 blocks are converted into one reused buffer, so the writer must copy or write each piece before the next.
  it("writes a streamed .bin of many small pieces and large views exactly, float32 and FP16", () => {
    const dir = mkdtempSync(join(tmpdir(), "myriadc-weights-"));
    try {
      for (const stored of ["float32", "float16"] as const) {
        const w = new WeightsLayout();
        for (let i = 0; i < 3000; i++) w.place(f32([i, -i, i / 3]), stored);
        w.place(unaligned(new Float32Array(400_000).map((_, i) => i / 7)), stored);
        for (let i = 0; i < 100; i++) w.place(f32([i / 11, 5000 + i]), stored);
        writeIr(join(dir, "m.xml"), join(dir, "m.bin"), net, w);
        // The .bin is the weights and the pair trailer; the .xml is the net with the pair recorded.
        const xml = readFileSync(join(dir, "m.xml"), "utf8");
        const pair = recordedPair(irNetFromXml(parseXml(xml)), "m.xml")!;
        expect(pair.binSize).toBe(w.byteLength + PAIR_TRAILER_BYTES);
        const want = Buffer.concat([w.toBytes(), pairTrailer(pair.id)]);
        expect(Buffer.compare(readFileSync(join(dir, "m.bin")), want)).toBe(0);
        expect(xml).toBe(encodeIrXml(withPairId(net, pair)));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves no file behind when producing the weights fails midway", () => {
    const dir = mkdtempSync(join(tmpdir(), "myriadc-weights-"));
    try {
      const failing: IrWeights = {
        byteLength: 8,
        writeTo(write) {
          write(new Uint8Array(4));
          throw new Error("external data vanished");
        },
        toBytes: () => new Uint8Array(8),
      };
      expect(() => writeIr(join(dir, "m.xml"), join(dir, "m.bin"), net, failing)).toThrow(/vanished/);
      expect(existsSync(join(dir, "m.bin"))).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
