/**
 * Issue 16: hostile OpenVINO IR (DOCTYPE and entities, negative or out-of-range offsets,
 * self and dropped edges, control characters, a .bin that is a folder) ends in one line
 * naming the file, exit 2, for every command that reads an IR.
 */
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addConstModel } from "./cases.js";
import { hostileIrArb } from "./generators.js";
import { buildCli, expectCleanRefusal, runChild, runInProcess, workspace } from "./harness.js";

const ws = workspace();
afterAll(ws.done);
let validXml = "";
let binBytes = 0;
let n = 0;

beforeAll(async () => {
  const src = join(ws.dir, "src.onnx");
  writeFileSync(src, addConstModel());
  const r = await runInProcess(["convert", src, "-o", join(ws.dir, "valid.xml"), "--target", "none"]);
  expect(r.code, r.err).toBe(0);
  validXml = readFileSync(join(ws.dir, "valid.xml"), "utf8");
  binBytes = statSync(join(ws.dir, "valid.bin")).size;
});

/** Writes an IR pair (the valid .bin beside the given .xml text) into a folder of its own. */
function placeIr(xml: string): string {
  const dir = join(ws.dir, `ir${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "model.xml"), xml);
  copyFileSync(join(ws.dir, "valid.bin"), join(dir, "model.bin"));
  return join(dir, "model.xml");
}

const COMMANDS: [string, (m: string) => string[]][] = [
  ["inspect", (m) => ["inspect", m]],
  ["lint", (m) => ["lint", m]],
  ["fix", (m) => ["fix", m, "--target", "myriad", "-o", join(ws.out, "fixed.xml")]],
  ["run", (m) => ["run", m, "--output-dir", join(ws.out, "run")]],
];

describe("hostile IR", () => {
  it("the valid IR the mutations start from loads", async () => {
    const r = await runInProcess(["inspect", placeIr(validXml)]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  it("every mutation is refused with one line naming the file (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(hostileIrArb(validXml, binBytes), fc.constantFrom(...COMMANDS), async (c, [, args]) => {
        const f = placeIr(c.xml);
        expectCleanRefusal(await runInProcess(args(f)), { file: f, problem: c.problem, out: ws.out });
      }),
      { numRuns: 80 },
    );
  });

  it("a .bin that is a folder is refused, naming it", async () => {
    const dir = join(ws.dir, "binfolder");
    mkdirSync(join(dir, "model.bin"), { recursive: true });
    writeFileSync(join(dir, "model.xml"), validXml);
    for (const [, args] of COMMANDS) {
      expectCleanRefusal(await runInProcess(args(join(dir, "model.xml"))), {
        file: join(dir, "model.xml"),
        problem: /model\.bin are a directory/,
        out: ws.out,
      });
    }
  });

  it("entity expansion cannot blow up the executable (child process, bounded heap and address space)", () => {
    const main = buildCli();
    const ents = Array.from({ length: 10 }, (_, i) => `<!ENTITY e${i} "${i === 0 ? "lol" : `&e${i - 1};`.repeat(10)}">`).join("");
    const xml = validXml.replace(/^(<\?xml[^>]*\?>\n?)/, `$1<!DOCTYPE net [${ents}]>\n`).replace('name="g"', 'name="&e9;"');
    const f = placeIr(xml);
    expectCleanRefusal(runChild(main, ["lint", f], ws.dir), { file: f, problem: /DOCTYPE/, out: ws.out });
  }, 180_000);
});
