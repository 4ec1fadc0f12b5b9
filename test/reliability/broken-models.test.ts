/**
 * Issue 16 §2: a broken model is the user's error. Every command refuses it with exit 2 and
 * one line naming the file and the node, and writes nothing. In-process (memory is not the
 * point here; huge-shapes.test.ts runs the executable under limits).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { BROKEN_MODELS, UNCOMPILABLE_MODELS } from "./cases.js";
import { brokenGraphArb, wrongAttributeArb } from "./generators.js";
import { expectCleanRefusal, runInProcess, workspace } from "./harness.js";

const ws = workspace();
afterAll(ws.done);

let n = 0;
function place(bytes: Uint8Array): string {
  const f = join(ws.dir, `m${n++}.onnx`);
  writeFileSync(f, bytes);
  return f;
}

/** Each command with where it would write (inside ws.out, which must stay empty). */
const COMMANDS: [string, (model: string) => string[]][] = [
  ["inspect", (m) => ["inspect", m]],
  ["lint", (m) => ["lint", m]],
  ["fix", (m) => ["fix", m, "-o", join(ws.out, "fixed.onnx")]],
  ["convert", (m) => ["convert", m, "-o", join(ws.out, "model.xml")]],
  ["run", (m) => ["run", m, "--output-dir", join(ws.out, "run")]],
];

describe("broken models are refused at load by every command", () => {
  for (const [name, c] of Object.entries(BROKEN_MODELS)) {
    for (const [cmd, args] of COMMANDS) {
      it(`${name}: ${cmd}`, async () => {
        const f = place(c.bytes);
        expectCleanRefusal(await runInProcess(args(f)), { file: f, ...(c.node ? { node: c.node } : {}), problem: c.problem, out: ws.out });
      });
    }
  }
});

describe("models the compiler cannot compute are refused at the node", () => {
  for (const [name, c] of Object.entries(UNCOMPILABLE_MODELS)) {
    for (const [cmd, args] of COMMANDS.filter(([k]) => k === "convert" || k === "run")) {
      it(`${name}: ${cmd}`, async () => {
        const f = place(c.bytes);
        expectCleanRefusal(await runInProcess(args(f)), { file: f, ...(c.node ? { node: c.node } : {}), problem: c.problem, out: ws.out });
      });
    }
  }
});

describe("generated families", () => {
  it("an attribute of the wrong type is refused naming the node and the attribute (lint, fix, convert)", async () => {
    await fc.assert(
      fc.asyncProperty(wrongAttributeArb, fc.constantFrom(...COMMANDS.slice(1, 4)), async (c, [, args]) => {
        const f = place(c.bytes);
        expectCleanRefusal(await runInProcess(args(f)), {
          file: f,
          node: "victim",
          problem: new RegExp(`attribute ${c.spec.name} .* is ${c.wrongType}, but ONNX defines it as ${c.spec.type}`),
          out: ws.out,
        });
      }),
      { numRuns: 60 },
    );
  });

  it("cycles, self-loops, dangling inputs and unknown domains are refused naming the node", async () => {
    await fc.assert(
      fc.asyncProperty(brokenGraphArb, fc.constantFrom(...COMMANDS), async (c, [, args]) => {
        const f = place(c.bytes);
        const problem = {
          "self-loop": /reads its own output/,
          "back-edge": /cycle/,
          dangling: /which no input, initializer or node defines/,
          "unknown-domain": /which the model does not import/,
        }[c.kind];
        expectCleanRefusal(await runInProcess(args(f)), { file: f, node: c.node, problem, out: ws.out });
      }),
      { numRuns: 60 },
    );
  });
});
