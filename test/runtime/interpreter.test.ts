/**
 * The interpreter's guards: a tensor above the per-tensor limit is refused at its node, with
 * its shape and the limit, before anything is allocated; every kernel result is checked
 * against the op's shape inference; and the CLI turns a wrong model into one line, exit 2,
 * with no output file.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { writeNpyAtomic } from "../../src/io/npy.js";
import { attr } from "../../src/ir/attribute.js";
import { Tensor } from "../../src/ir/tensor.js";
import { DEFAULT_TENSOR_BYTE_LIMIT, tensorSizeProblem } from "../../src/ops/ndarray.js";
import { openvinoOp } from "../../src/ops/openvino/registry.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { isMyriadcError, type MyriadcError } from "../../src/util/errors.js";
import { GraphBuilder } from "../support/build.js";
import { ovModel } from "../support/rule-tester.js";

const root = mkdtempSync(join(tmpdir(), "myriadc-interp-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
});

const zeros = (dims: number[]) => Tensor.fromArray("float32", dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));

function caught(f: () => unknown): MyriadcError {
  try {
    f();
  } catch (e) {
    expect(isMyriadcError(e), String(e)).toBe(true);
    return e as MyriadcError;
  }
  throw new Error("expected an error");
}

/** x [1,1] tiled by `repeats`: a 200-byte model that asks for as many elements as it likes. */
const tileModel = (repeats: number[]) => ovModel([["x", "float32", [1, 1]]], (b, [x]) => [b.one("Tile", 1, [x, b.i64("r", repeats)])]);

describe("the per-tensor allocation limit", () => {
  it("refuses a Tile of 1e12 elements at the node, with the shape and the limit, before allocating", () => {
    const e = caught(() => runOpenvinoModel(tileModel([1e6, 1e6]), new Map([["x", zeros([1, 1])]]), { file: "tile.xml" }));
    expect(e.exitCode).toBe(2);
    expect(e.oneLine()).toBe(
      'tile.xml: node "n/Tile" (openvino::Tile): output 0 of shape [1000000,1000000] has 1000000000000 elements (7.28 TiB), above the 2 GiB per-tensor limit',
    );
  });

  it("refuses a Broadcast to a huge target shape the same way", () => {
    const m = ovModel([["x", "float32", [1]]], (b, [x]) => [b.one("Broadcast", 3, [x, b.i64("s", [1 << 20, 1 << 20])], { mode: "numpy" })]);
    const e = caught(() => runOpenvinoModel(m, new Map([["x", zeros([1])]])));
    expect(e.message).toMatch(/n\/Broadcast.*\[1048576,1048576\] has 1099511627776 elements \(8 TiB\), above the 2 GiB per-tensor limit/);
  });

  it("takes a lower limit as an option (8 bytes an element), and allows what fits", () => {
    const feeds = new Map([["x", zeros([1, 1])]]);
    const e = caught(() => runOpenvinoModel(tileModel([1, 200]), feeds, { tensorByteLimit: 1024 }));
    expect(e.message).toMatch(/shape \[1,200\] has 200 elements \(1.56 KiB\), above the 1 KiB per-tensor limit/);
    const [out] = [...runOpenvinoModel(tileModel([1, 128]), feeds, { tensorByteLimit: 1024 }).values()];
    expect(out!.dims).toEqual([1, 128]);
  });

  it("tensorSizeProblem: within the limit nothing, unknown dims unchecked, past 2^31-1 elements always refused", () => {
    expect(DEFAULT_TENSOR_BYTE_LIMIT).toBe(2 ** 31);
    expect(tensorSizeProblem([1 << 14, 1 << 14])).toBeUndefined();
    expect(tensorSizeProblem([-1, 1e9])).toBeUndefined();
    expect(tensorSizeProblem([2 ** 16, 2 ** 15 + 1], Infinity)).toMatch(
      /^2147549184 elements \(16 GiB\), above the 16 GiB per-tensor limit$/,
    );
  });
});

describe("every kernel result against shape inference", () => {
  it("a kernel and its inference that disagree stop the run as an internal error naming the node", () => {
    const def = openvinoOp("ReLU")!;
    vi.spyOn(def, "infer").mockReturnValue([{ dtype: "float32", dims: [2, 2] }]);
    const m = ovModel([["x", "float32", [1, 4]]], (b, [x]) => [b.one("ReLU", 1, [x])]);
    let error: unknown;
    try {
      runOpenvinoModel(m, new Map([["x", zeros([1, 4])]]));
    } catch (e) {
      error = e;
    }
    expect(isMyriadcError(error)).toBe(false);
    expect(String(error)).toMatch(/n\/ReLU.*output 0 is float32\[1,4\] but inference gave float32\[2,2\]/);
  });
});

describe("wrong models on the command line", () => {
  function badConv(): string {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 4, 8, 8]);
    const w = b.const("w", zeros([2, 3, 3, 3]));
    b.output(b.op("Conv", [x, w], { kernel_shape: attr.ints([3, 3]) })[0]!);
    const file = join(root, "badconv.onnx");
    saveOnnxFile(b.model(), file);
    return file;
  }

  async function cli(args: string[]) {
    const io = memoryIO();
    const before = readdirSync(root).length;
    const code = await runCli(args, io);
    expect(readdirSync(root).length, "nothing is written").toBe(before);
    return { code, out: io.out, err: io.err.trimEnd() };
  }

  it("convert: a 4-channel input into 3-channel weights is one line naming the file and the node, exit 2", async () => {
    const file = badConv();
    const r = await cli(["convert", file, "-o", join(root, "out.xml")]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")).toHaveLength(1);
    expect(r.err).toContain(`${file}: node "Conv_1/Convolution"`);
    expect(r.err).toMatch(/input 0 has 4 channels but the weights \[2,3,3,3\] expect 3/);
  });

  it("run: a Tile of 1e12 elements is refused in one line naming the file, exit 2", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 1]);
    b.output(b.op("Tile", [x, b.ints("r", [1e6, 1e6])])[0]!);
    const file = join(root, "bigtile.onnx");
    saveOnnxFile(b.model(), file);
    const input = join(root, "x.npy");
    writeNpyAtomic(input, { dtype: "float32", dims: [1, 1], data: new Uint8Array(4) });
    const r = await cli(["run", file, "--input", `x=${input}`, "--output-dir", join(root, "out")]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/bigtile\.onnx: node "Tile_1\/Tile".*\[1000000,1000000\].*above the 2 GiB per-tensor limit/);
  });
});
