/**
 * The frontend registry: formats are told apart by content, never by file name, and a file
 * no frontend recognises is reported with the list of known formats.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { frontendFor, knownFormats, loadModel } from "../../src/frontends/load-model.js";
import { looksLikeModelProto } from "../../src/frontends/onnx/frontend.js";
import { encodeOnnx } from "../../src/frontends/onnx/save.js";
import { FRONTENDS } from "../../src/frontends/registry.js";
import { isMyriadcError } from "../../src/util/errors.js";
import { reluModel } from "../support/tiny-models.js";

const root = mkdtempSync(join(tmpdir(), "myriadc-frontends-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function place(name: string, bytes: Uint8Array | string): string {
  const p = join(root, name);
  writeFileSync(p, bytes);
  return p;
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!isMyriadcError(e)) throw e;
    return e.oneLine();
  }
  throw new Error("expected an error");
}

const onnxBytes = reluModel();

describe("the frontend registry", () => {
  it("every frontend has a distinct name and at least one extension", () => {
    const names = FRONTENDS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of FRONTENDS) expect(f.extensions.length).toBeGreaterThan(0);
  });

  it("opens a misnamed ONNX file as ONNX", () => {
    const loaded = loadModel(place("weights.bin", onnxBytes));
    expect(loaded.format).toBe("onnx");
    expect(loaded.dialect).toBe("onnx");
  });

  it("opens an IR named .onnx as an IR", () => {
    const ir = join(import.meta.dirname, "../../golden/example-gaussian-blur-fp32/model.xml");
    const xml = join(root, "blur.onnx");
    copyFileSync(ir, xml);
    // No .bin beside it: the IR reader, not the ONNX one, says so.
    expect(frontendFor(xml)?.name).toBe("openvino-ir");
    expect(errorOf(() => loadModel(xml))).toMatch(/Const layer .* needs bytes/);
  });

  it("names the known formats when nothing matches", () => {
    const f = place("frames.dat", "\u0000\u0001garbage that is no model at all");
    const msg = errorOf(() => loadModel(f));
    expect(msg).toContain(f);
    expect(msg).toContain("is not a model in a format myriadc reads");
    for (const fe of FRONTENDS) expect(msg).toContain(fe.label);
    expect(knownFormats()).toContain(".onnx");
  });

  it("lets the frontend a file's name promises explain the failure", () => {
    const f = place("broken.onnx", "this is not a model\n");
    expect(errorOf(() => loadModel(f))).toMatch(/read as ONNX: (is truncated|is not an ONNX model)/);
  });
});

describe("ONNX sniffing", () => {
  it("accepts real models, including truncated ones", () => {
    expect(looksLikeModelProto(onnxBytes, onnxBytes.length)).toBe(true);
    const cut = onnxBytes.subarray(0, onnxBytes.length - 5);
    expect(looksLikeModelProto(cut, cut.length)).toBe(true);
    const big = encodeOnnx(loadModel(place("again.onnx", onnxBytes)).model);
    expect(looksLikeModelProto(big.subarray(0, 16), big.length)).toBe(true);
  });

  it("rejects TFLite's and XML's first bytes and unknown fields", () => {
    const tflite = Uint8Array.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33, 0, 0]);
    expect(looksLikeModelProto(tflite, 1000)).toBe(false);
    expect(looksLikeModelProto(new TextEncoder().encode("<?xml version"), 100)).toBe(false);
    expect(looksLikeModelProto(Uint8Array.from([0x78, 1]), 2)).toBe(false); // field 15 is not in ModelProto
  });
});
