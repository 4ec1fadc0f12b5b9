/**
 * Companions: the files beside a model reach the frontends only through a Companion, on the
 * command line (load-model.ts: the model's folder) and in the browser (the dropped files).
 * The same model loads the same both ways; what may not be read is refused, never skipped.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { CompanionError, companionPath, memoryCompanion } from "../../src/frontends/companion.js";
import { loadModel } from "../../src/frontends/load-model.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { openModel } from "../../src/frontends/open-model.js";
import { Tensor } from "../../src/ir/tensor.js";
import { isMyriadcError } from "../../src/util/errors.js";
import { GraphBuilder } from "../support/build.js";

const dir = mkdtempSync(join(tmpdir(), "myriadc-companion-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An IR with weights (x + a 4-element constant), written by convert into `dir/ir`. */
beforeAll(async () => {
  const b = new GraphBuilder(13);
  const x = b.input("x", "float32", [1, 4]);
  b.output(b.op("Add", [x, b.const("c", Tensor.fromArray("float32", [1, 4], Float32Array.from([1, 2, 3, 4])))])[0]!);
  saveOnnxFile(b.model(), join(dir, "add.onnx"));
  mkdirSync(join(dir, "ir"));
  const io = memoryIO();
  expect(await runCli(["convert", join(dir, "add.onnx"), "-o", join(dir, "ir", "add.xml")], io), io.err).toBe(0);
});

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isMyriadcError(e)) return e.message;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("companions", () => {
  it("an IR loads the same from its folder and from dropped files", () => {
    const xml = join(dir, "ir", "add.xml");
    const fromFolder = loadModel(xml);
    const dropped = openModel({
      name: "add.xml",
      bytes: readFileSync(xml),
      companion: memoryCompanion(new Map([["add.bin", readFileSync(join(dir, "ir", "add.bin"))]])),
    });
    expect(dropped.externalFiles).toEqual(["add.bin"]);
    expect(dropped.fileBytes).toBe(fromFolder.fileBytes);
    expect(dropped.model.graph.nodes.map((n) => n.opType)).toEqual(fromFolder.model.graph.nodes.map((n) => n.opType));
  });

  it("an IR whose weights were not dropped with it is refused, not read as empty", () => {
    const xml = join(dir, "ir", "add.xml");
    // myriadc's own IR records its .bin (ir-pair.ts), so the missing .bin is named as such.
    expect(refusal(() => openModel({ name: "add.xml", bytes: readFileSync(xml), companion: memoryCompanion(new Map()) }))).toMatch(
      /the \.bin does not belong to this \.xml \(add\.bin is missing\)/,
    );
  });

  it("a .bin that is a link leading out of the model's folder is refused, naming it", () => {
    const out = join(dir, "elsewhere");
    mkdirSync(out);
    mkdirSync(join(dir, "linked"));
    renameSync(join(dir, "ir", "add.bin"), join(out, "add.bin"));
    try {
      symlinkSync(join(out, "add.bin"), join(dir, "linked", "add.bin"));
      const xml = join(dir, "linked", "add.xml");
      symlinkSync(join(dir, "ir", "add.xml"), xml);
      expect(refusal(() => loadModel(xml))).toMatch(/its weights .*add\.bin cannot be read: it is a link that leads outside/);
    } finally {
      renameSync(join(out, "add.bin"), join(dir, "ir", "add.bin"));
    }
  });

  it("paths above the folder, absolute paths and NUL bytes are refused for every source", () => {
    expect(companionPath("a/./b//c")).toBe("a/b/c");
    expect(companionPath("a/../b")).toBe("b");
    for (const bad of ["../x", "/etc/passwd", "C:\\x", "a\0b", "a/../.."]) expect(() => companionPath(bad), bad).toThrow(CompanionError);
    const c = memoryCompanion(new Map([["w.bin", new Uint8Array(4)]]));
    expect(() => c("../w.bin")).toThrow(CompanionError);
    expect(c("sub/w.bin").size).toBe(4); // dropped files come without folders: matched by name
    expect(() => c("other.bin")).toThrow(expect.objectContaining({ problem: "missing" }));
  });
});
