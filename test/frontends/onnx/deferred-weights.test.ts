/**
 * Large weights left in the model file (load-model.ts, src/util/deferred-bytes.ts): a model
 * loaded from a file has them deferred, gives the same values as the whole-file read, and `fix`
 * copies them from file to file without holding them; the file stays open for them, so
 * replacing it does not change what is read, and a file changed in place is refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { convert } from "../../../src/api/convert.js";
import { fix } from "../../../src/api/fix.js";
import { loadModel, readModelSource } from "../../../src/frontends/load-model.js";
import { loadOnnxBytes } from "../../../src/frontends/onnx/load.js";
import { saveOnnxFile } from "../../../src/frontends/onnx/save.js";
import { UNREAD_MIN_BYTES } from "../../../src/frontends/onnx/unread-weights.js";
import { openModel } from "../../../src/frontends/open-model.js";
import type { Model } from "../../../src/ir/model.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { lintFile, lintLoadedModel } from "../../../src/lint/lint-file.js";
import { MyriadcError } from "../../../src/util/errors.js";
import { GraphBuilder } from "../../support/build.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-deferred-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = UNREAD_MIN_BYTES; // elements: 4 × the threshold in bytes
const values = (seed: number) => Float32Array.from({ length: N }, (_, i) => Math.sin(i * 0.37 + seed));
/** w3's values: some beyond FP16's range and some below it, for the FP16 checks. */
const outOfFp16 = () => values(3).map((v, i) => (i % 1000 === 7 ? v * 1e6 : i % 1000 === 9 ? v * 1e-9 : v));

/** x + w1 + w2 + w1copy + small, where w1copy equals w1 (CSE merges them) — saved at a fresh path, above 1 MiB. */
function savedModel(name: string): string {
  const b = new GraphBuilder(13);
  let v = b.input("x", "float32", [N]);
  for (const [n, t] of [
    ["w1", Tensor.fromArray("float32", [N], values(1))],
    ["w2", Tensor.fromArray("float32", [N], values(2))],
    ["w1copy", Tensor.fromArray("float32", [N], values(1))],
    ["w3", Tensor.fromArray("float32", [N], outOfFp16())],
    ["small", Tensor.fromArray("float32", [1], values(4).subarray(0, 1))],
  ] as const) {
    v = b.op("Add", [v, b.const(n, t)])[0]!;
  }
  b.output(v);
  const path = join(dir, name);
  saveOnnxFile(b.model(), path);
  return path;
}

function initializer(m: Model, name: string): Tensor {
  return m.graph.initializers.get(name)!.initializer!;
}

describe("weights left in the model file", () => {
  const path = savedModel("m.onnx");

  it("are deferred when loaded from the file, small tensors are not", () => {
    const { model } = loadModel(path);
    for (const name of ["w1", "w2", "w1copy", "w3"]) {
      expect(initializer(model, name).deferred).toBeDefined();
      expect(initializer(model, name).deferred!.loaded).toBeUndefined();
    }
    expect(initializer(model, "small").deferred).toBeUndefined();
  });

  it("give the values the whole-file read gives", () => {
    const { model } = loadModel(path);
    const whole = loadOnnxBytes(readFileSync(path), path).model;
    for (const name of ["w1", "w2", "w1copy", "w3", "small"])
      expect(Buffer.compare(Buffer.from(initializer(model, name).bytes()), Buffer.from(initializer(whole, name).bytes()))).toBe(0);
  });

  it("are copied by fix + save without being read into the model (CSE compares them in the file)", () => {
    const loaded = loadModel(path);
    const weights = ["w1", "w2", "w3"].map((n) => initializer(loaded.model, n));
    const report = fix(loaded, {});
    expect(report.nodesAfter).toBe(report.nodesBefore); // nothing to fold: every Add reads the input
    expect(loaded.model.graph.initializers.has("w1copy")).toBe(false); // merged into w1
    const out = join(dir, "fixed.onnx");
    saveOnnxFile(loaded.model, out);
    for (const t of weights) expect(t.deferred!.loaded).toBeUndefined();
    // The same file as fix on the whole-file read writes.
    const whole = loadOnnxBytes(readFileSync(path), path);
    fix(whole.model, {});
    const reference = join(dir, "fixed-whole.onnx");
    saveOnnxFile(whole.model, reference);
    expect(Buffer.compare(readFileSync(out), readFileSync(reference))).toBe(0);
  });

  for (const dataType of ["FP16", "FP32"] as const) {
    it(`are converted to an ${dataType} IR from the file, never held, into the .bin the whole-file read gives`, () => {
      const loaded = loadModel(path);
      const weights = ["w1", "w2", "w3"].map((n) => initializer(loaded.model, n));
      const bin = convert(loaded, { dataType, file: path }).bin;
      for (const t of weights) expect(t.deferred!.loaded).toBeUndefined();
      const whole = convert(loadOnnxBytes(readFileSync(path), path).model, { dataType, file: path }).bin;
      expect(Buffer.compare(Buffer.from(bin), Buffer.from(whole))).toBe(0);
    });
  }

  it("are checked for FP16 range by lint in the file, finding what the whole-file read finds", () => {
    const fp16 = (findings: readonly { rule: string; message: string }[]) =>
      findings.filter((f) => f.rule.startsWith("myriad/fp16-")).map((f) => `${f.rule} ${f.message}`);
    expect(readModelSource(path).unread).toBeDefined();
    const found = fp16(lintFile(path).findings);
    expect(found).toHaveLength(2);
    const whole = lintLoadedModel(() => openModel({ name: path, bytes: readFileSync(path) }), path);
    expect(found).toEqual(fp16(whole.findings));
  });

  it("are read once for every open of one source (lint opens a model twice)", () => {
    const source = readModelSource(path);
    const a = initializer(openModel(source).model, "w2");
    const b = initializer(openModel(source).model, "w2");
    expect(a.deferred).toBe(b.deferred);
    expect(a.bytes()).toBe(b.bytes());
  });

  it("are still read from the loaded file after it is replaced (saved over itself)", () => {
    const own = savedModel("own.onnx");
    const { model } = loadModel(own);
    saveOnnxFile(model, own); // fix m.onnx -o m.onnx
    writeFileSync(own, "replaced"); // and then replaced in place: the held file is the old one
    expect([...initializer(model, "w3").toFloat32().subarray(0, 3)]).toEqual([...outOfFp16().subarray(0, 3)]);
  });

  it("are refused, naming the file, when the file was changed in place", () => {
    const changed = savedModel("changed.onnx");
    const { model } = loadModel(changed);
    writeFileSync(changed, readFileSync(changed).subarray(0, 1000)); // same inode, other contents
    let error: unknown;
    try {
      initializer(model, "w2").bytes();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MyriadcError);
    expect((error as MyriadcError).message).toMatch(/was changed while myriadc was using it/);
    expect((error as MyriadcError).file).toBe(changed);
  });
});
