/**
 * Every real IR in the corpus (written by Model Optimizer, v10 and v11, FP32/FP16) reads,
 * and reader → writer → reader loses nothing; structure facts are checked against what the
 * corpus README says of the files.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeIrXml, writeIr } from "../../../src/emit/openvino-ir.js";
import { irNetFromXml } from "../../../src/frontends/openvino/ir-document.js";
import { binPathFor, readIr } from "../../../src/frontends/openvino/read-ir.js";
import { parseXml } from "../../../src/util/xml.js";
import { CORPUS, corpusAvailable, warnIfCorpusMissing } from "../../support/corpus.js";

warnIfCorpusMissing();

function xmlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".xml")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

const tmp = mkdtempSync(join(tmpdir(), "myriadc-ir-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!corpusAvailable)("OpenVINO IR reader and writer", () => {
  const files = corpusAvailable ? xmlFiles(join(CORPUS, "openvino-ir")).filter((f) => /<net /.test(readFileSync(f, "utf8"))) : [];

  it("finds the corpus IRs", () => expect(files.length).toBeGreaterThan(10));

  it.each(files.map((f) => [f.slice(CORPUS.length + 1), f] as const))("%s round-trips losslessly", (_n, f) => {
    // Some IRs are in the corpus without their .bin: the document alone is checked for those.
    const net = existsSync(binPathFor(f)) ? readIr(f).net : irNetFromXml(parseXml(readFileSync(f, "utf8")));
    const text = encodeIrXml(net);
    const again = irNetFromXml(parseXml(text));
    expect(again).toEqual(net);
    expect(encodeIrXml(again)).toBe(text);
  });

  it("writes .xml and .bin atomically and reads them back", () => {
    const src = join(CORPUS, "openvino-ir/pairs/2_yunet_postproc_nms/postproc_yunet_top50_180x320.xml");
    const ir = readIr(src);
    const xml = join(tmp, "copy.xml");
    writeIr(xml, join(tmp, "copy.bin"), ir.net, ir.weights);
    const back = readIr(xml);
    expect(back.net).toEqual(ir.net);
    expect(Buffer.compare(Buffer.from(back.weights), Buffer.from(ir.weights))).toBe(0);
  });

  it("reads the facts the corpus README states", () => {
    // Set 2: IR v10 from MO 2021.4 --data_type half: 100 layers incl. NonMaxSuppression-5 and Gather-7, 25,782-byte .bin.
    const nms = readIr(join(CORPUS, "openvino-ir/pairs/2_yunet_postproc_nms/postproc_yunet_top50_180x320.xml"));
    expect(nms.net.layers).toHaveLength(100);
    expect(nms.net.attributes).toContainEqual(["version", "10"]);
    expect(nms.net.layers.some((l) => l.type === "NonMaxSuppression" && l.version === "opset5")).toBe(true);
    expect(nms.net.layers.some((l) => l.type === "Gather" && l.version === "opset7")).toBe(true);
    expect(nms.weights.length).toBe(25782);
    // Set 5: A+B folded into one Const "add_node1/Output_0/Data__const" f32[2,2] at offset 0, size 16 (the .bin is not in the repo).
    const abc = join(CORPUS, "openvino-ir/pairs/5_openvino_add_abc_initializers/add_abc_initializers.xml");
    expect(() => readIr(abc)).toThrow(/needs bytes 0–16 of the weights, which have 0 bytes/);
    const doc = irNetFromXml(parseXml(readFileSync(abc, "utf8")));
    const c = doc.layers.find((l) => l.type === "Const")!;
    expect(c.name).toBe("add_node1/Output_0/Data__const");
    expect(c.data).toEqual(
      expect.arrayContaining([
        ["element_type", "f32"],
        ["offset", "0"],
        ["size", "16"],
      ]),
    );
  });

  it("rejects broken IR with one clear line", () => {
    const bad = join(tmp, "bad.xml");
    writeFileSync(
      bad,
      '<?xml version="1.0" ?><net name="x" version="11"><layers><layer id="0" name="p" type="Parameter" version="opset1"><output><port ' +
        'id="0"/></output></layer></layers><edges><edge from-layer="0" from-port="0" to-layer="7" to-port="0"/></edges></net>',
    );
    expect(() => readIr(bad)).toThrow(/names a layer that does not exist/);
    writeFileSync(bad, "<net version='9'></net>");
    expect(() => readIr(bad)).toThrow(/IR version "9" is not supported/);
    writeFileSync(bad, "<net><layers>");
    expect(() => readIr(bad)).toThrow(/not valid XML/);
  });
});
