/**
 * Issue 16 §1: `run --input` reads a file by its header. /dev/zero, a FIFO, a 50 GB file or a
 * header that declares a huge array end in one line naming the file, in bounded memory (the
 * executable runs in a child process with a limited heap and address space); a file whose
 * dtype or shape cannot feed the input is refused before its body is read.
 */
import { execFileSync, spawn } from "node:child_process";
import { closeSync, ftruncateSync, openSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy.js";
import { encodeTensorPb } from "../../src/io/tensor-pb.js";
import { Tensor } from "../../src/ir/tensor.js";
import { reluModel } from "./cases.js";
import { buildCli, expectCleanRefusal, runChild, runInProcess, workspace } from "./harness.js";

const ws = workspace();
afterAll(ws.done);
let main = "";
const model = join(ws.dir, "relu.onnx");

beforeAll(() => {
  writeFileSync(model, reluModel([1, 3, 4, 4]));
  main = buildCli();
}, 180_000);

const runArgs = (file: string, ...extra: string[]) => ["run", model, "--input", `x=${file}`, "--output-dir", join(ws.out, "o"), ...extra];

/** An .npy header for `descr` and `shape` with no body. */
function npyHeader(descr: string, shape: string): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = `${dict.padEnd(total - 10 - 1, " ")}\n`;
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, total - 10, true);
  out.set(new TextEncoder().encode(header), 10);
  return out;
}

describe("run --input reads by the header, in bounded memory", () => {
  it("a valid .npy feeds the model (the baseline)", async () => {
    const f = join(ws.dir, "ok.npy");
    writeFileSync(f, encodeNpy({ dtype: "float32", dims: [1, 3, 4, 4], data: new Uint8Array(4 * 48) }));
    const r = await runInProcess(["run", model, "--input", `x=${f}`, "--output-dir", join(ws.dir, "ok-out")]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  it("/dev/zero named .npy fails the magic check, read no further", () => {
    const f = join(ws.dir, "zero.npy");
    symlinkSync("/dev/zero", f);
    expectCleanRefusal(runChild(main, runArgs(f), ws.dir), { file: f, problem: /bad magic/, out: ws.out });
  }, 120_000);

  it("/dev/zero as a .pb is refused: not a regular file", () => {
    expectCleanRefusal(runChild(main, runArgs("/dev/zero"), ws.dir), { file: "/dev/zero", problem: /not a regular file/, out: ws.out });
  }, 120_000);

  it("a 50 GB (sparse) file whose header declares a small array is refused by its size, without reading it", () => {
    const f = join(ws.dir, "huge-file.npy");
    const fd = openSync(f, "w");
    writeSync(fd, npyHeader("<f4", "(1, 3, 4, 4)"));
    ftruncateSync(fd, 50 * 1024 ** 3);
    closeSync(fd);
    expectCleanRefusal(runChild(main, runArgs(f), ws.dir), {
      file: f,
      problem: /bytes of data, but <f4 with shape \(1, 3, 4, 4\) needs 192/,
      out: ws.out,
    });
  }, 120_000);

  it("a header that declares 1e12 elements is refused by the tensor limit", () => {
    const f = join(ws.dir, "claims.npy");
    writeFileSync(f, npyHeader("<f4", "(1000000, 1000000)"));
    expectCleanRefusal(runChild(main, runArgs(f), ws.dir), {
      file: f,
      problem: /above the limit of 2 GiB per tensor \(raise it with --max-tensor-bytes\)/,
      out: ws.out,
    });
  }, 120_000);

  it("a FIFO that never ends is read only as far as its header declares", () => {
    const f = join(ws.dir, "pipe.npy");
    execFileSync("mkfifo", [f]);
    // A writer that sends a header for 1e12 floats and then endless zeros.
    const writer = spawn("/bin/sh", ["-c", `{ cat "$0"; cat /dev/zero; } > "${f}"`, join(ws.dir, "claims.npy")], { stdio: "ignore" });
    try {
      expectCleanRefusal(runChild(main, runArgs(f), ws.dir), { file: f, problem: /above the limit/, out: ws.out });
    } finally {
      writer.kill("SIGKILL");
    }
  }, 120_000);

  it("a .pb from a FIFO is refused (a TensorProto declares no size)", () => {
    const f = join(ws.dir, "pipe.pb");
    execFileSync("mkfifo", [f]);
    const writer = spawn("/bin/sh", ["-c", `cat /dev/zero > "${f}"`], { stdio: "ignore" });
    try {
      expectCleanRefusal(runChild(main, runArgs(f), ws.dir), { file: f, problem: /not a regular file/, out: ws.out });
    } finally {
      writer.kill("SIGKILL");
    }
  }, 120_000);

  it("a .pb larger than --max-tensor-bytes is refused before it is read", async () => {
    const f = join(ws.dir, "big.pb");
    writeFileSync(f, encodeTensorPb(Tensor.fromArray("float32", [1, 3, 4, 4], new Float32Array(48)), "x"));
    expectCleanRefusal(await runInProcess([...runArgs(f), "--max-tensor-bytes", "100"]), {
      file: f,
      problem: /above the limit of 100 bytes/,
      out: ws.out,
    });
  });

  it("an int64 .npy fed to a float input is refused before its body is read", async () => {
    const f = join(ws.dir, "ints.npy");
    writeFileSync(f, encodeNpy({ dtype: "int64", dims: [1, 3, 4, 4], data: new Uint8Array(8 * 48) }));
    expectCleanRefusal(await runInProcess(runArgs(f)), {
      file: f,
      problem: /holds int64\[1,3,4,4\], but input "x" takes float32/,
      out: ws.out,
    });
  });

  it("an .npy of the wrong shape is refused", async () => {
    const f = join(ws.dir, "shape.npy");
    writeFileSync(f, encodeNpy({ dtype: "float32", dims: [1, 4, 4, 4], data: new Uint8Array(4 * 64) }));
    expectCleanRefusal(await runInProcess(runArgs(f)), {
      file: f,
      problem: /holds float32\[1,4,4,4\], but input "x" has shape \[1,3,4,4\]/,
      out: ws.out,
    });
  });

  it("an input name the model does not have is refused before any file is read", async () => {
    const r = await runInProcess(["run", model, "--input", "nope=/dev/zero", "--output-dir", join(ws.out, "o")]);
    expectCleanRefusal(r, { file: model, problem: /no input "nope" \(inputs: x\)/, out: ws.out });
  });

  it("a malformed --max-tensor-bytes is a usage error", async () => {
    const r = await runInProcess(["inspect", model, "--max-tensor-bytes", "lots"]);
    expectCleanRefusal(r, { file: "--max-tensor-bytes", problem: /expected a size such as/ });
  });
});
