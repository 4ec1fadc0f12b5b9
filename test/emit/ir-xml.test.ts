/**
 * The streamed IR .xml writer: well-formed whatever the names hold (it is not parsed again
 * when written, so this is where that is checked), the same text in pieces as whole, and
 * nonXmlStringsOfNet naming exactly the strings written with U+FFFD.
 */
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { encodeIrXml, nonXmlStringsOfNet, writeIrXml } from "../../src/emit/ir-xml.js";
import { type IrLayer, type IrNet, irNetFromXml } from "../../src/frontends/openvino/ir-document.js";
import { element, hasNonXmlChars, parseXml, XML_REPLACEMENT } from "../../src/util/xml.js";

/** What a string becomes in XML: the characters XML 1.0 excludes replaced. */
function representable(s: string): string {
  return s.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 excludes
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    XML_REPLACEMENT,
  );
}

function layer(id: number, name: string, type: string, data: [string, string][], portName: string, dim: string): IrLayer {
  const port = (pid: number, names: boolean) => ({
    id: pid,
    attributes: (names
      ? [
          ["precision", "FP32"],
          ["names", portName],
        ]
      : [["precision", "FP32"]]) as [string, string][],
    dims: ["1", dim],
    extra: [],
  });
  return {
    id,
    name,
    type,
    version: "opset1",
    attributes: [
      ["id", String(id)],
      ["name", name],
      ["type", type],
      ["version", "opset1"],
    ],
    data,
    inputs: id === 0 ? [] : [port(0, false)],
    outputs: [port(id === 0 ? 0 : 1, true)],
    bodies: [],
    order: id === 0 ? ["data", "output"] : ["data", "input", "output"],
    extra: [],
  };
}

function netOf(name: string, value: string, portName: string, dim: string, note: string): IrNet {
  return {
    attributes: [
      ["name", name],
      ["version", "11"],
    ],
    layers: [
      layer(0, name, "Parameter", [["shape", `1,${dim}`]], portName, dim),
      layer(1, `${name}/relu`, "Relu", [["mode", value]], portName, dim),
    ],
    edges: [{ fromLayer: 0, fromPort: 0, toLayer: 1, toPort: 0 }],
    extra: [element("rt_info", [], [element("note", [["value", note]])])],
    order: ["layers", "edges", "rt_info"],
  };
}

describe("writeIrXml", () => {
  it("writes XML that parses back to the same net, up to the replaced characters, whatever the strings (fast-check)", () => {
    const text = fc.string({ unit: "binary", maxLength: 16 });
    fc.assert(
      fc.property(text, text, text, text, text, (name, value, portName, dim, note) => {
        const xml = encodeIrXml(netOf(name, value, portName, dim, note));
        expect(XMLValidator.validate(xml)).toBe(true);
        const back = irNetFromXml(parseXml(xml));
        expect(back.attributes[0]).toEqual(["name", representable(name)]);
        expect(back.layers[1]!.name).toBe(representable(`${name}/relu`));
        expect(back.layers[1]!.data).toEqual([["mode", representable(value)]]);
        expect(back.layers[1]!.outputs[0]!.attributes).toContainEqual(["names", representable(portName)]);
        // Text content is trimmed when read, as every IR reader does.
        expect(back.layers[1]!.outputs[0]!.dims[1]).toBe(representable(dim).trim());
        expect(back.extra[0]!.children[0]!.attributes).toEqual([["value", representable(note)]]);
      }),
      { numRuns: 300 },
    );
  });

  it("names exactly the strings it writes with U+FFFD", () => {
    const bad = ["a\u0001", "b\uFFFE", "c\uD800", "\u001f"];
    const net = netOf(bad[0]!, "plain", bad[1]!, bad[2]!, bad[3]!);
    const [name, port, dim, note] = bad;
    expect(nonXmlStringsOfNet(net)).toEqual([name, name, `1,${dim}`, port, dim, `${name}/relu`, dim, port, dim, note]);
    expect(nonXmlStringsOfNet(netOf("ok", "tab\there", "x", "3", "ok"))).toEqual([]);
    expect(hasNonXmlChars(encodeIrXml(net))).toBe(false);
  });

  it("hands out pieces of about 1 MiB whose concatenation is the whole text", () => {
    const many: IrNet = { ...netOf("n", "v", "p", "4", "x") };
    many.layers = Array.from({ length: 30_000 }, (_, i) =>
      layer(i, `layer_${i}`, i === 0 ? "Parameter" : "Relu", [["k", String(i)]], `t${i}`, "8"),
    );
    const pieces: string[] = [];
    writeIrXml(many, (t) => pieces.push(t));
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces.slice(0, -1)) expect(p.length).toBeGreaterThan(1 << 19);
    const whole = pieces.join("");
    expect(whole).toBe(encodeIrXml(many));
    expect(XMLValidator.validate(whole)).toBe(true);
  });
});
