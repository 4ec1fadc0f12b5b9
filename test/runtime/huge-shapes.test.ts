/**
 * `convert` and `run` of 200-byte models that ask for 2^31–2^42-element tensors (the
 * reliability suite's generators: ConstantOfShape, Expand, Tile, Range, Resize sizes), in a
 * child process with a bounded heap and address space: convert works on shapes only and
 * finishes; run refuses the tensor at its node in one line (exit 2) before allocating it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy.js";
import { HUGE_OPS, hugeShapeArb } from "../reliability/generators.js";
import { buildCli, expectCleanRefusal, expectNoCrash, runChild, workspace } from "../reliability/harness.js";

const ws = workspace("myriadc-huge-run-");
afterAll(ws.done);
let main = "";
let n = 0;

beforeAll(() => {
  main = buildCli();
}, 180_000);

/** The ops whose huge tensor is computed inside the model (a huge declared input is the input reader's to refuse). */
const COMPUTED = HUGE_OPS.filter((op) => op !== "input");

/** A zero .npy for each input the generated model has: x1 [1], or x of ones (Expand, Tile) or [1,1,2,2] (Resize). */
function inputArgs(op: string, dims: readonly number[]): string[] {
  const shape = op === "Resize" ? [1, 1, 2, 2] : op === "Expand" || op === "Tile" ? dims.map(() => 1) : [1];
  const name = op === "Resize" || op === "Expand" || op === "Tile" ? "x" : "x1";
  const file = join(ws.dir, `in${n++}.npy`);
  const count = shape.reduce((p, d) => p * d, 1);
  writeFileSync(file, encodeNpy({ dtype: "float32", dims: shape, data: new Uint8Array(4 * count) }));
  return ["--input", `${name}=${file}`];
}

describe("huge tensors in convert and run", () => {
  it("convert finishes on every huge-shape model in bounded memory (it computes no activation)", () => {
    fc.assert(
      fc.property(hugeShapeArb, (c) => {
        const f = join(ws.dir, `huge${n++}.onnx`);
        writeFileSync(f, c.bytes);
        expectNoCrash(runChild(main, ["convert", f, "-o", join(ws.dir, `huge${n}.xml`)], ws.dir));
      }),
      { numRuns: HUGE_OPS.length },
    );
  }, 600_000);

  it("run refuses the huge tensor at its node, in one line naming the model, before allocating it", () => {
    fc.assert(
      fc.property(
        hugeShapeArb.filter((c) => COMPUTED.includes(c.op as (typeof COMPUTED)[number])),
        (c) => {
          const f = join(ws.dir, `huge${n++}.onnx`);
          writeFileSync(f, c.bytes);
          const r = runChild(main, ["run", f, ...inputArgs(c.op, c.dims), "--output-dir", ws.out], ws.dir);
          expectCleanRefusal(r, {
            file: f,
            out: ws.out,
            problem: /node ".*big.*".*(above the limit of 2 GiB per tensor|the interpreter can index)/,
          });
        },
      ),
      { numRuns: COMPUTED.length },
    );
    expect(n).toBeGreaterThan(0);
  }, 600_000);
});
