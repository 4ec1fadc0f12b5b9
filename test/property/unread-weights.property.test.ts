/**
 * A corrupted model file read without its weights (load-model.ts, onnx/unread-weights.ts)
 * never crashes the loader: it loads — and then every weight reads, or fails with a typed
 * MyriadcError — or the load fails with one. The corruptions land on the file's structure (a
 * flip inside a weight's payload is only a different value) or cut it anywhere.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/frontends/load-model.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { readWithoutWeights } from "../../src/frontends/onnx/unread-weights.js";
import { Tensor } from "../../src/ir/tensor.js";
import { MyriadcError } from "../../src/util/errors.js";
import { GraphBuilder } from "../support/build.js";
import { byteFlips, truncation } from "../support/corruption.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-unread-prop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 1.2 MB model (read without its weights: above 1 MiB) whose weights are five 240 KB initializers. */
function modelBytes(): Uint8Array {
  const n = 60_000;
  const b = new GraphBuilder(13);
  let v = b.input("x", "float32", [n]);
  for (let k = 0; k < 5; k++) {
    const w = Tensor.fromArray(
      "float32",
      [n],
      Float32Array.from({ length: n }, (_, i) => Math.cos(i + k)),
    );
    v = b.op(k % 2 ? "Mul" : "Add", [v, b.const(`w${k}`, w)])[0]!;
  }
  b.output(v);
  const path = join(dir, "source.onnx");
  saveOnnxFile(b.model(), path);
  return readFileSync(path);
}

describe("a corrupted model file read without its weights", () => {
  const good = modelBytes();
  const walked = readWithoutWeights(good.length, (into, offset) => into.set(good.subarray(offset, offset + into.length)));
  const structure: number[] = [];
  for (let i = 0, r = 0; i < good.length; i++) {
    const u = walked!.unread[r];
    if (u && i >= u.offset) {
      i = u.offset + u.length - 1;
      r++;
    } else structure.push(i);
  }

  it("has its weights left unread when intact (the corruptions below test that path)", () => {
    expect(good.length).toBeGreaterThan(1 << 20);
    expect(walked!.unread).toHaveLength(5);
  });

  it("loads, or fails with a MyriadcError, and so does reading its weights", () => {
    const corruption = fc.oneof(byteFlips, truncation);
    let n = 0;
    fc.assert(
      fc.property(corruption, (c) => {
        const bad = c.kind === "truncate" ? good.slice(0, (1 << 20) + (c.at[0]! % (good.length - (1 << 20)))) : good.slice();
        if (c.kind === "flip") for (const a of c.at) bad[structure[a % structure.length]!]! ^= c.xor;
        const path = join(dir, `bad-${n++}.onnx`);
        writeFileSync(path, bad);
        try {
          const { model } = loadModel(path);
          for (const v of model.graph.initializers.values()) v.initializer?.bytes();
        } catch (e) {
          if (!(e instanceof MyriadcError)) throw e;
        } finally {
          rmSync(path, { force: true });
        }
      }),
      { numRuns: 150, seed: 1337 },
    );
  });
});
