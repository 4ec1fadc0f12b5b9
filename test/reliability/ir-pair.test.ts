/**
 * Issue 16 §4: the .xml/.bin pair is one unit. Every state a reader can see — after a refused
 * write, after a kill at any step of the write — is the old pair, the new pair, or a mismatch
 * the reader names in one line (exit 2); a killed run's temporaries are removed by the next.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PairWriteStep } from "../../src/emit/ir-pair.js";
import { readIr } from "../../src/frontends/openvino/read-ir.js";
import { addConstModel, reluModel } from "./cases.js";
import { buildCli, expectCleanRefusal, HEAP_MB, runInProcess, workspace } from "./harness.js";

const ws = workspace();
afterAll(ws.done);
const modelA = join(ws.dir, "a.onnx");
const modelB = join(ws.dir, "b.onnx");
writeFileSync(modelA, addConstModel());
writeFileSync(modelB, reluModel());
let n = 0;

/** A fresh folder holding the IR of `model` as model.xml/model.bin. */
async function pairOf(model: string): Promise<{ dir: string; xml: string; bin: string }> {
  const dir = join(ws.dir, `pair${n++}`);
  mkdirSync(dir);
  const xml = join(dir, "model.xml");
  const r = await runInProcess(["convert", model, "-o", xml, "--target", "none"]);
  expect(r.code, r.err).toBe(0);
  return { dir, xml, bin: join(dir, "model.bin") };
}

const pairIdIn = (xml: string) => /<myriadc_pair_id value="([0-9a-f]{32})"/.exec(readFileSync(xml, "utf8"))?.[1];
const bytes = (p: string) => readFileSync(p);
const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

const READERS: [string, (xml: string) => string[]][] = [
  ["inspect", (m) => ["inspect", m]],
  ["lint", (m) => ["lint", m]],
  ["run", (m) => ["run", m, "--output-dir", join(ws.out, "run")]],
];

describe("the pair record", () => {
  it("convert records a pair id and the .bin's size in rt_info, and ends the .bin with the id", async () => {
    const p = await pairOf(modelA);
    const id = pairIdIn(p.xml);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const size = Number(/<myriadc_bin_size value="(\d+)"/.exec(readFileSync(p.xml, "utf8"))?.[1]);
    const bin = bytes(p.bin);
    expect(bin.length).toBe(size);
    expect(bin.subarray(bin.length - 24, bin.length - 16).toString("latin1")).toBe("myriadcP");
    expect(bin.subarray(bin.length - 16).toString("hex")).toBe(id);
    // Two writes of the same model are two pairs.
    expect(pairIdIn((await pairOf(modelA)).xml)).not.toBe(id);
  });

  it("the reader checks the record and leaves it out: weights end before the trailer, the document has no pair entries", async () => {
    const p = await pairOf(modelA);
    const ir = readIr(p.xml);
    expect(ir.weights.length).toBe(bytes(p.bin).length - 24);
    expect(JSON.stringify(ir.net)).not.toContain("myriadc_pair_id");
    const r = await runInProcess(["inspect", p.xml]);
    expect(r.code, r.err).toBe(0);
  });

  it("an IR without a pair id (Model Optimizer's) reads as before, whatever its .bin ends with", async () => {
    const p = await pairOf(modelA);
    const xml = readFileSync(p.xml, "utf8").replace(/\s*<myriadc_(pair_id|bin_size) value="[^"]*"\s*\/>/g, "");
    writeFileSync(p.xml, xml);
    const r = await runInProcess(["inspect", p.xml]);
    expect(r.code, r.err).toBe(0);
  });

  it("a malformed record is refused, naming the file", async () => {
    const p = await pairOf(modelA);
    writeFileSync(p.xml, readFileSync(p.xml, "utf8").replace(/(<myriadc_pair_id value=")[0-9a-f]+/, "$1nothex"));
    expectCleanRefusal(await runInProcess(["inspect", p.xml]), { file: p.xml, problem: /pair record is malformed/ });
  });
});

describe("a .bin that is not the .xml's is refused by every reader", () => {
  const cases: [string, (a: { xml: string; bin: string }, other: { bin: string }) => void, RegExp][] = [
    ["another write's .bin of the same size", (a, other) => copyFileSync(other.bin, a.bin), /is of pair [0-9a-f]{32}, the .xml of pair/],
    ["a .bin of another size", (a) => writeFileSync(a.bin, bytes(a.bin).subarray(0, 10)), /has 10 bytes, the .xml was written with one of/],
    ["a .bin without a trailer", (a) => writeFileSync(a.bin, Buffer.alloc(bytes(a.bin).length)), /has no myriadc pair trailer/],
  ];
  for (const [what, spoil, problem] of cases) {
    for (const [cmd, args] of READERS) {
      it(`${what} (${cmd})`, async () => {
        const a = await pairOf(modelA);
        const other = await pairOf(modelA);
        spoil(a, other);
        const r = await runInProcess(args(a.xml));
        expectCleanRefusal(r, { file: a.xml, problem, out: ws.out });
        expect(r.err).toMatch(/the .bin does not belong to this .xml/);
      });
    }
  }

  it("a missing .bin (a first write killed between the renames)", async () => {
    const a = await pairOf(modelB);
    const lone = join(ws.dir, `lone${n++}.xml`);
    copyFileSync(a.xml, lone);
    expectCleanRefusal(await runInProcess(["inspect", lone]), {
      file: lone,
      problem: /does not belong to this .xml \(.*\.bin is missing\)/,
    });
  });
});

describe("a refused write replaces nothing", () => {
  it("-o naming a folder: exit 2, the old .bin beside it untouched", async () => {
    const p = await pairOf(modelA);
    const before = bytes(p.bin);
    const xml = join(p.dir, "folder.xml");
    mkdirSync(xml);
    copyFileSync(p.bin, join(p.dir, "folder.bin"));
    const r = await runInProcess(["convert", modelB, "-o", xml, "--target", "none"]);
    expectCleanRefusal(r, { file: xml, problem: /it is a directory/ });
    expect(bytes(join(p.dir, "folder.bin")).equals(before)).toBe(true);
    expect(temporaries(p.dir)).toEqual([]);
  });

  it("the .bin's name taken by a folder: exit 2, the old .xml untouched", async () => {
    const p = await pairOf(modelA);
    const xml = join(p.dir, "other.xml");
    copyFileSync(p.xml, xml);
    mkdirSync(join(p.dir, "other.bin"));
    const r = await runInProcess(["convert", modelB, "-o", xml, "--target", "none"]);
    expectCleanRefusal(r, { file: join(p.dir, "other.bin"), problem: /it is a directory/ });
    expect(bytes(xml).equals(bytes(p.xml))).toBe(true);
    expect(temporaries(p.dir)).toEqual([]);
  });

  it("a name longer than the file system allows: exit 2, nothing written", async () => {
    const xml = join(ws.out, `${"m".repeat(300)}.xml`);
    expectCleanRefusal(await runInProcess(["convert", modelA, "-o", xml, "--target", "none"]), {
      file: xml,
      problem: /longer than the file system allows/,
      out: ws.out,
    });
  });

  it("a folder in the path that is a file: exit 2, nothing written", async () => {
    const file = join(ws.dir, `plain${n++}`);
    writeFileSync(file, "");
    const xml = join(file, "model.xml");
    expectCleanRefusal(await runInProcess(["convert", modelA, "-o", xml, "--target", "none"]), { file: xml, problem: /not a folder/ });
  });

  it("a folder that does not exist: exit 2", async () => {
    const xml = join(ws.dir, "no-such-folder", "model.xml");
    expectCleanRefusal(await runInProcess(["convert", modelA, "-o", xml, "--target", "none"]), { file: xml, problem: /does not exist/ });
  });
});

describe("a write killed at any step leaves the old pair, the new pair, or a mismatch the reader names", () => {
  let main = "";
  beforeAll(() => {
    main = buildCli();
  }, 180_000);

  /** Runs convert in a child that pauses at `step`, and kills it (SIGKILL) there. */
  function killAt(step: PairWriteStep, model: string, xml: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, main, "convert", model, "-o", xml, "--target", "none"], {
        env: { ...process.env, MYRIADC_TEST_PAUSE_AT: step },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let err = "";
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
        if (err.includes(`paused at ${step}`)) child.kill("SIGKILL");
      });
      child.on("error", reject);
      child.on("close", (_code, signal) => (signal === "SIGKILL" ? resolve(err) : reject(new Error(`not killed at ${step}: ${err}`))));
    });
  }

  for (const [step, expected] of [
    ["bin-staged", "old"],
    ["staged", "old"],
    ["xml-renamed", "mismatch"],
  ] as const) {
    const what = expected === "old" ? "the old pair reads as before" : "the new .xml beside the old .bin is refused";
    it(`killed at ${step}: ${what}; the next run removes the temporaries`, async () => {
      const p = await pairOf(modelA);
      const oldXml = bytes(p.xml);
      const oldBin = bytes(p.bin);
      await killAt(step, modelA, p.xml);
      expect(temporaries(p.dir).length).toBeGreaterThan(0);
      if (expected === "old") {
        expect(bytes(p.xml).equals(oldXml)).toBe(true);
        expect(bytes(p.bin).equals(oldBin)).toBe(true);
        expect((await runInProcess(["inspect", p.xml])).code).toBe(0);
      } else {
        expect(bytes(p.xml).equals(oldXml)).toBe(false);
        expect(bytes(p.bin).equals(oldBin)).toBe(true);
        expectCleanRefusal(await runInProcess(["inspect", p.xml]), { file: p.xml, problem: /the .bin does not belong to this .xml/ });
      }
      // The next run in the folder cleans up after the dead one and writes a whole pair.
      const r = await runInProcess(["convert", modelA, "-o", p.xml, "--target", "none"]);
      expect(r.code, r.err).toBe(0);
      expect(temporaries(p.dir)).toEqual([]);
      expect((await runInProcess(["inspect", p.xml])).code).toBe(0);
    }, 60_000);
  }

  it("a live process's temporaries are left alone", async () => {
    const p = await pairOf(modelA);
    // The parent of this test process is alive for as long as the test runs.
    const mine = join(p.dir, `.model.bin.myriadc-${process.ppid}-abc.tmp`);
    writeFileSync(mine, "in progress");
    const r = await runInProcess(["convert", modelA, "-o", p.xml, "--target", "none"]);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(mine)).toBe(true);
  });
});
