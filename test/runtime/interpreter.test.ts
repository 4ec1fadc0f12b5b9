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
import { Tensor } from "../../src/ir/tensor.js";
import { openvinoOp } from "../../src/ops/openvino/registry.js";
import { runOpenvinoModel } from "../../src/runtime/interpreter.js";
import { isMyriadcError, type MyriadcError } from "../../src/util/errors.js";
import { DEFAULT_MAX_TENSOR_BYTES, setMaxTensorBytes } from "../../src/util/limits.js";
import { GraphBuilder } from "../support/build.js";
import { ovModel } from "../support/rule-tester.js";

const root = mkdtempSync(join(tmpdir(), "myriadc-interp-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  setMaxTensorBytes(DEFAULT_MAX_TENSOR_BYTES);
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

describe("the per-tensor allocation limit (src/util/limits.ts)", () => {
  it("refuses a Tile of 1e12 elements at the node, with the shape and the limit, before allocating", () => {
    const e = caught(() => runOpenvinoModel(tileModel([1e6, 1e6]), new Map([["x", zeros([1, 1])]]), { file: "tile.xml" }));
    expect(e.code).toBe("too-large");
    expect(e.exitCode).toBe(2);
    expect(e.oneLine()).toBe(
      'tile.xml: node "n/Tile" (openvino::Tile): output 0: float32[1000000,1000000] needs 3.6 TiB, above the limit of 2 GiB per tensor ' +
        "(raise it with --max-tensor-bytes)",
    );
  });

  it("refuses a Broadcast to a huge target shape the same way", () => {
    const m = ovModel([["x", "float32", [1]]], (b, [x]) => [b.one("Broadcast", 3, [x, b.i64("s", [1 << 20, 1 << 20])], { mode: "numpy" })]);
    const e = caught(() => runOpenvinoModel(m, new Map([["x", zeros([1])]])));
    expect(e.message).toMatch(/n\/Broadcast.*: output 0: float32\[1048576,1048576\] needs 4 TiB, above the limit of 2 GiB per tensor/);
  });

  it("follows the limit as set (--max-tensor-bytes): a tensor above it is refused, one at it runs", () => {
    setMaxTensorBytes(1024);
    const feeds = new Map([["x", zeros([1, 1])]]);
    const e = caught(() => runOpenvinoModel(tileModel([1, 300]), feeds));
    expect(e.message).toMatch(/float32\[1,300\] needs 1.2 KiB, above the limit of 1 KiB per tensor/);
    const [out] = [...runOpenvinoModel(tileModel([1, 256]), feeds).values()];
    expect(out!.dims).toEqual([1, 256]);
  });

  it("past 2^31-1 elements a tensor is refused whatever the byte limit (the kernels index with Int32Arrays)", () => {
    setMaxTensorBytes(2 ** 40);
    const m = ovModel([["x", "uint8", [1, 1]]], (b, [x]) => [b.one("Tile", 1, [x, b.i64("r", [2 ** 16, 2 ** 15 + 1])])]);
    const e = caught(() => runOpenvinoModel(m, new Map([["x", Tensor.fromArray("uint8", [1, 1], new Uint8Array(1))]])));
    expect(e.code).toBe("too-large");
    expect(e.message).toMatch(/uint8\[65536,32769\] has 2147549184 elements, more than the 2147483647 the interpreter can index/);
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
  /** [1,4,8,8] reshaped to [3,-1]: the ONNX checks let it through, OpenVINO shape inference cannot. */
  function badReshape(): string {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [1, 4, 8, 8]);
    b.output(b.op("Reshape", [x, b.ints("s", [3, -1])])[0]!);
    const file = join(root, "badreshape.onnx");
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

  it("convert: a Reshape that cannot hold the element count is one line naming the file and the node, exit 2", async () => {
    const file = badReshape();
    const r = await cli(["convert", file, "-o", join(root, "out.xml")]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")).toHaveLength(1);
    expect(r.err).toContain(`${file}: node "Reshape_1/Reshape" (openvino::Reshape): cannot reshape [1,4,8,8] (256 elements) to [3,-1]`);
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
    expect(r.err).toMatch(/bigtile\.onnx: node "Tile_1\/Tile".*\[1000000,1000000\] needs 3.6 TiB, above the limit of 2 GiB per tensor/);
  });
});
