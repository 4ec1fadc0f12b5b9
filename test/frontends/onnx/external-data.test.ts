/**
 * External data: ranges past 2 GiB (Node's readFileSync limit) are read, offsets honoured,
 * and saving moves tensors out, aligned, in one atomic step.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../../src/frontends/load-model.js";
import { readRange } from "../../../src/frontends/onnx/external-data.js";
import { saveOnnxFile } from "../../../src/frontends/onnx/save.js";
import { externalModel } from "../../support/tiny-models.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-ext-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("external data", () => {
  it("reads a tensor stored beyond 2 GiB in a sparse data file", () => {
    const offset = 2 ** 31 + 4096 * 3; // past the 2 GiB readFileSync limit
    const data = join(dir, "big.bin");
    const fd = openSync(data, "w");
    // Writing only at the far offset leaves a sparse file: no real disk is used for the hole.
    writeSync(fd, new Uint8Array(new Float32Array([1.5, -2.25]).buffer), 0, 8, offset);
    closeSync(fd);
    expect(statSync(data).size).toBe(offset + 8);
    writeFileSync(join(dir, "big.onnx"), externalModel("big.bin", 8, offset));
    const w = loadOnnxFile(join(dir, "big.onnx")).model.graph.initializers.get("w")!.initializer!;
    expect(w.external?.offset).toBe(offset);
    expect(Array.from(w.toFloat32())).toEqual([1.5, -2.25]);
  });

  it("readRange returns exactly the requested bytes", () => {
    const p = join(dir, "r.bin");
    writeFileSync(
      p,
      Uint8Array.from({ length: 100 }, (_, i) => i),
    );
    expect(Array.from(readRange(p, 10, 5))).toEqual([10, 11, 12, 13, 14]);
    expect(() => readRange(p, 98, 5)).toThrow(/unexpected end/);
  });

  it("save moves tensors at or above the threshold out, page-aligned when large, and loads back", () => {
    const src = join(dir, "src");
    rmSync(src, { recursive: true, force: true });
    mkdir(src);
    writeFileSync(join(src, "w.bin"), new Uint8Array(new Float32Array([3, 4]).buffer));
    writeFileSync(join(src, "m.onnx"), externalModel("w.bin"));
    const model = loadOnnxFile(join(src, "m.onnx")).model;
    const out = join(dir, "out");
    mkdir(out);
    const r = saveOnnxFile(model, join(out, "saved.onnx"), { externalData: "always", threshold: 4 });
    expect(r.externalFile).toBe("saved.onnx.data");
    expect(r.externalBytes).toBe(8);
    expect(readdirSync(out).sort()).toEqual(["saved.onnx", "saved.onnx.data"]);
    const back = loadOnnxFile(join(out, "saved.onnx")).model.graph.initializers.get("w")!.initializer!;
    expect(back.external?.location).toBe("saved.onnx.data");
    expect(Array.from(back.toFloat32())).toEqual([3, 4]);
  });

  it("save below the threshold keeps tensors inline and writes no data file", () => {
    writeFileSync(join(dir, "w2.bin"), new Uint8Array(8));
    writeFileSync(join(dir, "m2.onnx"), externalModel("w2.bin"));
    const model = loadOnnxFile(join(dir, "m2.onnx")).model;
    const out = join(dir, "out2");
    mkdir(out);
    const r = saveOnnxFile(model, join(out, "inline.onnx"), { externalData: "always", threshold: 1024 });
    expect(r.externalFile).toBeUndefined();
    expect(readdirSync(out)).toEqual(["inline.onnx"]);
    expect(loadOnnxFile(join(out, "inline.onnx")).model.graph.initializers.get("w")!.initializer!.external).toBeUndefined();
  });

  it("a failed save leaves nothing behind", () => {
    writeFileSync(join(dir, "w3.bin"), new Uint8Array(8));
    writeFileSync(join(dir, "m3.onnx"), externalModel("w3.bin"));
    const model = loadOnnxFile(join(dir, "m3.onnx")).model;
    const missing = join(dir, "no-such-folder", "x.onnx");
    expect(() => saveOnnxFile(model, missing)).toThrow();
    expect(existsSync(join(dir, "no-such-folder"))).toBe(false);
  });
});

/** A fresh empty folder. */
function mkdir(p: string): string {
  rmSync(p, { recursive: true, force: true });
  mkdirSync(p, { recursive: true });
  return p;
}
