/**
 * Issue 16 §2–3: malformed arguments end in one `myriadc: error:` line and exit 2, never a
 * silent reinterpretation (`[1,,3]` read as `[1,3]`) and never a stack trace.
 */
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { reluModel } from "./cases.js";
import { isWellFormedShape, shapeTextArb } from "./generators.js";
import { expectCleanRefusal, runInProcess, workspace } from "./harness.js";
import { floatTensor, node, onnxModel, valueInfo } from "./onnx-proto.js";

const ws = workspace();
afterAll(ws.done);
const dynamic = join(ws.dir, "dynamic.onnx");
writeFileSync(dynamic, reluModel(["n", 3, "h", "w"]));

describe("--input-shape", () => {
  it("anything but whole numbers in a matching list is refused; a well-formed shape of the right rank is taken (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(shapeTextArb, async (text) => {
        const out = join(ws.out, "fixed.onnx");
        const r = await runInProcess(["fix", dynamic, "-o", out, "--input-shape", `x=${text}`]);
        const rank = text.split(",").length;
        if (isWellFormedShape(text) && rank === 4 && !text.includes("=")) {
          expect(r.code, r.err).toBe(0);
          expect(readdirSync(ws.out)).toEqual(["fixed.onnx"]);
          rmSync(out); // the next run starts from an empty folder again
          return;
        }
        expectCleanRefusal(r, { file: "--input-shape", out: ws.out });
      }),
      { numRuns: 150, examples: [["[1,,3]"], ["[1,3,4,4]"], ["[]"], [""], ["[1,3,4"], ["1,3,4,4"], ["[1,3]"]] },
    );
  });

  it("[1,,3] is refused, not read as [1,3]", async () => {
    expectCleanRefusal(await runInProcess(["lint", dynamic, "--input-shape", "x=[1,,3,3]"]), {
      file: "--input-shape",
      problem: /a dimension is missing between commas/,
    });
  });

  it("a rank the input does not have is refused", async () => {
    expectCleanRefusal(await runInProcess(["convert", dynamic, "-o", join(ws.out, "m.xml"), "--input-shape", "x=[1,3,8]"]), {
      file: "--input-shape",
      problem: /input "x" has rank 4 .*, not 3/,
      out: ws.out,
    });
  });
});

describe("usage errors are one line", () => {
  for (const [what, args, problem] of [
    ["an unknown option that looks like a file", ["inspect", "-model.onnx"], /unknown option '-model.onnx'/],
    ["a missing -o", ["convert", dynamic], /required option '-o, --output <file.xml>' not specified/],
    ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'/],
  ] as const) {
    it(what, async () => {
      const r = await runInProcess(args);
      expectCleanRefusal(r, { file: "", problem });
      expect(r.err).toMatch(/\(run with --help for usage\)\n$/);
    });
  }
});

describe("names the file system cannot hold", () => {
  const long = "a".repeat(300);

  it("-o longer than the file system allows: one line, nothing written", async () => {
    const model = join(ws.dir, "static.onnx");
    writeFileSync(model, reluModel([1, 3, 4, 4]));
    for (const args of [
      ["fix", model, "-o", join(ws.out, `${long}.onnx`)],
      ["convert", model, "-o", join(ws.out, `${long}.xml`)],
    ]) {
      expectCleanRefusal(await runInProcess(args), { file: long, problem: /longer than the file system allows/, out: ws.out });
    }
  });

  it("an output name longer than the file system allows (run): one line, nothing written", async () => {
    const model = join(ws.dir, "long-output.onnx");
    writeFileSync(
      model,
      onnxModel({
        nodes: [node("Relu", ["x"], [long], [], { name: "relu" })],
        inputs: [valueInfo("x", "float32", [2])],
        outputs: [valueInfo(long, "float32", [2])],
      }),
    );
    const f = join(ws.dir, "x.pb");
    const { encodeTensorPb } = await import("../../src/io/tensor-pb.js");
    const { Tensor } = await import("../../src/ir/tensor.js");
    writeFileSync(f, encodeTensorPb(Tensor.fromArray("float32", [2], new Float32Array(2)), "x"));
    expectCleanRefusal(await runInProcess(["run", model, "--input", `x=${f}`, "--output-dir", ws.out]), {
      file: long,
      problem: /longer than the file system allows/,
      out: ws.out,
    });
  });
});

describe("fix --inputs", () => {
  it("naming an initializer is refused", async () => {
    const model = join(ws.dir, "add.onnx");
    writeFileSync(
      model,
      onnxModel({
        nodes: [node("Add", ["x", "w"], ["y"], [], { name: "add" })],
        inputs: [valueInfo("x", "float32", [2])],
        outputs: [valueInfo("y", "float32", [2])],
        initializers: [floatTensor("w", [2], [1, 2])],
      }),
    );
    expectCleanRefusal(await runInProcess(["fix", model, "-o", join(ws.out, "cut.onnx"), "--inputs", "w"]), {
      file: "--inputs",
      problem: /"w" is a constant \(an initializer\)/,
      out: ws.out,
    });
  });
});
