/**
 * `lint` on every zoo model and on the real IRs of the corpus, against findings written by
 * hand from the capability table and the models' contents:
 *  - MobileNetV3's HardSigmoid layers: MYRIAD has no HardSigmoid (official VPU table), so one
 *    fixable myriad/unsupported-op per HardSigmoid node (counted here from the ONNX graph);
 *    the dynamo export (op18) uses HardSwish (supported) for most of them.
 *  - exports that compute a Reshape/Slice/Resize parameter from Shape at run time: the node
 *    cannot be lowered as given, and fix (constant folding) resolves it.
 *  - stark's backbone IR (Model Optimizer): MaxPool-8 without indices (fixable: MaxPool-1),
 *    two If layers (refused), and an Interpolate whose sizes/scales come from ShapeOf (fixable).
 *  - IRs that real MYRIAD toolchains compiled to blobs (corpus pairs 1 and 2) and the OMZ
 *    face-detection-retail-0004 IR: no errors.
 * Warnings (FP16 underflow of tiny weights) are allowed but must be warnings.
 * Then convert applies the fixes: the emitted XML, read here without our IR reader, holds only
 * layer types, versions and precisions of the capability table.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { convertToIr } from "../../src/convert.js";
import { encodeIrXml } from "../../src/emit/openvino-ir.js";
import { loadOnnxFile } from "../../src/frontends/load-model.js";
import { lintFile } from "../../src/lint/lint-file.js";
import { MYRIAD_OPS } from "../../src/targets/myriad/capabilities.js";
import { CORPUS, corpusAvailable, warnIfCorpusMissing } from "../support/corpus.js";

warnIfCorpusMissing();

const zoo = (name: string) => join(CORPUS, "zoo", name, "model.onnx");
const ir = (path: string) => join(CORPUS, "openvino-ir", path);
const countOps = (file: string, op: string) => loadOnnxFile(file).model.graph.nodes.filter((n) => n.opType === op).length;

type Expected = { rule: string; op: string; fixable: boolean; node?: string }[];
/**
 * Findings at error level as sorted lines "rule op fixable [node]"; the node is compared only
 * for the (rule, op) pairs whose expectations name one (HardSigmoids are counted, not named).
 */
function lines(
  findings: readonly { rule: string; op: string; fixable: boolean; node?: string; severity?: string }[],
  named: ReadonlySet<string>,
): string[] {
  return findings
    .filter((f) => f.severity === undefined || f.severity === "error")
    .map((f) => `${f.rule} ${f.op} ${f.fixable ? "fixable" : "not fixable"}${named.has(`${f.rule} ${f.op}`) ? ` ${f.node}` : ""}`)
    .sort();
}
const namedIn = (e: Expected) => new Set(e.filter((x) => x.node !== undefined).map((x) => `${x.rule} ${x.op}`));
const hardSigmoids = (file: string): Expected =>
  Array.from({ length: countOps(file, "HardSigmoid") }, () => ({ rule: "myriad/unsupported-op", op: "HardSigmoid", fixable: true }));
const notLowered = (node: string, op: string): Expected => [{ rule: "myriad/not-lowered", op, fixable: true, node }];

const ZOO: Record<string, (file: string) => Expected> = {
  lraspp_mbv3_op13: (f) => [...notLowered("/m/classifier/Slice", "Slice"), ...hardSigmoids(f)],
  mobilenet_v2_op11: () => [],
  mobilenet_v3_small_op13: hardSigmoids,
  mobilenet_v3_small_op18: hardSigmoids,
  seed_blur_op12: () => notLowered("/Reshape", "Reshape"),
  seed_catimgs_op12: () => [],
  seed_laplacian_op12: () => [],
  shufflenet_v2_op13: () => notLowered("/stage2/stage2.0/Reshape", "Reshape"),
  squeezenet1_1_op11: () => [],
  yolov5n_like_op12: () => notLowered("/up/Resize", "Resize"),
};

const IRS: Record<string, Expected> = {
  "pairs/1_stark_to_float_model/to_float_model_128.xml": [],
  "pairs/1_stark_to_float_model/to_float_model_320.xml": [],
  "pairs/2_yunet_postproc_nms/postproc_yunet_top50_180x320.xml": [],
  "pairs/5_openvino_add_abc_initializers/add_abc.xml": [],
  "samples/luxonis+depthai-experiments/reshaping-openvino-model/model/face-detection-retail-0004.xml": [],
  "samples/luxonis+depthai-experiments/depthai-inference-engine/facial_cartoonization_256x256.xml": [],
  "samples/nikp00+stark-on-depthai/models/to_float_model/to_float_model_128.xml": [],
  "samples/nikp00+stark-on-depthai/models/backbone_bottleneck_pe/backbone_bottleneck_pe.xml": [
    { rule: "myriad/interpolate-shape", op: "Interpolate", fixable: true, node: "Resize_76" },
    { rule: "myriad/interpolate-shape", op: "Interpolate", fixable: true, node: "Resize_76" },
    { rule: "myriad/unsupported-op", op: "If", fixable: false, node: "If_12" },
    { rule: "myriad/unsupported-op", op: "If", fixable: false, node: "If_20" },
    { rule: "myriad/unsupported-version", op: "MaxPool", fixable: true, node: "MaxPool_6" },
  ],
  "samples/openvinotoolkit_openvino/src/tests/functional/inference_engine/ir_serialization/models/custom_op.xml": [
    { rule: "myriad/unsupported-op", op: "Template", fixable: false },
  ],
  "samples/openvinotoolkit_openvino/src/bindings/js/node/tests/unit/test_models/relu_model.xml": [],
  "samples/openvinotoolkit_openvino/src/bindings/js/node/tests/unit/test_models/add_model.xml": [],
};

describe.skipIf(!corpusAvailable)("lint on the zoo and the corpus IRs", () => {
  for (const [name, expected] of Object.entries(ZOO)) {
    it(`zoo/${name}`, () => {
      const file = zoo(name);
      const want = expected(file);
      const findings = lintFile(file).findings;
      expect(lines(findings, namedIn(want))).toEqual(lines(want, namedIn(want)));
      expect(findings.filter((f) => f.severity === "warning").every((f) => f.rule === "myriad/fp16-underflow")).toBe(true);
    }, 120_000);
  }
  for (const [path, expected] of Object.entries(IRS)) {
    it(path, () => {
      expect(lines(lintFile(ir(path)).findings, namedIn(expected))).toEqual(lines(expected, namedIn(expected)));
    });
  }
});

/** Layer type, version and port precisions read straight from the XML text. */
function layersOf(xml: string): { type: string; version: string; precisions: string[] }[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
  const list = (x: unknown) => (Array.isArray(x) ? x : x === undefined ? [] : [x]);
  return list(doc.net.layers.layer).map((l: Record<string, unknown>) => ({
    type: String(l.type),
    version: String(l.version),
    precisions: [...list((l.input as { port?: unknown })?.port), ...list((l.output as { port?: unknown })?.port)].map(
      (p: { precision?: string }) => String(p.precision),
    ),
  }));
}

describe.skipIf(!corpusAvailable)("convert --target myriad writes only what MYRIAD accepts", () => {
  const PRECISIONS = new Set(["FP32", "FP16", "I32", "U8", "BOOL"]);
  for (const name of Object.keys(ZOO)) {
    it(`zoo/${name}`, () => {
      const file = zoo(name);
      const { net } = convertToIr(loadOnnxFile(file).model, file, { dataType: "FP16" });
      const bad = layersOf(encodeIrXml(net)).filter((l) => {
        const cap = MYRIAD_OPS[l.type];
        const version = Number(l.version.replace("opset", ""));
        return !cap?.supported || !cap.versions.includes(version) || l.precisions.some((p) => !PRECISIONS.has(p));
      });
      expect(bad).toEqual([]);
    }, 120_000);
  }
});

// The XML reader above must see what is there: a sanity check on a layer list we know.
describe.skipIf(!corpusAvailable)("the XML layer reader of this test", () => {
  it("reads stark's to_float_model as Parameter, Convert, Result", () => {
    const layers = layersOf(readFileSync(ir("pairs/1_stark_to_float_model/to_float_model_128.xml"), "utf8"));
    expect(layers.map((l) => l.type)).toEqual(["Parameter", "Convert", "Result"]);
  });
});
