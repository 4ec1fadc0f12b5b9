/**
 * Issue 16 §3: every IR written is well-formed XML 1.0. Characters XML cannot hold are
 * replaced (and the convert summary says so); tab, newline and carriage return survive as
 * character references; the writer checks its own output, so every IR the test suite
 * writes has parsed again.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import { readIr } from "../../src/frontends/openvino/read-ir.js";
import { element, parseXml, writeXml, XML_REPLACEMENT } from "../../src/util/xml.js";
import { runInProcess, workspace } from "./harness.js";
import { node, onnxModel, valueInfo } from "./onnx-proto.js";

const ws = workspace();
afterAll(ws.done);

/** What a string becomes in XML: unpaired surrogates, U+FFFE/U+FFFF and C0 controls but tab/LF/CR replaced. */
function representable(s: string): string {
  return s.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 excludes
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    XML_REPLACEMENT,
  );
}

describe("XML written is XML that parses", () => {
  it("any attribute value survives a write and a parse, up to the replaced characters (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 24 }), fc.string({ unit: "binary", maxLength: 24 }), (a, t) => {
        const text = writeXml(element("net", [["name", a]], [element("layer", [["id", "0"]], [], t)]));
        expect(XMLValidator.validate(text)).toBe(true);
        const back = parseXml(text);
        expect(back.attributes).toEqual([["name", representable(a)]]);
        expect(back.children[0]!.text).toBe(representable(t).trim());
      }),
      { numRuns: 300 },
    );
  });

  it("refuses to read XML that holds a character XML 1.0 excludes, written raw or as a reference", () => {
    expect(() => parseXml('<net name="a\u0001"/>')).toThrow(/does not allow/);
    expect(() => parseXml('<net name="a&#1;"/>')).toThrow(/does not allow/);
  });

  it("convert with control characters in graph and tensor names writes an IR that reads again, and says what it replaced", async () => {
    const bad = "in\u0001put";
    const f = join(ws.dir, "names.onnx");
    writeFileSync(
      f,
      onnxModel({
        name: "graph\u0007name",
        nodes: [node("Relu", [bad], ["out\u001fput"], [], { name: "relu\u0002" })],
        inputs: [valueInfo(bad, "float32", [1, 2])],
        outputs: [valueInfo("out\u001fput", "float32", [1, 2])],
      }),
    );
    const xml = join(ws.out, "m.xml");
    const r = await runInProcess(["convert", f, "-o", xml]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/note: \d+ names? held characters XML 1\.0 cannot hold; written with U\+FFFD instead/);
    expect(XMLValidator.validate(readFileSync(xml, "utf8"))).toBe(true);
    const ir = readIr(xml);
    expect(ir.net.layers.some((l) => l.name.includes(XML_REPLACEMENT))).toBe(true);
  });
});
