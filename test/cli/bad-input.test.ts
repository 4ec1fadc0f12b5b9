/**
 * Bad input: one line on stderr naming the file and the problem, exit code 2, no stack
 * trace unless --verbose, nothing written.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { cycleModel, externalModel, reluModel, unknownDtypeModel } from "../support/tiny-models.js";

const root = mkdtempSync(join(tmpdir(), "myriadc-bad-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function place(name: string, bytes: Uint8Array | string): string {
  const p = join(root, name);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, bytes);
  return p;
}

async function inspect(file: string, ...extra: string[]) {
  const io = memoryIO();
  const before = readdirSync(root, { recursive: true }).length;
  const code = await runCli(["inspect", file, ...extra], io);
  expect(readdirSync(root, { recursive: true }).length, "no file may be written").toBe(before);
  return { code, out: io.out, err: io.err };
}

function expectOneLineError(r: { code: number; out: string; err: string }, file: string, problem: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe("");
  const lines = r.err.trimEnd().split("\n");
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(problem);
  expect(r.err).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
}

describe("inspect on bad input", () => {
  const valid = reluModel();

  it("a missing file", async () => {
    const f = join(root, "nope.onnx");
    expectOneLineError(await inspect(f), f, /no such file/);
  });

  it("a directory", async () => {
    const d = join(root, "adir");
    mkdirSync(d);
    expectOneLineError(await inspect(d), d, /is a directory/);
  });

  it("an empty file", async () => {
    const f = place("empty.onnx", new Uint8Array());
    expectOneLineError(await inspect(f), f, /empty/);
  });

  it("a truncated model", async () => {
    const f = place("trunc.onnx", valid.slice(0, valid.length - 7));
    expectOneLineError(await inspect(f), f, /truncated|not an ONNX model/);
  });

  it("random bytes", async () => {
    const bytes = new Uint8Array(4096);
    let s = 12345;
    for (let i = 0; i < bytes.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      bytes[i] = s >>> 24;
    }
    const f = place("random.onnx", bytes);
    expectOneLineError(await inspect(f), f, /not an ONNX model|truncated|not a valid ONNX model/);
  });

  it("a text file", async () => {
    const f = place("readme.onnx", "this is not a model\n");
    expectOneLineError(await inspect(f), f, /not an ONNX model|truncated|not a valid/);
  });

  it("a graph with a cycle", async () => {
    const f = place("cycle.onnx", cycleModel());
    expectOneLineError(await inspect(f), f, /cycle through node "first" \(Add\), node "second" \(Add\)/);
  });

  it("an unknown dtype", async () => {
    const f = place("dtype.onnx", unknownDtypeModel());
    expectOneLineError(await inspect(f), f, /tensor "w" has data type 99/);
  });

  it("external data that is missing", async () => {
    const f = place("ext-missing/model.onnx", externalModel("weights.bin"));
    expectOneLineError(await inspect(f), f, /"weights.bin" does not exist/);
  });

  it("external data escaping with ..", async () => {
    place("secret.bin", new Uint8Array(8));
    const f = place("ext-dotdot/model.onnx", externalModel("../secret.bin"));
    expectOneLineError(await inspect(f), f, /outside the model's folder/);
  });

  it("external data at an absolute path", async () => {
    const f = place("ext-abs/model.onnx", externalModel(join(root, "secret.bin")));
    expectOneLineError(await inspect(f), f, /absolute path/);
  });

  it("external data through a symlink that leaves the folder", async () => {
    const f = place("ext-link/model.onnx", externalModel("w.bin"));
    symlinkSync(join(root, "secret.bin"), join(root, "ext-link", "w.bin"));
    expectOneLineError(await inspect(f), f, /link that leads outside/);
  });

  it("external data shorter than the tensor", async () => {
    place("ext-short/w.bin", new Uint8Array(4));
    const f = place("ext-short/model.onnx", externalModel("w.bin", 8));
    expectOneLineError(await inspect(f), f, /only 4 bytes/);
  });

  it("--verbose adds the stack trace", async () => {
    const f = place("trunc2.onnx", valid.slice(0, 10));
    const io = memoryIO();
    expect(await runCli(["inspect", f, "--verbose"], io)).toBe(2);
    expect(io.err.split("\n").length).toBeGreaterThan(2);
    expect(io.err).toMatch(/at /);
  });

  it("valid external data inside the folder loads", async () => {
    place("ext-ok/sub/w.bin", new Uint8Array(new Float32Array([1, 2]).buffer));
    const f = place("ext-ok/model.onnx", externalModel("sub/w.bin"));
    const r = await inspect(f, "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).externalData).toEqual(["sub/w.bin"]);
  });
});

describe("usage errors", () => {
  it("an unknown command exits 2", async () => {
    const io = memoryIO();
    expect(await runCli(["frobnicate"], io)).toBe(2);
    expect(io.err).toMatch(/unknown command/);
  });

  it("a missing argument exits 2", async () => {
    const io = memoryIO();
    expect(await runCli(["inspect"], io)).toBe(2);
    expect(io.err).toMatch(/missing required argument/);
  });

  it("--help exits 0 and lists the commands", async () => {
    const io = memoryIO();
    expect(await runCli(["--help"], io)).toBe(0);
    expect(io.out).toMatch(/inspect/);
  });
});
