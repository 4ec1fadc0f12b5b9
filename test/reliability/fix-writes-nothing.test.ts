/**
 * Issue 16 §2: `fix --target myriad` that fails writes nothing — exit 2, one line, the `-o`
 * file absent when it did not exist and byte for byte the same when it did. The MYRIAD check
 * of the result (what lint still finds) runs in memory before the file is written, so even a
 * failure there leaves nothing behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addConstModel, BROKEN_MODELS, reluModel } from "./cases.js";
import { expectCleanRefusal, runInProcess, workspace } from "./harness.js";

const ws = workspace();
afterAll(ws.done);
const add = join(ws.dir, "add.onnx");
const relu = join(ws.dir, "relu.onnx");
writeFileSync(add, addConstModel());
writeFileSync(relu, reluModel(["n", 3, 4, 4]));
let n = 0;

/** Failing fixes: the model, the extra flags, the file the line names, what it says. */
const FAILURES: [string, () => string, string[], (m: string) => string, RegExp][] = [
  ["--inputs naming an initializer", () => add, ["--inputs", "w"], () => "w", /w/],
  ["an --input-shape of the wrong rank", () => relu, ["--input-shape", "x=[1,3]"], () => "--input-shape", /rank/],
  ["a malformed --input-shape", () => relu, ["--input-shape", "x=[1,,3,3]"], () => "--input-shape", /missing between commas/],
  ...Object.entries(BROKEN_MODELS)
    .slice(0, 6)
    .map(([what, c]): [string, () => string, string[], (m: string) => string, RegExp] => [
      what,
      () => {
        const f = join(ws.dir, `broken${n++}.onnx`);
        writeFileSync(f, c.bytes);
        return f;
      },
      [],
      (m) => m,
      c.problem,
    ]),
];

describe("fix --target myriad that fails writes nothing", () => {
  for (const [what, model, flags, file, problem] of FAILURES) {
    it(`${what}: no -o file afterwards`, async () => {
      const m = model();
      const out = join(ws.out, "fixed.onnx");
      const r = await runInProcess(["fix", m, "--target", "myriad", "-o", out, ...flags]);
      expectCleanRefusal(r, { file: file(m), problem, out: ws.out });
      expect(existsSync(out)).toBe(false);
    });

    it(`${what}: a pre-existing -o file is untouched`, async () => {
      const m = model();
      const dir = join(ws.dir, `pre${n++}`);
      mkdirSync(dir);
      const out = join(dir, "fixed.onnx");
      const old = Buffer.from("the previous output");
      writeFileSync(out, old);
      const r = await runInProcess(["fix", m, "--target", "myriad", "-o", out, ...flags]);
      expectCleanRefusal(r, { file: file(m), problem });
      expect(readFileSync(out).equals(old)).toBe(true);
      expect(readdirSync(dir)).toEqual(["fixed.onnx"]);
    });
  }

  it("a fix that succeeds still reports what MYRIAD would refuse, and writes the file", async () => {
    const out = join(ws.dir, `ok${n++}.onnx`);
    const r = await runInProcess(["fix", add, "--target", "myriad", "-o", out, "--json"]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).remaining).toEqual([]);
    expect(existsSync(out)).toBe(true);
  });

  it("an IR fixed for MYRIAD is checked before it is written, and written as a pair", async () => {
    const xml = join(ws.dir, `src${n++}.xml`);
    expect((await runInProcess(["convert", add, "-o", xml, "--target", "none"])).code).toBe(0);
    const out = join(ws.dir, `fixed${n++}.xml`);
    const r = await runInProcess(["fix", xml, "--target", "myriad", "-o", out, "--json"]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).remaining).toEqual([]);
    expect(readFileSync(out, "utf8")).toMatch(/myriadc_pair_id/);
    expect((await runInProcess(["inspect", out])).code).toBe(0);
  });
});
