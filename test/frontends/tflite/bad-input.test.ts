/**
 * Bad TFLite files through the CLI: one line naming the file and the problem, exit code 2,
 * nothing written. And the good counterpart of one of them: a model whose constants live
 * after the flatbuffer (offset/size buffers, the >2 GiB form) loads and computes. Also: lint
 * lists every operator without a translation at once, each with its index, its code and what
 * to do.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../../src/cli/io.js";
import { runCli } from "../../../src/cli/program.js";
import { diff, withinFp32 } from "../../support/compare.js";
import { convertAndRun, FIXTURES, fixture } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-tflite-bad-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = () => readFileSync(join(FIXTURES, "offset_buffers", "model.tflite"));

/** Writes the bytes as a .tflite and returns its path. */
function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, `${name}.tflite`);
  writeFileSync(path, bytes);
  return path;
}

const CASES: readonly (readonly [string, () => string, RegExp])[] = [
  ["truncated", () => file("truncated", good().subarray(0, 200)), /is not a valid TFLite model: .* points outside the file/],
  ["empty", () => file("empty", new Uint8Array(0)), /is empty \(0 bytes\)/],
  [
    "wrong identifier",
    () => {
      const b = Buffer.from(good());
      b.write("TFL2", 4, "latin1");
      return file("identifier", b);
    },
    /TFL3|not a TFLite model|not a model/,
  ],
  [
    "a buffer's offset/size outside the file",
    () => {
      // The constants sit after the flatbuffer: cutting the file's tail leaves their offsets pointing past its end.
      const b = good();
      return file("offset", b.subarray(0, b.length - 64));
    },
    /is not a valid TFLite model: buffer \d+ points outside the file \(offset \d+, \d+ bytes, file has \d+\)/,
  ],
  [
    "a tensor cycle",
    () => join(FIXTURES, "bad_tensor_cycle", "model.tflite"),
    /tensor 1 \(loop\) of subgraph 0 is read before any operator writes it \(a cycle, or operators out of order\)/,
  ],
  [
    "an unknown op code",
    () => join(FIXTURES, "bad_unknown_opcode", "model.tflite"),
    /operator code 999 is not a TFLite builtin operator this reader knows/,
  ],
];

describe("bad TFLite files", () => {
  it.each(CASES)(
    "%s: one line naming the file and the problem, exit 2, nothing written (convert, inspect, lint)",
    async (_name, make, problem) => {
      const path = make();
      const out = join(dir, `${_name.replace(/\W+/g, "_")}.xml`);
      for (const args of [
        ["convert", path, "-o", out],
        ["inspect", path],
        ["lint", path],
        ["fix", path, "-o", join(dir, "fixed.onnx")],
      ]) {
        const io = memoryIO();
        expect(await runCli(args, io), `${args[0]}: ${io.err}`).toBe(2);
        const lines = io.err.trimEnd().split("\n");
        expect(lines, args[0]).toHaveLength(1);
        expect(lines[0]).toContain(path);
        expect(lines[0]).toMatch(problem);
        expect(lines[0]).not.toMatch(/internal error|at .*\.ts/);
      }
      expect(existsSync(out)).toBe(false);
      expect(existsSync(out.replace(/\.xml$/, ".bin"))).toBe(false);
      expect(existsSync(join(dir, "fixed.onnx"))).toBe(false);
    },
  );
});

describe("offset/size buffers (constants after the flatbuffer)", () => {
  it("load as views on the file and compute TFLite's outputs", () => {
    const f = fixture("offset_buffers");
    const r = convertAndRun(f.model, f.inputs);
    expect(withinFp32(diff(r.outputs[0]!, f.outputs[0]!))).toBe(true);
  });
});

describe("operators without a translation", () => {
  it("lint lists each at once: its index, its code and what to do", async () => {
    const io = memoryIO();
    expect(await runCli(["lint", fixture("untranslated_ops").model, "--format", "json"], io)).toBe(1);
    const findings = (JSON.parse(io.out).findings as { rule: string; node: string; message: string }[]).filter(
      (f) => f.rule === "myriad/not-lowered",
    );
    expect(findings.map((f) => f.node)).toEqual(["MyHostOnlyOp#0", "TFLite_Detection_PostProcess#2", "HASHTABLE_LOOKUP#3"]);
    expect(findings[0]!.message).toMatch(
      /TFLite operator 0 \(MyHostOnlyOp\): custom op "MyHostOnlyOp" is not known here: cut the graph before it with --outputs/,
    );
    expect(findings[1]!.message).toMatch(
      /TFLite operator 2 \(TFLite_Detection_PostProcess\): .*cut the graph before it .*decode the boxes and run NMS on the host/,
    );
    expect(findings[2]!.message).toMatch(
      /TFLite operator 3 \(HASHTABLE_LOOKUP\): the TFLite builtin HASHTABLE_LOOKUP has no translation here/,
    );
  });

  it("inspect shows them as tflite-domain ops; convert names them all and writes nothing", async () => {
    const f = fixture("untranslated_ops");
    const io = memoryIO();
    expect(await runCli(["inspect", f.model, "--json"], io), io.err).toBe(0);
    expect(JSON.parse(io.out).ops).toMatchObject({ "tflite::MyHostOnlyOp": 1, "tflite::TFLite_Detection_PostProcess": 1, Relu: 1 });
    const cv = memoryIO();
    const out = join(dir, "untranslated.xml");
    expect(await runCli(["convert", f.model, "-o", out], cv)).toBe(2);
    expect(cv.err.trimEnd().split("\n")).toHaveLength(1);
    expect(cv.err).toMatch(/MyHostOnlyOp.*TFLite_Detection_PostProcess.*HASHTABLE_LOOKUP/);
    expect(existsSync(out)).toBe(false);
  });

  it("--inputs/--outputs cut them off, so the rest converts", async () => {
    const f = fixture("untranslated_ops");
    const fixed = join(dir, "cut.onnx");
    const io = memoryIO();
    // What the diagnostics suggest: the host runs the custom ops, MYRIAD the part between them.
    expect(await runCli(["fix", f.model, "-o", fixed, "--inputs", "a", "--outputs", "b"], io), io.err).toBe(0);
    const cv = memoryIO();
    expect(await runCli(["convert", fixed, "-o", join(dir, "cut.xml")], cv), cv.err).toBe(0);
  });
});
