/**
 * Property: any model built through the IR survives save → load unchanged, with tensors
 * inline or in an external-data file; and corrupting a saved model's bytes never crashes
 * the loader: it loads, or it fails with a typed MyriadcError.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { summarizeModel } from "../../src/analysis/summary.js";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { loadOnnxBytes } from "../../src/frontends/onnx/load.js";
import { encodeOnnx, saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { verifyModel } from "../../src/ir/verify.js";
import { MyriadcError } from "../../src/util/errors.js";
import { byteFlips, truncation } from "../support/corruption.js";
import { dumpModel } from "../support/model-dump.js";
import { buildModel, modelSpecArb } from "../support/random-model.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-prop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("random models", () => {
  it("build a valid graph (the generator itself is sound)", () => {
    fc.assert(
      fc.property(modelSpecArb, (spec) => {
        const errors = verifyModel(buildModel(spec)).filter((p) => p.severity === "error");
        expect(errors.map((e) => e.message)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("survive encode → decode unchanged", () => {
    fc.assert(
      fc.property(modelSpecArb, (spec) => {
        const model = buildModel(spec);
        const back = loadOnnxBytes(encodeOnnx(model), "random.onnx").model;
        expect(dumpModel(back)).toEqual(dumpModel(model));
      }),
      { numRuns: 300 },
    );
  });

  it("survive save → load with every tensor in an external-data file", () => {
    let n = 0;
    fc.assert(
      fc.property(modelSpecArb, (spec) => {
        const model = buildModel(spec);
        const path = join(dir, `m${n++}.onnx`);
        saveOnnxFile(model, path, { externalData: "always", threshold: 0 });
        const back = loadOnnxFile(path).model;
        expect(dumpModel(back)).toEqual(dumpModel(model));
      }),
      { numRuns: 100 },
    );
  });

  it("never crash the loader when their bytes are corrupted", () => {
    const corruption = fc.oneof(
      byteFlips,
      truncation,
      fc.record({
        kind: fc.constant("splice" as const),
        at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        xor: fc.integer({ min: 0, max: 255 }),
      }),
    );
    fc.assert(
      fc.property(modelSpecArb, corruption, (spec, c) => {
        const bytes = encodeOnnx(buildModel(spec));
        let bad: Uint8Array;
        if (c.kind === "truncate") bad = bytes.slice(0, c.at[0]! % bytes.length);
        else if (c.kind === "flip") {
          bad = bytes.slice();
          for (const a of c.at) bad[a % bad.length] = bad[a % bad.length]! ^ c.xor;
        } else {
          const parts = [
            bytes.slice(0, c.at[0]! % bytes.length),
            new Uint8Array(c.at.map((a) => (a + c.xor) & 0xff)),
            bytes.slice(c.at[0]! % bytes.length),
          ];
          bad = Buffer.concat(parts);
        }
        try {
          const r = loadOnnxBytes(bad, "corrupt.onnx");
          // Whatever loaded must be usable: summarised, verified and saved without throwing.
          summarizeModel(r.model, { file: "corrupt.onnx", fileBytes: bad.length, warnings: r.warnings, externalFiles: r.externalFiles });
          encodeOnnx(r.model);
        } catch (e) {
          if (!(e instanceof MyriadcError))
            throw new Error(`untyped ${String((e as Error)?.name)}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
          expect(e.oneLine()).not.toMatch(/\n/);
        }
      }),
      { numRuns: Number(process.env.CORRUPT_RUNS ?? 1500) },
    );
  });
});
